// Ozon lists a review comment only after moderation (/v1/review/comment/list: "комментарии, которые
// прошли модерацию"). A reply whose first attempt timed out after Ozon created the comment must not
// post a second public comment on any retry, and syncs must not show the review unanswered meanwhile.
// Real PostgreSQL, the real Ozon sandbox over HTTP, and the sandbox's own clock for moderation.
import { OzonReviewsConnector } from "@inbox/connectors";
import { startOzonSandbox, type OzonSandbox } from "@inbox/connectors/sandbox";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { retryFailedReply } from "../src/services/replies";
import { deliverReply } from "../src/sync/deliver-reply";
import { syncAccount } from "../src/sync/sync-account";
import { createSandboxAccount, FAST_CONNECTOR_OPTIONS } from "./sync-fixtures";

const MODERATION_MS = 10 * 60_000;
/** The client gives up long before the slowed answer to comment/create arrives. */
const TIMEOUT_OPTIONS = { ...FAST_CONNECTOR_OPTIONS, timeoutMs: 300 };

const database = useTestDatabase();
let sandbox: OzonSandbox;
/** The sandbox's clock: moderation ends when the test moves it, never by waiting. */
let clock = Date.parse("2026-10-05T10:00:00Z");

beforeAll(async () => {
  sandbox = await startOzonSandbox({
    seed: 11,
    size: { chats: 2, messagesPerChat: 2, reviews: 30, questions: 3 },
    rateLimit: false,
    moderationDelayMs: MODERATION_MS,
    now: () => clock,
  });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.faults.reset());

async function syncedAccount() {
  const { prisma } = database();
  const created = await createSandboxAccount(prisma, {
    marketplace: "OZON",
    baseUrls: { "*": sandbox.url },
    credentials: sandbox.credentials,
  });
  await syncOnce(created.account.id);
  return created;
}

/** One sync run that also re-reads known reviews (where moderation shows up). */
async function syncOnce(accountId: string) {
  const result = await syncAccount({
    prisma: database().prisma,
    accountId,
    connectorOptions: FAST_CONNECTOR_OPTIONS,
    pageSize: 100,
    rescanIntervalMs: 0,
  });
  expect(result.status).toBe("done");
}

/** A fresh, unanswered review the seller answers from the inbox. */
async function queueReply(accountId: string, text: string) {
  const { prisma } = database();
  const upstream = sandbox.addReview({ text: "Пришёл с царапиной на корпусе", rating: 2 });
  await syncOnce(accountId);
  const item = await prisma.item.findFirstOrThrow({ where: { accountId, externalId: upstream.id } });
  expect(item.answered).toBe(false);
  const reply = await prisma.reply.create({ data: { itemId: item.id, text, idempotencyKey: `moderation-${item.id}` } });
  return { upstream, item, reply };
}

/** The first attempt: Ozon creates the comment, but its answer arrives after the client timed out. */
async function firstAttemptTimesOutAfterCreate(replyId: string, maxAttempts?: number) {
  sandbox.faults.set({ pathPattern: /^\/v1\/review\/comment\/create$/, slowMs: 1_000, slowRate: 0 });
  sandbox.faults.queue("slow", 1);
  const outcome = await deliverReply({ prisma: database().prisma, replyId, connectorOptions: TIMEOUT_OPTIONS, maxAttempts });
  sandbox.faults.reset();
  return outcome;
}

function ownComments(reviewId: string) {
  return sandbox
    .account()
    .reviews.find((review) => review.id === reviewId)!
    .comments.filter((comment) => comment.isOwner);
}

async function commentListed(reviewId: string) {
  const connector = new OzonReviewsConnector(sandbox.credentials, { ...FAST_CONNECTOR_OPTIONS, baseUrl: sandbox.url });
  return (await connector.listComments(reviewId)).some((comment) => comment.is_owner);
}

describe("Ozon review replies and comment moderation", () => {
  it("a timed-out first attempt is retried automatically without a second comment", async () => {
    const { prisma } = database();
    const { account } = await syncedAccount();
    const text = "Простите за царапину! Напишите нам в чат — заменим.";
    const { upstream, item, reply } = await queueReply(account.id, text);

    expect(await firstAttemptTimesOutAfterCreate(reply.id)).toMatchObject({ status: "retry" });
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(1);
    // What a naive check would see: no comment listed, so "not answered yet".
    expect(await commentListed(upstream.id)).toBe(false);
    expect(upstream.status).toBe("PROCESSED");

    await prisma.reply.update({ where: { id: reply.id }, data: { nextAttemptAt: null } });
    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toEqual({
      status: "sent",
      verifiedUpstream: false,
    });
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(1);
    expect(ownComments(upstream.id)).toHaveLength(1);
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ answered: true, answerText: text });
  });

  it("a worker that died after the timed-out attempt is taken over without a second comment", async () => {
    const { prisma } = database();
    const { account } = await syncedAccount();
    const { upstream, reply } = await queueReply(account.id, "Спасибо за отзыв, разберёмся с доставкой.");

    expect(await firstAttemptTimesOutAfterCreate(reply.id)).toMatchObject({ status: "retry" });
    // The worker died while the reply was SENDING; its lease has expired (raw SQL: @updatedAt).
    await prisma.$executeRaw`UPDATE "Reply" SET "status" = 'SENDING', "updatedAt" = now() - interval '10 minutes' WHERE "id" = ${reply.id}`;
    const takenOver = await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS, sendingTimeoutMs: 60_000 });
    expect(takenOver).toMatchObject({ status: "sent" });
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(1);
    expect(ownComments(upstream.id)).toHaveLength(1);
  });

  it("a user's retry of the failed reply posts no second comment, and syncs keep the review answered through moderation", async () => {
    const { prisma } = database();
    const { seller, account } = await syncedAccount();
    const text = "Мы уже отправили замену, трек-номер в чате.";
    const { upstream, item, reply } = await queueReply(account.id, text);

    // Only one attempt allowed: the timeout ends the reply as FAILED, and the user presses retry.
    expect(await firstAttemptTimesOutAfterCreate(reply.id, 1)).toMatchObject({ status: "failed" });
    await retryFailedReply(prisma, { sellerId: seller.id, replyId: reply.id });
    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toMatchObject({ status: "sent" });
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(1);

    // While the comment is in moderation Ozon lists none; the sync keeps the review answered.
    expect(await commentListed(upstream.id)).toBe(false);
    await syncOnce(account.id);
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ answered: true });

    // A second user retry is refused: the item is answered.
    await prisma.reply.update({ where: { id: reply.id }, data: { status: "FAILED" } });
    await expect(retryFailedReply(prisma, { sellerId: seller.id, replyId: reply.id })).rejects.toThrow(/already has an answer/);

    // Moderation passes: the comment is listed and the sync shows our text.
    clock += MODERATION_MS;
    expect(await commentListed(upstream.id)).toBe(true);
    await syncOnce(account.id);
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ answered: true, answerText: text });
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(1);
    expect(ownComments(upstream.id)).toHaveLength(1);
  });

  it("a first attempt that never reached Ozon is sent again (nothing hidden: the review is not PROCESSED)", async () => {
    const { prisma } = database();
    const { account } = await syncedAccount();
    const { upstream, reply } = await queueReply(account.id, "Спасибо, что выбрали наш магазин!");

    sandbox.faults.set({ pathPattern: /^\/v1\/review\/comment\/create$/ });
    sandbox.faults.queue("5xx", 1);
    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toMatchObject({ status: "retry" });
    sandbox.faults.reset();
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(0);

    await prisma.reply.update({ where: { id: reply.id }, data: { nextAttemptAt: null } });
    expect(await deliverReply({ prisma, replyId: reply.id, connectorOptions: FAST_CONNECTOR_OPTIONS })).toEqual({
      status: "sent",
      verifiedUpstream: false,
    });
    expect(sandbox.stats.repliesTo("review", upstream.id)).toBe(1);
  });
});
