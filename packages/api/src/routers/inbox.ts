import { z } from "zod";
import { AppError } from "../errors";
import { channelSchema, marketplaceSchema } from "../services/enums";
import { getInboxItem, listInbox } from "../services/inbox";
import { MESSAGE_PAGE_DEFAULT, MESSAGE_PAGE_MAX, readMessagePage } from "../services/item-messages";
import { queueReply, retryFailedReply, setItemRead } from "../services/replies";
import { queueDelivery } from "../services/reply-queue";
import { createTRPCRouter, sellerAgentProcedure, sellerProcedure } from "../trpc";

const itemId = z.string().min(1).max(64);

export const inboxRouter = createTRPCRouter({
  list: sellerProcedure
    .input(
      z.object({
        marketplace: marketplaceSchema.optional(),
        channel: channelSchema.optional(),
        status: z.enum(["unanswered", "answered"]).optional(),
        read: z.boolean().optional(),
        cursor: z.string().max(200).nullish(),
        limit: z.number().int().min(1).max(100).default(30),
      }),
    )
    .query(({ ctx, input }) => listInbox(ctx.prisma, ctx.seller.id, input)),

  /** The item with its replies and, for a chat, the latest page of messages plus a cursor for older ones. */
  get: sellerProcedure
    .input(z.object({ itemId, messageLimit: z.number().int().min(1).max(MESSAGE_PAGE_MAX).default(MESSAGE_PAGE_DEFAULT) }))
    .query(({ ctx, input }) => getInboxItem(ctx.prisma, ctx.seller.id, input.itemId, input.messageLimit)),

  /** Older messages of a chat: the page before `before` (a cursor from get or from the previous page). */
  messages: sellerProcedure
    .input(
      z.object({
        itemId,
        before: z.string().min(1).max(200),
        limit: z.number().int().min(1).max(MESSAGE_PAGE_MAX).default(MESSAGE_PAGE_DEFAULT),
      }),
    )
    .query(async ({ ctx, input }) => {
      // Another seller's item is not found, like in get.
      const item = await ctx.prisma.item.findFirst({ where: { id: input.itemId, sellerId: ctx.seller.id }, select: { id: true } });
      if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
      return readMessagePage(ctx.prisma, item.id, { before: input.before, limit: input.limit });
    }),

  reply: sellerAgentProcedure
    .input(
      z.object({
        itemId,
        text: z.string().trim().min(1, "Write a reply first.").max(10_000, "The reply is too long."),
        /** Client-generated; repeating a request with the same key never creates a second reply. */
        idempotencyKey: z.string().min(8).max(100),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const reply = await queueReply(ctx.prisma, {
        sellerId: ctx.seller.id,
        authorId: ctx.userId,
        itemId: input.itemId,
        text: input.text,
        idempotencyKey: input.idempotencyKey,
      });
      if (reply.status === "PENDING") await queueDelivery(ctx.jobs, reply.id);
      return reply;
    }),

  /** Sends a FAILED reply again. */
  retryReply: sellerAgentProcedure.input(z.object({ replyId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const reply = await retryFailedReply(ctx.prisma, { sellerId: ctx.seller.id, replyId: input.replyId });
    await queueDelivery(ctx.jobs, reply.id);
    return reply;
  }),

  markRead: sellerAgentProcedure
    .input(z.object({ itemId, read: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => setItemRead(ctx.prisma, ctx.jobs, { sellerId: ctx.seller.id, itemId: input.itemId, read: input.read })),
});
