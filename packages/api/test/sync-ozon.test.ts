// The sync engine against the Ozon sandbox over real HTTP and a real PostgreSQL.
import { getEventListeners } from "node:events";
import { isOzonBuyerChatType, startOzonSandbox, type OzonSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryFailedReply } from "../src/services/replies";
import { deliverReply } from "../src/sync/deliver-reply";
import { syncAccount } from "../src/sync/sync-account";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS, snapshot } from "./sync-fixtures";

const database = useTestDatabase();
let sandbox: OzonSandbox;

beforeAll(async () => {
  sandbox = await startOzonSandbox({ seed: 7, size: { chats: 12, messagesPerChat: 4, reviews: 60, questions: 30 }, rateLimit: false });
});
afterAll(() => sandbox.close());

/** A seller whose Ozon account points at the sandbox's demo seller. */
function createOzonAccount() {
  return createSandboxAccount(database().prisma, { marketplace: "OZON", baseUrls: { "*": sandbox.url }, credentials: sandbox.credentials });
}

function upstreamIds() {
  const account = sandbox.account();
  return {
    REVIEW: account.reviews.map((review) => review.id).sort(),
    QUESTION: account.questions.map((question) => question.id).sort(),
    CHAT: account.chats
      .filter((chat) => isOzonBuyerChatType(chat.type))
      .map((chat) => chat.id)
      .sort(),
  };
}

async function syncUntilCaughtUp(accountId: string, options: Partial<Parameters<typeof syncAccount>[0]> = {}) {
  const { prisma } = database();
  for (let run = 0; run < 30; run += 1) {
    // Clear the rate-limit pause a 429 storm leaves behind; the test controls time.
    await prisma.marketplaceAccount.update({ where: { id: accountId }, data: { rateLimitedUntil: null } });
    const result = await syncAccount({ prisma, accountId, connectorOptions: FAST_CONNECTOR_OPTIONS, pageSize: 20, ...options });
    if (result.status === "done" && result.channels.every((channel) => channel.status === "SUCCEEDED")) return run + 1;
  }
  throw new Error("sync did not catch up in 30 runs");
}

async function storedIds(accountId: string) {
  const rows = await snapshot(database().prisma, accountId);
  const byChannel = (channel: string) =>
    rows
      .filter((row) => row.channel === channel)
      .map((row) => row.externalId)
      .sort();
  return { REVIEW: byChannel("REVIEW"), QUESTION: byChannel("QUESTION"), CHAT: byChannel("CHAT") };
}

