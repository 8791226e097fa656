// The reply outbox: a reply is stored as PENDING with an idempotency key; a delivery job sends it.
import type { ConnectorOptions } from "@inbox/connectors";
import type { Prisma, PrismaClient } from "@inbox/db";
import { connectorForAccount } from "../sync/account-connector";
import { TRPCError } from "@trpc/server";
import { fromDbChannel, fromDbMarketplace } from "./enums";
import { NO_REQUEST_INFO, recordAudit, type AuditOrigin } from "./audit";
import { replyTextLimits } from "./reply-limits";

export async function queueReply(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; authorId: string; text: string; idempotencyKey: string; origin?: AuditOrigin },
) {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { id: true, marketplace: true, channel: true },
  });
  if (!item) throw new TRPCError({ code: "NOT_FOUND", message: "This item does not exist or belongs to another seller." });

  const text = params.text.trim();
  const limits = replyTextLimits(fromDbMarketplace(item.marketplace), fromDbChannel(item.channel));
  if (text.length < limits.min || text.length > limits.max) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The reply must be ${limits.min}–${limits.max} characters long for this marketplace (it has ${text.length}).`,
    });
  }

  try {
    return await prisma.$transaction(async (tx) => {
      // The same key twice (a double click, a retried request) yields the first reply, never a second.
      // Keys are the seller's own: another seller's identical key is another reply, and invisible here.
      const existing = await tx.reply.findUnique({ where: keyOf(params) });
      if (existing) {
        if (existing.itemId !== item.id)
          throw new TRPCError({ code: "CONFLICT", message: "This idempotency key was used for another item." });
        return existing;
      }
      await assertNotAnswered(tx, item);
      const reply = await tx.reply.create({
        data: { itemId: item.id, sellerId: params.sellerId, authorId: params.authorId, text, idempotencyKey: params.idempotencyKey },
      });
      await recordAudit(tx, params.origin ?? { actor: { userId: params.authorId }, request: NO_REQUEST_INFO }, {
        sellerId: params.sellerId,
        action: "reply.queued",
        target: { type: "item", id: item.id },
        detail: { replyId: reply.id, length: text.length },
      });
      return reply;
    });
  } catch (error) {
    // Two requests with one key at once: the loser returns the winner's reply.
    const raced = await prisma.reply.findUnique({ where: keyOf(params) });
    if (raced?.itemId === item.id) return raced;
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
    throw new TRPCError({
      code: "CONFLICT",
      message: "This item already has an answer. Edit it on the marketplace if it needs to change.",
    });
  }
}

export async function retryFailedReply(prisma: PrismaClient, params: { sellerId: string; replyId: string; origin?: AuditOrigin }) {
  return prisma.$transaction(async (tx) => {
    const reply = await tx.reply.findFirst({
      where: { id: params.replyId, status: "FAILED", item: { sellerId: params.sellerId } },
      select: { id: true, item: { select: { id: true, channel: true } } },
    });
    if (!reply) throw new TRPCError({ code: "NOT_FOUND", message: "No failed reply with this id in this seller." });
    await assertNotAnswered(tx, reply.item, reply.id);
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
 * Local read state always changes; marking read also reaches the marketplace where it has such a
 * method (Wildberries questions, Ozon reviews, questions and chats), best effort.
 */
export async function setItemRead(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; read: boolean; connectorOptions?: ConnectorOptions },
) {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { id: true, externalId: true, channel: true, account: true },
  });
  if (!item) throw new TRPCError({ code: "NOT_FOUND", message: "This item does not exist or belongs to another seller." });
  await prisma.item.update({ where: { id: item.id }, data: { read: params.read } });
  let upstream: "marked" | "unsupported" | "failed" = "unsupported";
  if (params.read) {
    try {
      const connector = connectorForAccount(item.account, item.channel, { timeoutMs: 5_000, maxRetries: 1, ...params.connectorOptions });
      if (connector.capabilities.markRead) {
        upstream = (await connector.markRead({ itemId: item.externalId })) ? "marked" : "failed";
      }
    } catch {
      upstream = "failed"; // the local state is what the team sees; the next sync reconciles
    }
  }
  return { id: item.id, read: params.read, upstream };
}
