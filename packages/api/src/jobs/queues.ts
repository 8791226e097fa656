// Background jobs on pg-boss (tables in the app's own PostgreSQL, schema "pgboss"), so the same code
// runs on the embedded database and on an external one, with any number of workers.
import PgBoss from "pg-boss";

export const QUEUES = {
  /** Sync one account (all its channels). At most one queued job per account; a second active one
   * finds the account lease taken (see sync-account.ts) and returns at once. */
  syncAccount: "sync-account",
  /** Deliver one reply to its marketplace. */
  deliverReply: "deliver-reply",
  /** Tell the marketplaces that items were read (bulk mark read; services/inbox-read.ts). */
  markReadUpstream: "mark-read-upstream",
  /** Apply a seller's automation rules (services/automation.ts). At most one queued job per seller. */
  automation: "automation",
  /** Every minute: queue the syncs that are due, the replies whose retry time has come, and the
   * automation of sellers with rules switched on (delays end while nothing else happens). */
  sweep: "sweep",
} as const;

export interface SyncJob {
  accountId: string;
}
export interface DeliverReplyJob {
  replyId: string;
}
export interface MarkReadUpstreamJob {
  itemIds: string[];
}
export interface AutomationJob {
  sellerId: string;
}

export function createBoss(databaseUrl: string, options: { worker: boolean }) {
  return new PgBoss({
    connectionString: databaseUrl,
    schema: "pgboss",
    application_name: options.worker ? "inbox-worker" : "inbox-web",
    max: options.worker ? 6 : 2,
    // Senders do no maintenance or scheduling; workers do.
    supervise: options.worker,
    schedule: options.worker,
  });
}

export async function ensureQueues(boss: PgBoss) {
  // "short", not "stately": stately refuses to fetch a job while another job of the same key is
  // active, and that stalls the whole queue behind one long sync.
  await boss.createQueue(QUEUES.syncAccount, { name: QUEUES.syncAccount, policy: "short", retryLimit: 0, expireInSeconds: 30 * 60 });
  await boss.createQueue(QUEUES.deliverReply, { name: QUEUES.deliverReply, policy: "standard", retryLimit: 0, expireInSeconds: 10 * 60 });
  await boss.createQueue(QUEUES.markReadUpstream, {
    name: QUEUES.markReadUpstream,
    policy: "standard",
    retryLimit: 0,
    expireInSeconds: 10 * 60,
  });
  await boss.createQueue(QUEUES.automation, { name: QUEUES.automation, policy: "short", retryLimit: 0, expireInSeconds: 10 * 60 });
  await boss.createQueue(QUEUES.sweep, { name: QUEUES.sweep, policy: "stately", retryLimit: 0, expireInSeconds: 5 * 60 });
}

/** What the API needs from the job system; tests may supply their own. */
export interface JobQueue {
  enqueueSync(accountId: string): Promise<void>;
  enqueueReplyDelivery(replyId: string, startAfter?: Date): Promise<void>;
  enqueueMarkReadUpstream(itemIds: string[]): Promise<void>;
  enqueueAutomation(sellerId: string): Promise<void>;
}

export function jobQueueFromBoss(boss: PgBoss): JobQueue {
  return {
    async enqueueSync(accountId) {
      await boss.send(QUEUES.syncAccount, { accountId } satisfies SyncJob, { singletonKey: accountId });
    },
    async enqueueReplyDelivery(replyId, startAfter) {
      await boss.send(QUEUES.deliverReply, { replyId } satisfies DeliverReplyJob, startAfter ? { startAfter } : {});
    },
    async enqueueMarkReadUpstream(itemIds) {
      await boss.send(QUEUES.markReadUpstream, { itemIds } satisfies MarkReadUpstreamJob);
    },
    async enqueueAutomation(sellerId) {
      await boss.send(QUEUES.automation, { sellerId } satisfies AutomationJob, { singletonKey: sellerId });
    },
  };
}

const cache = globalThis as unknown as { __inboxJobQueue?: Promise<JobQueue> };

/** The process-wide sender for DATABASE_URL (the web app sends; workers consume). */
export function getJobQueue(): Promise<JobQueue> {
  cache.__inboxJobQueue ??= (async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set.");
    const boss = createBoss(url, { worker: false });
    boss.on("error", (error) => console.error("pg-boss:", error.message));
    await boss.start();
    await ensureQueues(boss);
    return jobQueueFromBoss(boss);
  })();
  return cache.__inboxJobQueue;
}