describe("Ozon sync", () => {
  it("stores every upstream review, question and chat exactly once, and a second run changes nothing", async () => {
    const { prisma } = database();
    const { account } = await createOzonAccount();
    await syncUntilCaughtUp(account.id);
    expect(await storedIds(account.id)).toEqual(upstreamIds());

    const chat = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel: "CHAT" }, include: { messages: true } });
    const upstreamChat = sandbox.account().chats.find((candidate) => candidate.id === chat.externalId)!;
    expect(chat.messages.map((message) => message.externalId).sort()).toEqual(
      upstreamChat.messages.map((message) => message.id.toString()).sort(),
    );

    const again = await syncAccount({ prisma, accountId: account.id, connectorOptions: FAST_CONNECTOR_OPTIONS, pageSize: 20 });
    expect(again.status === "done" && again.channels.map((channel) => channel.changed)).toEqual([0, 0, 0]);
    const runs = await prisma.syncRun.findMany({ where: { accountId: account.id } });
    expect(runs.every((run) => run.finishedAt && run.requests > 0)).toBe(true);
  });

  it("a first sync spread over several runs reads each review page once: no re-scan starts before the feed's first pass ends", async () => {
    const { prisma } = database();
    const { account } = await createOzonAccount();
    const reviewState = () => prisma.syncState.findFirstOrThrow({ where: { accountId: account.id, channel: "REVIEW" } });
    sandbox.stats.reset();
    // One page of 20 per run: the 60 reviews take three runs.
    for (let run = 1; run <= 3; run += 1) {
      expect((await reviewState().catch(() => null))?.lastRescanAt ?? null).toBeNull();
      const result = await syncAccount({
        prisma,
        accountId: account.id,
        connectorOptions: FAST_CONNECTOR_OPTIONS,
        pageSize: 20,
        maxPages: 1,
      });
      expect(result.status === "done" && result.channels.find((channel) => channel.channel === "REVIEW")?.fetched).toBe(20);
    }
    // Three pages, and the next page read ahead in runs 1 and 2, which their end drops
    // (reviews-connector.ts, readPage). A re-scan would read the first pages again.
    expect(sandbox.stats.requests.count("POST /v2/review/list")).toBe(5);
    expect((await storedIds(account.id)).REVIEW).toEqual(upstreamIds().REVIEW);
    const runs = await prisma.syncRun.findMany({ where: { accountId: account.id, channel: "REVIEW" } });
    expect(runs.map((run) => run.kind)).toEqual(["incremental", "incremental", "incremental"]);
    // The pass has ended: it counts as the first full scan, and the next re-scan is a day away.
    expect((await reviewState()).lastRescanAt).not.toBeNull();
  });

  it("stops when the caller's signal aborts, keeping its checkpoint, and leaves nothing on that signal", async () => {
    const { prisma } = database();
    // The worker's shutdown signal lives as long as the process and is handed to every sync job:
    // a sync must not leave anything on it (Node 20's AbortSignal.any keeps an entry per call).
    const shutdown = new AbortController();
    const leftOn = (signal: AbortSignal) => {
      const dependants = Object.getOwnPropertySymbols(signal).find((key) => key.description === "kDependantSignals");
      const size = dependants ? ((signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants]?.size ?? 0) : 0;
      return { listeners: getEventListeners(signal, "abort").length, dependants: size };
    };
    const { account } = await createOzonAccount();
    const first = await syncAccount({
      prisma,
      accountId: account.id,
      connectorOptions: FAST_CONNECTOR_OPTIONS,
      pageSize: 20,
      signal: shutdown.signal,
    });
    expect(first.status === "done" && first.channels.map((channel) => channel.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(leftOn(shutdown.signal)).toEqual({ listeners: 0, dependants: 0 });

    const { account: stopped } = await createOzonAccount();
    let requests = 0;
    const stopping = await syncAccount({
      prisma,
      accountId: stopped.id,
      connectorOptions: { ...FAST_CONNECTOR_OPTIONS, onRequest: () => (requests += 1) === 2 && shutdown.abort(new Error("shutdown")) },
      pageSize: 20,
      signal: shutdown.signal,
    });
    // Stopped during the first page or at its end (whichever the second response lands in): the
    // other channels are not started, and at most the first page is stored, with its checkpoint.
    expect(stopping.status === "done" && stopping.channels.map((channel) => channel.channel)).toEqual(["REVIEW"]);
    expect(leftOn(shutdown.signal).listeners).toBe(0);
    const state = await prisma.syncState.findFirstOrThrow({ where: { accountId: stopped.id, channel: "REVIEW" } });
    const stored = await prisma.item.count({ where: { accountId: stopped.id } });
    expect([0, 20]).toContain(stored);
    expect(state.cursor === null).toBe(stored === 0);
    expect((await prisma.marketplaceAccount.findUniqueOrThrow({ where: { id: stopped.id } })).lastSyncedAt).toBeNull();
  });

  it("picks up items customers add upstream after and during a sync by the next run", async () => {
    const { account } = await createOzonAccount();
    let added = 0;
    // Customers write while the sync pages through.
    await syncUntilCaughtUp(account.id, {
      connectorOptions: {
        ...FAST_CONNECTOR_OPTIONS,
        onRequest: () => {
          if (added < 10) {
            added += 1;
            sandbox.addReview({ text: `Новый отзыв во время синхронизации ${added}` });
            sandbox.addQuestion({ text: `Новый вопрос ${added}?` });
            sandbox.addBuyerMessage({ text: `Новое сообщение ${added}` });
          }
        },
      },
    });
    await syncUntilCaughtUp(account.id);
    expect(await storedIds(account.id)).toEqual(upstreamIds());
  });

  it("completes under heavy 429s, 5xx, dropped connections, malformed bodies and timeouts with every item exactly once", async () => {
    const { prisma } = database();
    const { account } = await createOzonAccount();
    // Slow answers outlast the client's timeout, so they count as timeouts.
    sandbox.faults.set({ rate429: 0.15, rate5xx: 0.15, dropRate: 0.1, malformedRate: 0.05, slowRate: 0.05, slowMs: 900 });
    try {
      const runs = await syncUntilCaughtUp(account.id, { connectorOptions: { ...FAST_CONNECTOR_OPTIONS, timeoutMs: 500 } });
      expect(runs).toBeGreaterThanOrEqual(1);
    } finally {
      sandbox.faults.reset();
    }
    const injected = sandbox.faults.injected;
    expect(injected["429"] + injected["5xx"] + injected.drop).toBeGreaterThan(10);
    expect(await storedIds(account.id)).toEqual(upstreamIds());
    const duplicates = await prisma.item.groupBy({
      by: ["channel", "externalId"],
      where: { accountId: account.id },
      _count: true,
      having: { externalId: { _count: { gt: 1 } } },
    });
    expect(duplicates).toEqual([]);
  });

  it("delivers each reply exactly once despite failures, and a crashed attempt is checked upstream before sending again", async () => {
    const { prisma } = database();
    const { account } = await createOzonAccount();
    await syncUntilCaughtUp(account.id);
    const openChats = sandbox
      .account()
      .chats.filter((chat) => chat.status === "OPENED")
      .map((chat) => chat.id);
    const items = [
      ...(await prisma.item.findMany({
        where: { accountId: account.id, answered: false, channel: { in: ["REVIEW", "QUESTION"] } },
        take: 4,
        orderBy: { externalId: "asc" },
      })),
      ...(await prisma.item.findMany({ where: { accountId: account.id, channel: "CHAT", externalId: { in: openChats } }, take: 2 })),
    ];
    expect(items.length).toBeGreaterThanOrEqual(4);
    const replies = await Promise.all(
      items.map((item, index) =>
        prisma.reply.create({
          data: { itemId: item.id, text: `Спасибо! Ответ номер ${index + 1}.`, idempotencyKey: `ozon-reply-${item.id}` },
        }),
      ),
    );

    // A worker that sent the first reply and died before recording it: SENDING, lease expired.
    const crashed = replies[0]!;
    const crashedItem = items[0]!;
    const connectorChannel = crashedItem.channel.toLowerCase() as "review" | "question" | "chat";
    await deliverReply({ prisma, replyId: crashed.id, connectorOptions: FAST_CONNECTOR_OPTIONS });
    // (raw SQL: Prisma's @updatedAt would overwrite an explicit updatedAt)
    await prisma.$executeRaw`UPDATE "Reply" SET "status" = 'SENDING', "updatedAt" = now() - interval '10 minutes' WHERE "id" = ${crashed.id}`;

    sandbox.faults.set({ rate5xx: 0.3, dropRate: 0.2, pathPattern: /send|create/ });
    try {
      for (let round = 0; round < 20; round += 1) {
        const open = await prisma.reply.findMany({
          where: { id: { in: replies.map((reply) => reply.id) }, status: { in: ["PENDING", "SENDING"] } },
        });
        if (open.length === 0) break;
        // Skip the backoff wait (the test controls time); SENDING rows keep their stale updatedAt.
        await prisma.reply.updateMany({
          where: { id: { in: open.map((reply) => reply.id) }, status: "PENDING" },
          data: { nextAttemptAt: null },
        });
        for (const reply of open)
          await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS, sendingTimeoutMs: 60_000 });
      }
    } finally {
      sandbox.faults.reset();
    }

    const final = await prisma.reply.findMany({ where: { id: { in: replies.map((reply) => reply.id) } }, include: { item: true } });
    expect(final.map((reply) => [reply.status, reply.error])).toEqual(final.map(() => ["SENT", null]));
    for (const reply of final) {
      const channel = reply.item.channel.toLowerCase() as "review" | "question" | "chat";
      expect(sandbox.stats.repliesReceived(channel, reply.item.externalId).filter((text) => text === reply.text)).toHaveLength(1);
    }
    expect(sandbox.stats.repliesTo(connectorChannel, crashedItem.externalId)).toBe(1);
  });

  it("retrying a failed reply first checks the marketplace, so an answer that did land is not sent twice", async () => {
    const { prisma } = database();
    const { seller, account } = await createOzonAccount();
    await syncUntilCaughtUp(account.id);
    const item = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel: "QUESTION", answered: false } });
    const reply = await prisma.reply.create({ data: { itemId: item.id, text: "Да, подходит.", idempotencyKey: `retry-${item.id}` } });
    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toMatchObject({ status: "sent" });
    // It landed, but we recorded a failure (say, the confirmation timed out on the last attempt).
    await prisma.reply.update({ where: { id: reply.id }, data: { status: "FAILED", error: "timed out" } });
    await prisma.item.update({ where: { id: item.id }, data: { answered: false, answerText: null } });

    await retryFailedReply(prisma, { sellerId: seller.id, replyId: reply.id });
    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toEqual({
      status: "sent",
      verifiedUpstream: true,
    });
    expect(sandbox.stats.repliesTo("question", item.externalId)).toBe(1);
  });

  it("does not send a queued answer when the item was answered on the marketplace meanwhile", async () => {
    const { prisma } = database();
    const { account } = await createOzonAccount();
    await syncUntilCaughtUp(account.id);
    const item = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel: "REVIEW", answered: false } });
    const reply = await prisma.reply.create({
      data: { itemId: item.id, text: "Наш ответ из Inbox.", idempotencyKey: `meanwhile-${item.id}` },
    });
    // A colleague answered in the seller portal, and a sync brought that answer in before delivery.
    await prisma.item.update({ where: { id: item.id }, data: { answered: true, answerText: "Ответ из кабинета продавца." } });

    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toMatchObject({ status: "failed" });
    expect(sandbox.stats.repliesTo("review", item.externalId)).toBe(0);
  });
});
