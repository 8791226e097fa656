// Sync health against the Wildberries sandbox's real responses: progress is stored on the run page by
// page; failures are stored as classified reasons (a revoked or expired token, a token without the
// chat category, 429) with the retry time, never the marketplace's own text. And the analytics
// rollups stay equal to a fresh computation after syncs, delivered replies and a re-sync.
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { accountSecretContext, encryptSecret, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncAccount } from "../src/sync/sync-account";
import { addMember, callerFor, createUser } from "./fixtures";
import { deliverUntilSettled } from "./support/replies";
import { createWbAccount, syncUntilCaughtUp, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 23,
    feedbacks: 60,
    questions: 20,
    chats: 6,
    eventsPageSize: 10,
    timeScale: WB_TIME_SCALE,
    moderation: "instant",
  });
});
afterAll(() => sandbox.close());

async function useToken(prisma: PrismaClient, accountId: string, apiToken: string) {
  await prisma.marketplaceAccount.update({
    where: { id: accountId },
    data: { credentialsEncrypted: encryptSecret(JSON.stringify({ apiToken }), accountSecretContext(accountId)), rateLimitedUntil: null },
  });
}

/** Stored text a member could be shown: the run and account rows, as JSON. */
async function storedText(prisma: PrismaClient, accountId: string) {
  const account = await prisma.marketplaceAccount.findUniqueOrThrow({
    where: { id: accountId },
    select: { status: true, statusReason: true, syncRuns: true },
  });
  return JSON.stringify(account);
}

describe("sync health", () => {
  it("stores progress on the running run page by page", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox);
    const seen: Promise<{ pages: number; itemsFetched: number; channel: string } | null>[] = [];
    await syncAccount({
      prisma,
      accountId: account.id,
      pageSize: 10,
      connectorOptions: {
        ...WB_CONNECTOR_OPTIONS,
        // What the accounts page would read while the sync runs.
        onRequest: () => {
          // (then: a Prisma query runs only once something subscribes to it)
          seen.push(
            prisma.syncRun
              .findFirst({
                where: { accountId: account.id, status: "RUNNING" },
                select: { pages: true, itemsFetched: true, channel: true },
              })
              .then((run) => run),
          );
        },
      },
    });
    const snapshots = (await Promise.all(seen)).filter((run) => run !== null);
    const reviews = snapshots.filter((run) => run.channel === "REVIEW");
    // Reviews take several pages of 10: the running run showed pages and items growing.
    expect(Math.max(...reviews.map((run) => run.pages))).toBeGreaterThan(1);
    expect(Math.max(...reviews.map((run) => run.itemsFetched))).toBeGreaterThan(10);
    expect(new Set(snapshots.map((run) => run.channel))).toEqual(new Set(["REVIEW", "QUESTION", "CHAT"]));
    const finished = await prisma.syncRun.findMany({ where: { accountId: account.id } });
    expect(finished.every((run) => run.status === "SUCCEEDED" && run.errorReason === null && run.finishedAt)).toBe(true);
  });

  it("classifies an expired token, a token without the chat category and a 429, keeping upstream text out", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox);

    // An expired token: WB answers 401 "token is expired".
    await useToken(prisma, account.id, sandbox.issueToken({ type: "personal", categories: ["feedbacks", "chat"], expiresInSec: -60 }));
    await syncAccount({ prisma, accountId: account.id, connectorOptions: WB_CONNECTOR_OPTIONS });
    let stored = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id }, include: { syncRuns: true } });
    expect(stored).toMatchObject({ status: "NEEDS_TOKEN", statusReason: "TOKEN_REJECTED" });
    expect(stored.syncRuns.map((run) => [run.status, run.errorReason])).toEqual([
      ["FAILED", "TOKEN_REJECTED"],
      ["FAILED", "TOKEN_REJECTED"],
      ["FAILED", "TOKEN_REJECTED"],
    ]);
    expect(await storedText(prisma, account.id)).not.toMatch(/expired|wildberries:|\(401\)/);

    // A token for reviews and questions only: the chat API answers 401 about the token's scope.
    await useToken(prisma, account.id, sandbox.issueToken({ type: "personal", categories: ["feedbacks"] }));
    const result = await syncAccount({ prisma, accountId: account.id, connectorOptions: WB_CONNECTOR_OPTIONS });
    expect(result.status === "done" && result.channels.map((channel) => [channel.channel, channel.status, channel.reason ?? null])).toEqual(
      [
        ["REVIEW", "SUCCEEDED", null],
        ["QUESTION", "SUCCEEDED", null],
        ["CHAT", "FAILED", "TOKEN_CATEGORY_MISSING"],
      ],
    );
    stored = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id }, include: { syncRuns: true } });
    expect(stored).toMatchObject({ status: "NEEDS_TOKEN", statusReason: "TOKEN_CATEGORY_MISSING" });
    expect(await storedText(prisma, account.id)).not.toMatch(/scope not allowed|wildberries:/i);

    // Every feedbacks request answered 429 (the sandbox's real response and X-Ratelimit-Retry header):
    // the run ends PARTIAL with the time the marketplace allows the next call.
    await useToken(prisma, account.id, sandbox.issueToken({ type: "personal", categories: ["feedbacks", "chat"] }));
    sandbox.faults.feedbacks.set({ rate429: 1 });
    const before = Date.now();
    try {
      await syncAccount({ prisma, accountId: account.id, connectorOptions: WB_CONNECTOR_OPTIONS });
    } finally {
      sandbox.faults.feedbacks.set({ rate429: 0 });
    }
    const limited = await prisma.syncRun.findFirstOrThrow({
      where: { accountId: account.id, channel: "REVIEW" },
      orderBy: { startedAt: "desc" },
    });
    expect(limited).toMatchObject({ status: "PARTIAL", errorReason: "RATE_LIMITED" });
    expect(limited.retryAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(limited.retryAt!.getTime()).toBeLessThan(Date.now() + 60_000);
    stored = await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: account.id }, include: { syncRuns: true } });
    expect(stored.status).toBe("RATE_LIMITED");
    expect(stored.rateLimitedUntil?.getTime()).toBe(limited.retryAt?.getTime());
    expect(await storedText(prisma, account.id)).not.toMatch(/too many|wildberries:/i);
  });
});

