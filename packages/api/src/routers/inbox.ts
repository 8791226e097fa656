import { z } from "zod";
import type { JobQueue } from "../jobs/queues";
import { auditOriginOf } from "../services/audit";
import { channelSchema, marketplaceSchema } from "../services/enums";
import { getInboxItem, listInbox } from "../services/inbox";
import { queueReply, retryFailedReply, setItemRead } from "../services/replies";
import { createTRPCRouter, sellerAgentProcedure, sellerProcedure } from "../trpc";
import { restRoute } from "../rest-route";

const itemId = z.string().min(1).max(64);

/** The reply is stored already: a failure to queue it is logged, not the user's error, because the
 * sweeper queues every PENDING reply without a job (see jobs/worker.ts), so none is stranded. */
async function queueDelivery(jobs: JobQueue, replyId: string) {
  try {
    await jobs.enqueueReplyDelivery(replyId);
  } catch (error) {
    console.error(`Queueing reply ${replyId} failed; the sweeper will queue it:`, error);
  }
}

export const inboxRouter = createTRPCRouter({
  list: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/inbox", "A page of the inbox, newest activity first"))
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

  get: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/items/{itemId}", "One review, question or chat with its messages and replies"))
    .input(z.object({ itemId }))
    .query(({ ctx, input }) => getInboxItem(ctx.prisma, ctx.seller.id, input.itemId)),

  reply: sellerAgentProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/items/{itemId}/replies", "Queue a reply (idempotent per key)"))
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
        origin: auditOriginOf(ctx),
      });
      if (reply.status === "PENDING") await queueDelivery(ctx.jobs, reply.id);
      return reply;
    }),

  /** Sends a FAILED reply again. */
  retryReply: sellerAgentProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/replies/{replyId}/retry", "Send a failed reply again"))
    .input(z.object({ replyId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const reply = await retryFailedReply(ctx.prisma, { sellerId: ctx.seller.id, replyId: input.replyId, origin: auditOriginOf(ctx) });
      await queueDelivery(ctx.jobs, reply.id);
      return reply;
    }),

  markRead: sellerAgentProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/items/{itemId}/read", "Mark an item read or unread"))
    .input(z.object({ itemId, read: z.boolean().default(true) }))
    .mutation(({ ctx, input }) =>
      setItemRead(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId, read: input.read, connectorOptions: ctx.connectorOptions }),
    ),
});
