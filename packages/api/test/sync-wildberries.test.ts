// The sync engine and the reply outbox against the Wildberries sandbox (feedbacks host and buyer-chat
// host) over real HTTP and a real PostgreSQL, with the sandbox's rate limiter on a 20x clock.
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syncAccount } from "../src/sync/sync-account";
import { deliverUntilSettled, simulateCrashAfterSend } from "./support/replies";
import {
  countDuplicates,
  createWbAccount,
  storedIds,
  storedMessages,
  syncUntilCaughtUp,
  WB_CONNECTOR_OPTIONS,
  WB_TIME_SCALE,
  wbUpstreamIds,
  wbUpstreamMessages,
} from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;

/** Slow answers outlive the client's timeout: the request may have been handled, the client never knows. */
const TIMEOUTS = { timeoutMs: 250, slowMs: 600 };

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 11,
    feedbacks: 160,
    questions: 120,
    chats: 50,
    eventsPageSize: 20,
    timeScale: WB_TIME_SCALE,
    moderation: "instant",
  });
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.feedbacks.reset();
  sandbox.faults.chat.reset();
});

const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([kind, n]) => [kind, n - (before[kind] ?? 0)]));

describe("Wildberries sync", () => {
  it("completes under heavy 429s, 5xx, dropped connections, malformed bodies and timeouts on both hosts with every item and message exactly once", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox);
    const faults = { rate429: 0.15, rate5xx: 0.15, dropRate: 0.1, malformedRate: 0.04, slowRate: 0.04, slowMs: TIMEOUTS.slowMs };
    sandbox.faults.feedbacks.set(faults);
    sandbox.faults.chat.set(faults);
    const before = { feedbacks: { ...sandbox.faults.feedbacks.injected }, chat: { ...sandbox.faults.chat.injected } };
    // Pages of 10: enough requests for every kind of fault to land many times.
    const runs = await syncUntilCaughtUp(prisma, account.id, {
      connectorOptions: { ...WB_CONNECTOR_OPTIONS, timeoutMs: TIMEOUTS.timeoutMs },
      pageSize: 10,
    });
    sandbox.faults.feedbacks.reset();
    sandbox.faults.chat.reset();

    const injected = (host: "feedbacks" | "chat") => delta(before[host], sandbox.faults[host].injected);
    const upstream = wbUpstreamIds(sandbox);
    const stored = await storedIds(prisma, account.id);
    const duplicates = await countDuplicates(prisma, account.id);
    const lost = Object.entries(upstream).reduce(
      (sum, [channel, ids]) => sum + ids.filter((id) => !stored[channel as keyof typeof stored].includes(id)).length,
      0,
    );
    console.log(
      `[wb faults] items upstream: ${Object.values(upstream).flat().length} (+${sandbox.world.events.length} chat messages), runs: ${runs}, ` +
        `faults feedbacks host: ${JSON.stringify(injected("feedbacks"))}, chat host: ${JSON.stringify(injected("chat"))}, ` +
        `real 429s: ${sandbox.count429()}, lost: ${lost}, duplicates: ${duplicates}`,
    );
    const total = (host: "feedbacks" | "chat") => Object.values(injected(host)).reduce((sum, n) => sum + n, 0);
    expect(total("feedbacks")).toBeGreaterThan(10);
    expect(total("chat")).toBeGreaterThan(3);
    expect(stored).toEqual(upstream);
    expect(await storedMessages(prisma, account.id)).toEqual(wbUpstreamMessages(sandbox));
    expect(duplicates).toBe(0);

    // Caught up: a run without faults finds nothing to change.
    const again = await syncAccount({ prisma, accountId: account.id, connectorOptions: WB_CONNECTOR_OPTIONS, pageSize: 40 });
    expect(again.status === "done" && again.channels.map((channel) => [channel.status, channel.changed])).toEqual([
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 0],
      ["SUCCEEDED", 0],
    ]);
  });

  it("picks up feedbacks, questions, new chats and chat messages customers add during a sync by the next run", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox);
    const existingChats = [...sandbox.world.chats.keys()];
    let added = 0;
    await syncUntilCaughtUp(prisma, account.id, {
      connectorOptions: {
        ...WB_CONNECTOR_OPTIONS,
        // Customers write while the sync pages through both hosts.
        onRequest: () => {
          if (added >= 12) return;
          added += 1;
          sandbox.addFeedback({ text: `Новый отзыв во время синхронизации ${added}` });
          sandbox.addQuestion({ text: `Новый вопрос во время синхронизации ${added}?` });
          sandbox.addChatMessage({ text: `Новый чат ${added}` });
          sandbox.addChatMessage({ chatID: existingChats[added]!, text: `Ещё сообщение ${added}` });
        },
      },
    });
    expect(added).toBe(12);
    await syncUntilCaughtUp(prisma, account.id);
    expect(await storedIds(prisma, account.id)).toEqual(wbUpstreamIds(sandbox));
    expect(await storedMessages(prisma, account.id)).toEqual(wbUpstreamMessages(sandbox));
    const unread = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, externalId: existingChats[1]! } });
    expect(unread).toMatchObject({ answered: false, read: false });
  });

  it("delivers each feedback answer, question answer and chat message (signed with replySign) exactly once under failures, timeouts and a crash between send and record", async () => {
    const { prisma } = database();
    const { account } = await createWbAccount(prisma, sandbox);
    await syncUntilCaughtUp(prisma, account.id);
    const pick = (channel: "REVIEW" | "QUESTION" | "CHAT", take: number) =>
      prisma.item.findMany({ where: { accountId: account.id, channel, answered: false }, orderBy: { externalId: "asc" }, take });
    const items = [...(await pick("REVIEW", 4)), ...(await pick("QUESTION", 4)), ...(await pick("CHAT", 4))];
    expect(items).toHaveLength(12);
    const replies = await Promise.all(
      items.map((item, index) =>
        prisma.reply.create({
          data: { itemId: item.id, text: `Спасибо за обращение! Ответ ${index + 1}.`, idempotencyKey: `wb-reply-${item.id}` },
        }),
      ),
    );

    // Workers that got the marketplace's OK and died before recording it: one feedback, one question, one chat.
    const crashed = [replies[0]!, replies[4]!, replies[8]!];
    for (const reply of crashed) {
      await deliverUntilSettled(prisma, [reply.id], WB_CONNECTOR_OPTIONS);
      await simulateCrashAfterSend(prisma, reply.id);
    }

    const faults = { rate429: 0.1, rate5xx: 0.2, dropRate: 0.15, slowRate: 0.08, slowMs: TIMEOUTS.slowMs };
    sandbox.faults.feedbacks.set(faults);
    sandbox.faults.chat.set(faults);
    const before = [{ ...sandbox.faults.feedbacks.injected }, { ...sandbox.faults.chat.injected }];
    const attempts = await deliverUntilSettled(
      prisma,
      replies.map((reply) => reply.id),
      { ...WB_CONNECTOR_OPTIONS, timeoutMs: TIMEOUTS.timeoutMs },
    );
    sandbox.faults.feedbacks.reset();
    sandbox.faults.chat.reset();

    const final = await prisma.reply.findMany({ where: { id: { in: replies.map((reply) => reply.id) } }, include: { item: true } });
    expect(final.map((reply) => [reply.status, reply.error])).toEqual(final.map(() => ["SENT", null]));
    const received = final.map((reply) => {
      const { world } = sandbox;
      const sent = reply.item.channel === "CHAT" ? world.messagesSent.get(reply.item.externalId) : world.answers.get(reply.item.externalId);
      return (sent ?? []).filter((text) => text === reply.text).length;
    });
    const doubleSends = received.filter((count) => count > 1).length;
    console.log(
      `[wb replies] replies: ${replies.length}, delivery attempts: ${attempts}, crashes after send: ${crashed.length}, ` +
        `faults feedbacks host: ${JSON.stringify(delta(before[0]!, sandbox.faults.feedbacks.injected))}, ` +
        `chat host: ${JSON.stringify(delta(before[1]!, sandbox.faults.chat.injected))}, double sends: ${doubleSends}`,
    );
    expect(received).toEqual(final.map(() => 1));
    // Every chat message went out through the buyer-chat host (replySign), once per reply.
    const chatItems = final.filter((reply) => reply.item.channel === "CHAT");
    expect(chatItems.map((reply) => sandbox.world.messagesSent.get(reply.item.externalId))).toEqual(chatItems.map((reply) => [reply.text]));
  });
});
