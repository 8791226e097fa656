// The workers: sync accounts, deliver replies, and a sweeper that queues what is due. Started inside
// the app process by `npm start`, or on their own by `pnpm worker`, on as many machines as wanted.
import { randomUUID } from "node:crypto";
import type { ConnectorOptions } from "@inbox/connectors";
import type { PrismaClient } from "@inbox/db";
import { deliverReply } from "../sync/deliver-reply";
import { syncAccount, type SyncAccountOptions } from "../sync/sync-account";
import { TaskTracker } from "../background";
import { runAutomation } from "../services/automation";
import { markItemsReadUpstream } from "../services/inbox-read";
import {
  createBoss,
  ensureQueues,
  jobQueueFromBoss,
  QUEUES,
  type AutomationJob,
  type DeliverReplyJob,
  type JobQueue,
  type MarkReadUpstreamJob,
  type SyncJob,
} from "./queues";

export interface WorkerOptions {
  prisma: PrismaClient;
  databaseUrl: string;
  connectorOptions?: ConnectorOptions;
  sync?: Partial<Omit<SyncAccountOptions, "prisma" | "accountId" | "signal">>;
  /** Parallel jobs per queue in this process. */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  /** Cron of the sweeper; every minute by default. */
  sweepCron?: string;
  log?: (line: string) => void;
}

export interface Workers {
  id: string;
  queue: JobQueue;
  /** Runs the sweep now (tests, `sync now` of everything). */
  sweep(): Promise<void>;
  /** Stops taking jobs, lets running ones finish (syncs stop at the next page), then closes; the
   * caller may disconnect Prisma once this resolves. */
  stop(): Promise<void>;
}

export async function startWorkers(options: WorkerOptions): Promise<Workers> {
  const { prisma } = options;
  const log = options.log ?? (() => {});
  const id = `worker-${randomUUID().slice(0, 8)}`;
  const shutdown = new AbortController();
  const boss = createBoss(options.databaseUrl, { worker: true });
  let stopped = false;
  boss.on("error", (error) => {
    // pg-boss's pool lets go of its connections when it stops, but their sockets may still be
    // closing when the caller then stops PostgreSQL, whose goodbye to them (57P01, "terminating
    // connection due to administrator command") is no failure of ours.
    if (stopped && (error as { code?: string }).code === "57P01") return;
    log(`pg-boss error: ${error.message}`);
  });
  await boss.start();
  await ensureQueues(boss);
  const queue = jobQueueFromBoss(boss);
  const workOptions = { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 };
  const concurrency = options.concurrency ?? 2;
  // Every handler runs tracked: pg-boss gives up waiting for them after its stop timeout, and a job
  // still writing when the caller disconnects Prisma would hang that disconnect.
  const running = new TaskTracker();

  for (let slot = 0; slot < concurrency; slot += 1) {
    await boss.work<SyncJob>(QUEUES.syncAccount, workOptions, ([job]) =>
      running.run(async () => {
        if (!job) return;
        const result = await syncAccount({
          prisma,
          accountId: job.data.accountId,
          // One lease owner per job: two jobs of one account in this process must not share a lease.
          workerId: `${id}:${job.id}`,
          connectorOptions: options.connectorOptions,
          signal: shutdown.signal,
          ...options.sync,
        });
        log(
          `sync ${job.data.accountId}: ${result.status === "done" ? result.channels.map((c) => `${c.channel} ${c.status} +${c.changed}`).join(", ") : result.reason}`,
        );
        // New or changed items may be what a rule waits for.
        if (result.status === "done" && result.channels.some((channel) => channel.changed > 0)) {
          const account = await prisma.marketplaceAccount.findUnique({ where: { id: job.data.accountId }, select: { sellerId: true } });
          if (account && (await hasEnabledRules(prisma, account.sellerId))) await queue.enqueueAutomation(account.sellerId);
        }
      }),
    );
    await boss.work<DeliverReplyJob>(QUEUES.deliverReply, workOptions, ([job]) =>
      running.run(async () => {
        if (!job) return;
        const outcome = await deliverReply({ prisma, replyId: job.data.replyId, connectorOptions: options.connectorOptions });
        if (outcome.status === "retry") await queue.enqueueReplyDelivery(job.data.replyId, outcome.retryAt);
        log(`reply ${job.data.replyId}: ${outcome.status}`);
      }),
    );
    await boss.work<MarkReadUpstreamJob>(QUEUES.markReadUpstream, workOptions, ([job]) =>
      running.run(async () => {
        if (!job) return;
        const outcome = await markItemsReadUpstream(prisma, job.data.itemIds, { connectorOptions: options.connectorOptions, log });
        log(`mark read upstream: ${outcome.marked} marked, ${outcome.failed} failed`);
      }),
    );
    await boss.work<AutomationJob>(QUEUES.automation, workOptions, ([job]) =>
      running.run(async () => {
        if (!job) return;
        const results = await runAutomation(prisma, queue, { sellerId: job.data.sellerId });
        const acted = results.filter((result) => result.replied + result.assigned + result.markedRead + result.skipped > 0);
        if (acted.length > 0) {
          log(
            `automation ${job.data.sellerId}: ${acted.map((r) => `${r.ruleId} replied ${r.replied}, assigned ${r.assigned}, read ${r.markedRead}, skipped ${r.skipped}`).join("; ")}`,
          );
        }
      }),
    );
  }

  const sweep = async () => {
    const now = new Date();
    const accounts = await prisma.marketplaceAccount.findMany({
      where: { paused: false, OR: [{ rateLimitedUntil: null }, { rateLimitedUntil: { lte: now } }] },
      select: { id: true, lastSyncedAt: true, syncIntervalMinutes: true },
    });
    for (const account of accounts) {
      const due = !account.lastSyncedAt || now.getTime() - account.lastSyncedAt.getTime() >= account.syncIntervalMinutes * 60_000;
      if (due) await queue.enqueueSync(account.id);
    }
    // Replies whose job was lost (process died between storing and queueing) or whose retry is due.
    const replies = await prisma.reply.findMany({
      where: {
        OR: [
          {
            status: "PENDING",
            OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }],
            updatedAt: { lt: new Date(now.getTime() - 30_000) },
          },
          { status: "SENDING", updatedAt: { lt: new Date(now.getTime() - 5 * 60_000) } },
        ],
      },
      select: { id: true },
      take: 500,
    });
    for (const reply of replies) await queue.enqueueReplyDelivery(reply.id);
    const sellers = await prisma.automationRule.findMany({ where: { enabled: true }, distinct: ["sellerId"], select: { sellerId: true } });
    for (const { sellerId } of sellers) await queue.enqueueAutomation(sellerId);
  };
  await boss.work(QUEUES.sweep, workOptions, () => running.run(sweep));
  await boss.schedule(QUEUES.sweep, options.sweepCron ?? "* * * * *");

  return {
    id,
    queue,
    sweep: () => running.run(sweep),
    async stop() {
      shutdown.abort();
      await boss.stop({ graceful: true, timeout: 30_000, wait: true });
      stopped = true;
      await running.drain();
    },
  };
}

async function hasEnabledRules(prisma: PrismaClient, sellerId: string) {
  return (await prisma.automationRule.count({ where: { sellerId, enabled: true } })) > 0;
}
