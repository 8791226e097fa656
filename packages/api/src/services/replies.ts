// The reply outbox: a reply is stored as PENDING with an idempotency key; a delivery job sends it.
import type { Channel, Marketplace, Prisma, PrismaClient } from "@inbox/db";
import { AppError } from "../errors";
import type { JobQueue } from "../jobs/queues";
import { recordSentAnswer } from "./answer-repetition";
import { canMarkReadUpstream } from "./inbox-read";
import { fromDbChannel, fromDbMarketplace } from "./enums";
import { NO_REQUEST_INFO, recordAudit, type AuditOrigin } from "./audit";
import { recordReadEvents, recordReplyEvent } from "./item-history";
import { assertReplyLength, channelCapabilities, replyTextLimits } from "./reply-limits";
import { normalize } from "../sync/deliver-reply";

export interface QueueReplyParams {
  sellerId: string;
  itemId: string;
  /** Null for a reply an automation rule writes (automationRuleId says which). */
  authorId: string | null;
  automationRuleId?: string;
  text: string;
  idempotencyKey: string;
  /** Replaces the item's answer where the marketplace allows an edit, instead of answering it. */
  edit?: boolean;
  /** Who asked, for the audit log; the author without a request address by default. */
  origin?: AuditOrigin;
}

export async function queueReply(prisma: PrismaClient, params: QueueReplyParams) {
  return (await queueReplyOnce(prisma, params)).reply;
}

/**
 * Stores the reply as PENDING unless its idempotency key was seen: `created` tells a new reply from
 * the one an earlier request with the same key stored (bulk replies report it per item).
 */
export async function queueReplyOnce(prisma: PrismaClient, params: QueueReplyParams) {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { id: true, marketplace: true, channel: true },
  });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");

  const text = params.text.trim();
  assertReplyLength(replyTextLimits(fromDbMarketplace(item.marketplace), fromDbChannel(item.channel)), text);

  try {
    return await prisma.$transaction(async (tx) => {
      // The same key twice (a double click, a retried request) yields the first reply, never a second.
      // Keys are the seller's own: another seller's identical key is another reply, and invisible here.
      const existing = await tx.reply.findUnique({ where: keyOf(params) });
      if (existing) {
        if (existing.itemId !== item.id) throw new AppError("idempotency_key_reused", "This idempotency key was used for another item.");
        return { reply: existing, created: false };
      }
      const replaces = params.edit ? await assertEditable(tx, item, text) : null;
      if (!params.edit) await assertNotAnswered(tx, item);
      const reply = await tx.reply.create({
        data: {
          itemId: item.id,
          sellerId: params.sellerId,
          authorId: params.authorId,
          automationRuleId: params.automationRuleId ?? null,
          text,
          kind: params.edit ? "EDIT" : "ANSWER",
          replaces,
          idempotencyKey: params.idempotencyKey,
        },
      });
      await recordAudit(tx, params.origin ?? { actor: { userId: params.authorId }, request: NO_REQUEST_INFO }, {
        sellerId: params.sellerId,
        action: params.edit ? "reply.edit_queued" : "reply.queued",
        target: { type: "item", id: item.id },
        detail: { replyId: reply.id, length: text.length, ...(params.automationRuleId ? { ruleId: params.automationRuleId } : {}) },
      });
      await recordSentAnswer(tx, { sellerId: params.sellerId, replyId: reply.id, text });
      await recordReplyEvent(tx, reply.id, "REPLIED");
      // The draft became this reply.
      if (params.authorId) await tx.draft.deleteMany({ where: { itemId: item.id, userId: params.authorId } });
      return { reply, created: true };
    });
  } catch (error) {
    // Two requests with one key at once: the loser returns the winner's reply.
    const raced = await prisma.reply.findUnique({ where: keyOf(params) });
    if (raced?.itemId === item.id) return { reply: raced, created: false };
    throw error;
  }
}

function keyOf(params: { sellerId: string; idempotencyKey: string }) {
  return { sellerId_idempotencyKey: { sellerId: params.sellerId, idempotencyKey: params.idempotencyKey } };
}

/**
 * A review or question takes one answer: a second would overwrite it (Wildberries allows one edit)
 * or add a duplicate comment (Ozon). Chats take any number of messages. The item row is locked for
 * the rest of the transaction, so concurrent requests cannot both pass the check.
 */
async function assertNotAnswered(tx: Prisma.TransactionClient, item: { id: string; channel: string }, exceptReplyId?: string) {
  if (item.channel === "CHAT") return;
  const [locked] = await tx.$queryRaw<Array<{ answered: boolean }>>`SELECT "answered" FROM "Item" WHERE "id" = ${item.id} FOR UPDATE`;
  const open = await tx.reply.count({
    where: { itemId: item.id, status: { in: ["PENDING", "SENDING", "SENT"] }, ...(exceptReplyId ? { id: { not: exceptReplyId } } : {}) },
  });
  if (locked?.answered || open > 0) {
    throw new AppError("already_answered", "This item already has an answer: edit it instead, where the marketplace allows.");
  }
}

