// The reply outbox: a reply is stored as PENDING with an idempotency key; a delivery job sends it.
import type { ConnectorOptions } from "@inbox/connectors";
import type { PrismaClient } from "@inbox/db";
import { connectorForAccount } from "../sync/account-connector";
import { TRPCError } from "@trpc/server";
import { fromDbChannel, fromDbMarketplace } from "./enums";
import { replyTextLimits } from "./reply-limits";

export async function queueReply(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; authorId: string; text: string; idempotencyKey: string },
) {
  const item = await prisma.item.findFirst({
    where: { id: params.itemId, sellerId: params.sellerId },
    select: { id: true, marketplace: true, channel: true, answered: true },
  });
  if (!item) throw new TRPCError({ code: "NOT_FOUND", message: "This item does not exist or belongs to another seller." });

  // A review or question takes one answer: a second would overwrite it (Wildberries allows one edit)
  // or add a duplicate comment (Ozon). Chats take any number of messages.
  if (item.channel !== "CHAT") {
    const answered =
      item.answered || (await prisma.reply.count({ where: { itemId: item.id, status: { in: ["PENDING", "SENDING", "SENT"] } } })) > 0;
    const sameRequest = await prisma.reply.findUnique({ where: { idempotencyKey: params.idempotencyKey }, select: { itemId: true } });
    if (answered && sameRequest?.itemId !== item.id) {
      throw new TRPCError({
        code: "CONFLICT",
        message: "This item already has an answer. Edit it on the marketplace if it needs to change.",
      });
    }
  }

  const text = params.text.trim();
  const limits = replyTextLimits(fromDbMarketplace(item.marketplace), fromDbChannel(item.channel));
  if (text.length < limits.min || text.length > limits.max) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The reply must be ${limits.min}–${limits.max} characters long for this marketplace (it has ${text.length}).`,
    });
  }

  // The same key twice (a double click, a retried request) yields the first reply, never a second.
  const existing = await prisma.reply.findUnique({ where: { idempotencyKey: params.idempotencyKey } });
  if (existing) {
    if (existing.itemId !== item.id) throw new TRPCError({ code: "CONFLICT", message: "This idempotency key was used for another item." });
    return existing;
  }
  try {
    return await prisma.reply.create({
      data: { itemId: item.id, authorId: params.authorId, text, idempotencyKey: params.idempotencyKey },
    });
  } catch (error) {
    const raced = await prisma.reply.findUnique({ where: { idempotencyKey: params.idempotencyKey } });
    if (raced?.itemId === item.id) return raced;
    throw error;
  }
}

export async function retryFailedReply(prisma: PrismaClient, params: { sellerId: string; replyId: string }) {
  const { count } = await prisma.reply.updateMany({
    where: { id: params.replyId, status: "FAILED", item: { sellerId: params.sellerId } },
    // attempts stays ≥ 1, so the next attempt first checks upstream whether an earlier one landed.
    data: { status: "PENDING", attempts: 1, error: null, nextAttemptAt: null },
  });
  if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "No failed reply with this id in this seller." });
  return prisma.reply.findUniqueOrThrow({ where: { id: params.replyId } });
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
        await connector.markRead({ itemId: item.externalId });
        upstream = "marked";
      }
    } catch {
      upstream = "failed"; // the local state is what the team sees; the next sync reconciles
    }
  }
  return { id: item.id, read: params.read, upstream };
}
