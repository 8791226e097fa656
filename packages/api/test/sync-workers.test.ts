// Several worker processes' worth of startWorkers() (each its own pg-boss instance) on one database:
// every queued reply reaches its marketplace exactly once however often it was queued, no job is
// done twice, and the syncs of one account never overlap.
import { startOzonSandbox, startWildberriesSandbox, type OzonSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import type { Item, PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type Workers } from "../src/jobs/worker";
import { syncAccount } from "../src/sync/sync-account";
import { createWbAccount } from "./support/wildberries";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const database = useTestDatabase();
const CONNECTOR_OPTIONS = { ...FAST_CONNECTOR_OPTIONS, rateLimit: false as const };

type Upstream =
  | { marketplace: "WILDBERRIES"; sandbox: WildberriesSandbox; accountId: string }
  | { marketplace: "OZON"; sandbox: OzonSandbox; accountId: string };
let upstreams: Upstream[] = [];

beforeAll(async () => {
  const { prisma } = database();
  for (const seed of [31, 32]) {
    const sandbox = await startWildberriesSandbox({ seed, size: 30, eventsPageSize: 20, rateLimits: false, moderation: "instant" });
    const { account } = await createWbAccount(prisma, sandbox, `WB ${seed}`);
    upstreams.push({ marketplace: "WILDBERRIES", sandbox, accountId: account.id });
  }
  for (const seed of [41, 42]) {
    const sandbox = await startOzonSandbox({ seed, size: { chats: 12, messagesPerChat: 3, reviews: 30, questions: 30 }, rateLimit: false });
    const { account } = await createSandboxAccount(prisma, {
      marketplace: "OZON",
      baseUrls: { "*": sandbox.url },
      credentials: sandbox.credentials,
      sellerName: `Ozon ${seed}`,
    });
    upstreams.push({ marketplace: "OZON", sandbox, accountId: account.id });
  }
});
afterAll(async () => {
  await Promise.all(upstreams.map((upstream) => upstream.sandbox.close()));
  upstreams = [];
});

/** How often the marketplace received this exact text for this item. */
function timesReceived(upstream: Upstream, item: Pick<Item, "channel" | "externalId">, text: string): number {
  let received: string[];
  if (upstream.marketplace === "WILDBERRIES") {
    const { world } = upstream.sandbox;
    received = (item.channel === "CHAT" ? world.messagesSent : world.answers).get(item.externalId) ?? [];
  } else {
    received = upstream.sandbox.stats.repliesReceived(item.channel.toLowerCase() as "review" | "question" | "chat", item.externalId);
  }
  return received.filter((candidate) => candidate === text).length;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Unanswered items each marketplace will take an answer for (Ozon: only open chats). */
async function replyableItems(prisma: PrismaClient, upstream: Upstream, perChannel: number, round: number) {
  const openOzonChats =
    upstream.marketplace === "OZON"
      ? upstream.sandbox
          .account()
          .chats.filter((chat) => chat.status === "OPENED")
          .map((chat) => chat.id)
      : undefined;
  const items: Item[] = [];
  for (const channel of ["REVIEW", "QUESTION", "CHAT"] as const) {
    const candidates = await prisma.item.findMany({
      where: {
        accountId: upstream.accountId,
        channel,
        replies: { none: {} },
        ...(channel === "CHAT" ? (openOzonChats ? { externalId: { in: openOzonChats } } : {}) : { answered: false }),
      },
      orderBy: { externalId: "asc" },
      take: perChannel,
    });
    items.push(...candidates);
  }
  expect(items.length, `round ${round}: replyable items of ${upstream.marketplace}`).toBeGreaterThanOrEqual(perChannel * 2);
  return items;
}

async function startPool(prisma: PrismaClient, size: number, log: string[]) {
  const pool: Workers[] = [];
  for (let index = 0; index < size; index += 1) {
    pool.push(
      await startWorkers({
        prisma,
        databaseUrl: database().url,
        connectorOptions: CONNECTOR_OPTIONS,
        sync: { pageSize: 20 },
        concurrency: 2,
        pollingIntervalSeconds: 0.5,
        log: (line) => log.push(line),
      }),
    );
  }
  return pool;
}

describe("workers", () => {
  it.each([2, 4])(
    "%i workers at once: every queued reply is delivered exactly once, no job runs twice, syncs of one account never overlap",
    async (size) => {
      const { prisma } = database();
      const log: string[] = [];
      const pool = await startPool(prisma, size, log);
      let stopDirect = false;
      let direct: Promise<void> = Promise.resolve();
      try {
        const syncedBefore = await prisma.syncRun.count();
        // Every worker asks for a sync of every account, twice: pg-boss keeps one queued + one active.
        for (const workers of pool) for (const upstream of upstreams) await workers.queue.enqueueSync(upstream.accountId);
        for (const workers of pool) for (const upstream of upstreams) await workers.queue.enqueueSync(upstream.accountId);
        // And, all along, syncs called directly: the account lease must turn them away while a worker syncs.
        const directOutcomes: string[] = [];
        direct = (async () => {
          while (!stopDirect) {
            const results = await Promise.all(
              upstreams.map((upstream) =>
                syncAccount({ prisma, accountId: upstream.accountId, connectorOptions: CONNECTOR_OPTIONS, pageSize: 20 }),
              ),
            );
            directOutcomes.push(...results.map((result) => (result.status === "skipped" ? result.reason : result.status)));
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })();
        await waitUntil("every account is synced", async () => {
          const synced = await prisma.marketplaceAccount.count({
            where: { id: { in: upstreams.map((upstream) => upstream.accountId) }, lastSyncedAt: { not: null } },
          });
          return synced === upstreams.length;
        });

        // Many replies, each queued once by every worker of the pool.
        const replies: Array<{ id: string; text: string; item: Item; upstream: Upstream }> = [];
        for (const upstream of upstreams) {
          for (const item of await replyableItems(prisma, upstream, 3, size)) {
            const text = `Спасибо за обращение! Пул ${size}, ответ ${replies.length + 1}.`;
            const reply = await prisma.reply.create({ data: { itemId: item.id, text, idempotencyKey: `pool-${size}-${item.id}` } });
            replies.push({ id: reply.id, text, item, upstream });
          }
        }
        for (const workers of pool) for (const reply of replies) await workers.queue.enqueueReplyDelivery(reply.id);
        // More syncs while replies go out.
        for (const workers of pool) for (const upstream of upstreams) await workers.queue.enqueueSync(upstream.accountId);

        const ids = replies.map((reply) => reply.id);
        await waitUntil(
          "every reply is SENT",
          async () => (await prisma.reply.count({ where: { id: { in: ids }, status: "SENT" } })) === ids.length,
        );
        stopDirect = true;
        await direct;
        await waitUntil(
          "the queues are drained",
          async () => (await prisma.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM pgboss.job WHERE state < 'completed'`)[0].n === 0n,
        );

        const received = replies.map((reply) => timesReceived(reply.upstream, reply.item, reply.text));
        const sentOutcomes = new Map<string, number>();
        for (const line of log) {
          const match = /^reply (\S+): sent$/.exec(line);
          if (match) sentOutcomes.set(match[1]!, (sentOutcomes.get(match[1]!) ?? 0) + 1);
        }
        const jobs = await prisma.$queryRaw<Array<{ name: string; state: string; retry_count: number; n: bigint }>>`
          SELECT name, state::text AS state, retry_count, count(*) AS n FROM pgboss.job
          WHERE name IN ('deliver-reply', 'sync-account') GROUP BY name, state, retry_count ORDER BY name`;
        // Why a job failed, so a failure here says more than "expected false to be true".
        const failedJobs = await prisma.$queryRaw<Array<{ name: string; output: string | null }>>`
          SELECT name, left(output::text, 500) AS output FROM pgboss.job
          WHERE name IN ('deliver-reply', 'sync-account') AND state = 'failed'`;
        const runs = await prisma.syncRun.findMany({ orderBy: [{ accountId: "asc" }, { startedAt: "asc" }] });
        const overlaps = runs.filter(
          (run, index) => index > 0 && runs[index - 1]!.accountId === run.accountId && run.startedAt < runs[index - 1]!.finishedAt!,
        );
        const busy = directOutcomes.filter((outcome) => outcome === "busy").length + log.filter((line) => / busy$/.test(line)).length;
        console.log(
          `[workers ${size}] replies: ${replies.length}, queued ${size}x each, upstream sends: ${received.reduce((sum, n) => sum + n, 0)}, ` +
            `double sends: ${received.filter((n) => n > 1).length}, sync runs: ${runs.length - syncedBefore}, overlapping runs: ${overlaps.length}, ` +
            `syncs turned away by the lease: ${busy} (direct calls: ${directOutcomes.length}), jobs: ${JSON.stringify(jobs.map((job) => [job.name, job.state, job.retry_count, Number(job.n)]))}`,
        );

        expect(received).toEqual(replies.map(() => 1));
        expect(ids.map((id) => sentOutcomes.get(id) ?? 0)).toEqual(ids.map(() => 1));
        // pg-boss handed each job to one worker once: all completed, none retried or failed.
        expect(failedJobs).toEqual([]);
        expect(jobs.every((job) => job.state === "completed" && job.retry_count === 0)).toBe(true);
        expect(runs.every((run) => run.finishedAt !== null && run.status === "SUCCEEDED")).toBe(true);
        expect(busy).toBeGreaterThan(0);
        expect(overlaps).toEqual([]);
      } finally {
        // Also when the test failed: no sync or job may still write when the database is dropped.
        stopDirect = true;
        await direct.catch(() => {}); // reached with a rejection only when the test has failed already
        await Promise.all(pool.map((workers) => workers.stop()));
      }
    },
  );

  it("a sync slower than its lease keeps the account: other syncs are turned away and never overlap it", async () => {
    const { prisma } = database();
    const upstream = upstreams.find((candidate) => candidate.marketplace === "OZON")!;
    const options = { prisma, accountId: upstream.accountId, connectorOptions: { ...CONNECTOR_OPTIONS, timeoutMs: 5_000 }, leaseMs: 300 };
    await syncAccount(options); // caught up first: what follows is one short incremental run
    const since = new Date();
    // Each review page takes three leases: the lease must outlive slow pages, not only be renewed between them.
    upstream.sandbox.faults.set({ slowRate: 1, slowMs: 900, pathPattern: /review\/list/ });
    let first: ReturnType<typeof syncAccount> = Promise.resolve({ status: "skipped", reason: "missing" });
    try {
      first = syncAccount(options);
      let done = false;
      void first.finally(() => (done = true)); // awaited below and in finally: this only marks the end
      // The slow sync takes the lease first; only then do the others start knocking.
      while (!(await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: upstream.accountId } })).syncLeaseOwner) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const others: string[] = [];
      while (!done) {
        const other = await syncAccount(options);
        others.push(other.status === "skipped" ? other.reason : other.status);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      const result = await first;
      const runs = await prisma.syncRun.findMany({
        where: { accountId: upstream.accountId, startedAt: { gte: since } },
        orderBy: { startedAt: "asc" },
      });
      const overlaps = runs.filter((run, index) => index > 0 && run.startedAt < runs[index - 1]!.finishedAt!);
      console.log(
        `[lease] slow sync: ${result.status}, other syncs meanwhile: ${others.length}, turned away: ${others.filter((o) => o === "busy").length}, overlapping runs: ${overlaps.length}`,
      );
      expect(result.status === "done" && result.channels.map((channel) => channel.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
      expect(others.filter((outcome) => outcome === "busy").length).toBeGreaterThan(10);
      expect(overlaps).toEqual([]);
    } finally {
      upstream.sandbox.faults.reset();
      await first.catch(() => {}); // reached with a rejection only when the test has failed already
    }
  });
});