/**
 * An edit replaces the answer of a review or question that the marketplace still lets edit, one at a
 * time: the item row is locked as for an answer, and no other reply to it may be on its way (its
 * outcome decides what the answer is). Returns the answer it replaces, which delivery checks
 * upstream before writing. A sent edit clears answerEditable until a sync says otherwise.
 */
async function assertEditable(
  tx: Prisma.TransactionClient,
  item: { id: string; marketplace: Marketplace; channel: Channel },
  text: string,
): Promise<string> {
  if (item.channel === "CHAT" || !channelCapabilities(fromDbMarketplace(item.marketplace), fromDbChannel(item.channel))?.editReply) {
    throw new AppError("answer_not_editable", "This marketplace does not let answers to this kind of item be edited through its API.");
  }
  const [locked] = await tx.$queryRaw<Array<{ answered: boolean; answerEditable: boolean; answerText: string | null }>>`
    SELECT "answered", "answerEditable", "answerText" FROM "Item" WHERE "id" = ${item.id} FOR UPDATE`;
  const open = await tx.reply.count({ where: { itemId: item.id, status: { in: ["PENDING", "SENDING"] } } });
  if (open > 0) throw new AppError("reply_on_its_way", "A reply to this item is still on its way: wait for its outcome, then edit.");
  if (!locked?.answered || locked.answerText === null) {
    throw new AppError("not_answered", "This item has no answer to edit yet: answer it instead.");
  }
  if (!locked.answerEditable) {
    throw new AppError("answer_not_editable", "The marketplace no longer lets this answer be edited (Wildberries allows one edit).");
  }
  // Sent, it would use up Wildberries' one edit for nothing.
  if (normalize(text) === normalize(locked.answerText))
    throw new AppError("answer_unchanged", "The edit is the answer as it stands: change the text.");
  return locked.answerText;
}

export async function retryFailedReply(prisma: PrismaClient, params: { sellerId: string; replyId: string; origin?: AuditOrigin }) {
  return prisma.$transaction(async (tx) => {
    const reply = await tx.reply.findFirst({
      where: { id: params.replyId, status: "FAILED", item: { sellerId: params.sellerId } },
      select: { id: true, kind: true, text: true, replaces: true, item: { select: { id: true, marketplace: true, channel: true } } },
    });
    if (!reply) throw new AppError("reply_not_found", "No failed reply with this id in this seller.");
    if (reply.kind === "EDIT") {
      // Only against the answer it was written for: after a later edit (or a change upstream) it
      // would overwrite an answer its author never saw.
      const current = await assertEditable(tx, reply.item, reply.text);
      if (normalize(current) !== normalize(reply.replaces)) {
        throw new AppError(
          "answer_changed",
          "The answer changed since this edit was written: write the edit again from the current answer.",
        );
      }
    } else await assertNotAnswered(tx, reply.item, reply.id);
    // attempts stays ≥ 1, so the next attempt first checks upstream whether an earlier one landed.
    const retried = await tx.reply.update({
      where: { id: reply.id },
      data: { status: "PENDING", attempts: 1, error: null, nextAttemptAt: null },
    });
    if (params.origin) {
      await recordAudit(tx, params.origin, {
        sellerId: params.sellerId,
        action: "reply.retried",
        target: { type: "item", id: reply.item.id },
        detail: { replyId: reply.id },
      });
    }
    return retried;
  });
}

/**
 * The read state changes in Inbox at once; marking read also reaches the marketplace where its
 * connector can (services/inbox-read.ts), in a background job, so opening an item never waits for
 * the marketplace.
 */
export async function setItemRead(
  prisma: PrismaClient,
  jobs: JobQueue,
  params: { sellerId: string; itemId: string; read: boolean; /** Who, for the item's history. */ actorId?: string | null },
) {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { id: true, marketplace: true, channel: true },
  });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
  await prisma.$transaction(async (tx) => {
    const changed = await tx.item.updateMany({ where: { id: item.id, read: !params.read }, data: { read: params.read } });
    if (changed.count > 0) await recordReadEvents(tx, [item.id], params.read, params.actorId ?? null);
  });
  const upstream =
    params.read && canMarkReadUpstream(item.marketplace, item.channel) ? await queueMarkRead(jobs, item.id) : ("unsupported" as const);
  return { id: item.id, read: params.read, upstream };
}

/** The local state is what the team sees: a failure to queue is logged, and the next sync reconciles. */
async function queueMarkRead(jobs: JobQueue, itemId: string): Promise<"queued" | "failed"> {
  try {
    await jobs.enqueueMarkReadUpstream([itemId]);
    return "queued";
  } catch (error) {
    console.error(`Queueing mark-read of item ${itemId} upstream failed:`, error);
    return "failed";
  }
}
