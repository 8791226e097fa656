// A reply sent from Inbox and the same reply read back by the next sync are one message, not two:
// against the Wildberries sandbox over HTTP, through the tRPC reply procedure, the delivery and sync.
import { startWildberriesSandbox, type WildberriesSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLY_MESSAGE_PREFIX } from "../src/sync/deliver-reply";
import { createCaller, createTRPCContext } from "../src/index";
import { addMember, createUser } from "./fixtures";
import { deliverUntilSettled } from "./support/replies";
import { createWbAccount, syncUntilCaughtUp, WB_CONNECTOR_OPTIONS, WB_TIME_SCALE } from "./support/wildberries";

const database = useTestDatabase();
let sandbox: WildberriesSandbox;

beforeAll(async () => {
  sandbox = await startWildberriesSandbox({
    seed: 23,
    feedbacks: 6,
    questions: 4,
    chats: 4,
    eventsPageSize: 20,
    timeScale: WB_TIME_SCALE,
    moderation: "instant",
  });
});
afterAll(() => sandbox.close());

describe("a sent reply read back by the next sync", () => {
  it("is one message of the chat, and a sent review answer is shown once", async () => {
    const { prisma } = database();
    const { seller, account } = await createWbAccount(prisma, sandbox);
    const user = await createUser(prisma, "Agent");
    await addMember(prisma, user.id, seller.id, "AGENT");
    // Delivery is driven by the test below, so nothing needs queueing.
    const jobs = {
      enqueueSync: async () => {},
      enqueueReplyDelivery: async () => {},
      enqueueMarkReadUpstream: async () => {},
      enqueueAutomation: async () => {},
    };
    const caller = createCaller(createTRPCContext({ userId: user.id, prisma, jobs }));
    await syncUntilCaughtUp(prisma, account.id);

    // Buyer names as the marketplace gives them (Wildberries feedbacks: userName), in the list rows.
    const rows = await caller.inbox.listAll({ channels: ["review"], limit: 100 });
    expect(rows.items.length).toBe(sandbox.world.feedbacks.length);
    const externalIds = new Map(
      (await prisma.item.findMany({ where: { accountId: account.id }, select: { id: true, externalId: true } })).map((item) => [
        item.id,
        item.externalId,
      ]),
    );
    const userNames = new Map(sandbox.world.feedbacks.map((feedback) => [feedback.id, feedback.userName]));
    expect(rows.items.map((row) => row.authorName)).toEqual(rows.items.map((row) => userNames.get(externalIds.get(row.id)!)));
    expect(rows.items.every((row) => row.authorName)).toBe(true);

    const chat = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel: "CHAT" }, orderBy: { externalId: "asc" } });
    const review = await prisma.item.findFirstOrThrow({ where: { accountId: account.id, channel: "REVIEW", answered: false } });
    const chatText = "Здравствуйте! Отправили замену, трек-номер пришлём сегодня.";
    const reviewText = "Спасибо за отзыв! Рады, что размер подошёл.";
    const chatReply = await caller.inbox.reply({
      sellerId: seller.id,
      itemId: chat.id,
      text: chatText,
      idempotencyKey: "read-back-chat-1",
    });
    const reviewReply = await caller.inbox.reply({
      sellerId: seller.id,
      itemId: review.id,
      text: reviewText,
      idempotencyKey: "read-back-review-1",
    });
    await deliverUntilSettled(prisma, [chatReply.id, reviewReply.id], WB_CONNECTOR_OPTIONS);

    // Sent: the thread shows it at once as a message of its own; the reply says it is shown there.
    const sent = await caller.inbox.get({ sellerId: seller.id, itemId: chat.id });
    const ours = sent.messages.filter((message) => message.text === chatText);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ direction: "out", replyId: chatReply.id });
    // Shown as its message, so the outbox list no longer carries it: the page shows it once.
    expect(sent.replies.map((reply) => reply.id)).not.toContain(chatReply.id);
    const messagesBefore = sent.messages.length;

    // The next sync reads the message back from the marketplace: still one, now with its upstream id.
    expect(sandbox.world.messagesSent.get(chat.externalId)).toEqual([chatText]);
    await syncUntilCaughtUp(prisma, account.id);
    await syncUntilCaughtUp(prisma, account.id);
    const synced = await caller.inbox.get({ sellerId: seller.id, itemId: chat.id });
    expect(synced.messages.filter((message) => message.text === chatText)).toHaveLength(1);
    expect(synced.messages).toHaveLength(messagesBefore);
    const stored = await prisma.message.findUniqueOrThrow({ where: { replyId: chatReply.id } });
    expect(stored.externalId.startsWith(REPLY_MESSAGE_PREFIX), "the read-back copy took over the provisional message").toBe(false);
    expect((await prisma.item.findUniqueOrThrow({ where: { id: chat.id } })).messageCount).toBe(messagesBefore);

    // A review's answer is its answer text, so the sent reply is not listed a second time.
    const answered = await caller.inbox.get({ sellerId: seller.id, itemId: review.id });
    expect(answered.answerText).toBe(reviewText);
    expect(answered.replies).toEqual([]);
  });
});