type RollupRow = { key: string; count: number };

/** The kept rollup (rows + pending deltas), as "account/channel/metric/day/bucket/subject" → count. */
async function keptRollup(prisma: PrismaClient) {
  const rows = await prisma.$queryRaw<RollupRow[]>`
    SELECT concat_ws('/', "accountId", "channel", "metric", "day"::text, "bucket", "subject") AS key, SUM(n)::int AS count FROM (
      SELECT "accountId", "channel", "metric", "day", "bucket", "subject", "count" AS n FROM "AnalyticsDaily"
      UNION ALL
      SELECT "accountId", "channel", "metric", "day", "bucket", "subject", "delta" AS n FROM "AnalyticsDailyDelta"
    ) AS kept GROUP BY 1 HAVING SUM(n) <> 0`;
  return Object.fromEntries(rows.map((row) => [row.key, row.count]).sort());
}

/** The same computed here from the stored items and replies (Moscow days, 8 wait buckets per doubling). */
async function freshRollup(prisma: PrismaClient) {
  const day = (at: Date) => new Date(at.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const items = await prisma.item.findMany({ include: { replies: true } });
  for (const item of items) {
    add(`${item.accountId}/${item.channel}/RECEIVED/${day(item.upstreamCreatedAt)}/${item.rating ?? 0}/`);
    if (item.firstAnsweredAt) {
      const wait = Math.max(0, (item.firstAnsweredAt.getTime() - item.upstreamCreatedAt.getTime()) / 1000);
      add(`${item.accountId}/${item.channel}/FIRST_ANSWER/${day(item.firstAnsweredAt)}/${Math.floor(8 * Math.log2(1 + wait))}/`);
    }
    for (const reply of item.replies) {
      if (reply.status === "SENT" && reply.sentAt)
        add(`${item.accountId}/${item.channel}/REPLY_SENT/${day(reply.sentAt)}/0/${reply.authorId ?? ""}`);
    }
  }
  return Object.fromEntries([...counts].sort());
}

describe("analytics rollups", () => {
  it("equal a fresh computation after a sync, replies delivered, new customer messages and a re-sync", async () => {
    const { prisma } = database();
    const owner = await createUser(prisma, "Owner");
    const { seller, account } = await createWbAccount(prisma, sandbox, "Rollup seller");
    await addMember(prisma, owner.id, seller.id, "OWNER");
    const caller = callerFor(prisma, owner.id);

    await syncUntilCaughtUp(prisma, account.id);
    // Items that arrived already answered: when they were answered is unknown.
    const answeredOnArrival = await prisma.item.findMany({ where: { accountId: account.id, answered: true, channel: { not: "CHAT" } } });
    expect(answeredOnArrival.length).toBeGreaterThan(0);
    expect(answeredOnArrival.every((item) => item.firstAnsweredAt === null)).toBe(true);
    expect(await keptRollup(prisma)).toEqual(await freshRollup(prisma));

    // Replies from Inbox to reviews and a question: first answered when delivered.
    const open = await prisma.item.findMany({
      where: { accountId: account.id, answered: false, channel: { in: ["REVIEW", "QUESTION"] } },
      orderBy: { externalId: "asc" },
      take: 5,
    });
    const queuedAt = new Date();
    const replies = await Promise.all(
      open.map((item, index) =>
        caller.inbox.reply({
          sellerId: seller.id,
          itemId: item.id,
          text: `Спасибо за отзыв, ответ ${index}!`,
          idempotencyKey: `rollup-${item.id}`,
        }),
      ),
    );
    await deliverUntilSettled(
      prisma,
      replies.map((reply) => reply.id),
      WB_CONNECTOR_OPTIONS,
    );
    const answered = await prisma.item.findMany({ where: { id: { in: open.map((item) => item.id) } }, include: { replies: true } });
    for (const item of answered) {
      expect(item.answered).toBe(true);
      expect(item.firstAnsweredAt!.getTime()).toBeGreaterThanOrEqual(queuedAt.getTime() - 1_000);
      expect(item.firstAnsweredAt!.getTime()).toBeLessThanOrEqual(item.replies[0]!.sentAt!.getTime() + 1_000);
    }

    // Customers write more (new reviews and chat messages); then a re-sync from the start re-reads everything.
    for (let index = 0; index < 4; index += 1) sandbox.world.addFeedback({});
    const chatId = [...sandbox.world.chats.keys()][0]!;
    sandbox.world.addChatMessage({ chatID: chatId, text: "А когда будет доставка?" });
    sandbox.world.addChatMessage({ chatID: chatId, text: "Завтра, спасибо за ожидание!", sender: "seller" });
    await syncUntilCaughtUp(prisma, account.id);
    await prisma.syncState.updateMany({ where: { accountId: account.id }, data: { rescanFrom: new Date(0), rescanCursor: null } });
    await syncUntilCaughtUp(prisma, account.id);

    // Chats: first answered at the first seller message.
    const chats = await prisma.item.findMany({ where: { accountId: account.id, channel: "CHAT" }, include: { messages: true } });
    for (const chat of chats) {
      const firstOut = chat.messages
        .filter((message) => message.direction === "OUT")
        .reduce<Date | null>((min, message) => (!min || message.sentAt < min ? message.sentAt : min), null);
      expect(chat.firstAnsweredAt?.getTime() ?? null).toBe(firstOut?.getTime() ?? null);
    }
    expect(chats.some((chat) => chat.firstAnsweredAt !== null)).toBe(true);

    expect(await keptRollup(prisma)).toEqual(await freshRollup(prisma));
    // Removing the account removes its rollup rows with it.
    await caller.account.remove({ sellerId: seller.id, accountId: account.id });
    expect(await keptRollup(prisma)).toEqual(await freshRollup(prisma));
    expect(await prisma.analyticsDaily.count({ where: { accountId: account.id } })).toBe(0);
  });
});
