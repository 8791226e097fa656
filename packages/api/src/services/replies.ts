// The reply outbox: a reply is stored as PENDING with an idempotency key; a delivery job sends it.
import type { PrismaClient } from "@inbox/db";
import { TRPCError } from "@trpc/server";
import { fromDbChannel, fromDbMarketplace } from "./enums";
import { replyTextLimits } from "./reply-limits";

export async function queueReply(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; authorId: string; text: string; idempotencyKey: string },
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

export async function setItemRead(prisma: PrismaClient, params: { sellerId: string; itemId: string; read: boolean }) {
  const { count } = await prisma.item.updateMany({
    where: { id: params.itemId, sellerId: params.sellerId },
    data: { read: params.read },
  });
  if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "This item does not exist or belongs to another seller." });
  return { id: params.itemId, read: params.read };
}
