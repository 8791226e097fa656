import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AppError } from "../errors";
import { auditOriginOf } from "../services/audit";
import { channelSchema, marketplaceSchema } from "../services/enums";
import { getInboxItem } from "../services/inbox";
import { loadItemMedia } from "../services/item-media";
import { MESSAGE_PAGE_DEFAULT, MESSAGE_PAGE_MAX, readMessagePage } from "../services/item-messages";
import { countInbox, legacyCounts } from "../services/inbox-counts";
import { inboxFilterSchema } from "../services/inbox-filter";
import { listInboxPage, type InboxQueryFilter, type InboxSeller } from "../services/inbox-list";
import { setInboxReadBulk } from "../services/inbox-read";
import { inboxSelectionSchema, resolveInboxSelection } from "../services/inbox-selection";
import { queueReply, retryFailedReply, setItemRead } from "../services/replies";
import { queueDelivery } from "../services/reply-queue";
import type { SellerMembership } from "../services/memberships";
import { createTRPCRouter, protectedProcedure, sellerAgentProcedure, sellerProcedure } from "../trpc";
import { restRoute } from "../rest-route";

const itemId = z.string().min(1).max(64);

const paging = {
  cursor: z.string().max(300).nullish(),
  limit: z.number().int().min(1).max(100).default(30),
};

const sellerListInput = inboxFilterSchema.omit({ sellerIds: true }).extend({
  ...paging,
  /** Single-value forms of `marketplaces`, `channels` and `unread` (read: true = read items). */
  marketplace: marketplaceSchema.optional(),
  channel: channelSchema.optional(),
  read: z.boolean().optional(),
});

const allListInput = inboxFilterSchema.extend(paging);

function fromLegacyFilter(input: Omit<z.output<typeof sellerListInput>, "cursor" | "limit">): InboxQueryFilter {
  const { marketplace, channel, read, ...filter } = input;
  return {
    ...filter,
    marketplaces: filter.marketplaces ?? (marketplace ? [marketplace] : undefined),
    channels: filter.channels ?? (channel ? [channel] : undefined),
    unread: filter.unread ?? (read === undefined ? undefined : !read),
  };
}

/** The caller's sellers, or the named ones when every one of them is the caller's (else FORBIDDEN). */
async function sellersInScope(ctx: { memberships: () => Promise<SellerMembership[]> }, sellerIds?: string[]): Promise<InboxSeller[]> {
  const memberships = await ctx.memberships();
  if (!sellerIds) return memberships.map(({ id, name }) => ({ id, name }));
  const wanted = new Set(sellerIds);
  const sellers = memberships.filter((membership) => wanted.has(membership.id)).map(({ id, name }) => ({ id, name }));
  if (sellers.length !== wanted.size)
    throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of every seller asked for." });
  return sellers;
}

export const inboxRouter = createTRPCRouter({
  /**
   * One seller's inbox: `{ sellerId, ...inboxFilterSchema (without sellerIds), cursor, limit }` →
   * `{ items, nextCursor, counts }` (docs/inbox-api.md). `marketplace`, `channel` and `read` are the
   * single-value filters of the first inbox page, kept for its links; `counts` is that page's
   * per-status summary (use inbox.counts for the counts beside the filters).
   */
  list: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/inbox", "A page of one seller's inbox, filtered and sorted"))
    .input(sellerListInput)
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filter } = input;
      const query = { ...fromLegacyFilter(filter), viewerId: ctx.userId };
      const page = await listInboxPage(ctx.prisma, [ctx.seller], query, { cursor, limit });
      return { items: page.items, nextCursor: page.nextCursor, counts: legacyCounts(page.buckets, query) };
    }),

  /** Every seller the caller belongs to (or `sellerIds`, each one of theirs), merged in one order. */
  listAll: protectedProcedure
    .meta({ scope: "read" })
    .input(allListInput)
    .query(async ({ ctx, input }) => {
      const { cursor, limit, sellerIds, ...filter } = input;
      const sellers = await sellersInScope(ctx, sellerIds);
      const query = { ...filter, viewerId: ctx.userId };
      const page = await listInboxPage(ctx.prisma, sellers, query, { cursor, limit });
      return { items: page.items, nextCursor: page.nextCursor, counts: legacyCounts(page.buckets, query) };
    }),

  /** Counts beside one seller's filters: per status, unread and per channel (services/inbox-counts.ts). */
  counts: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/inbox/counts", "Counts beside the inbox filters"))
    .input(inboxFilterSchema.omit({ sellerIds: true }))
    .query(({ ctx, input }) => countInbox(ctx.prisma, [ctx.seller], { ...input, viewerId: ctx.userId })),

  /** The same over every seller of the caller (or `sellerIds`). */
  countsAll: protectedProcedure
    .meta({ scope: "read" })
    .input(inboxFilterSchema)
    .query(async ({ ctx, input }) =>
      countInbox(ctx.prisma, await sellersInScope(ctx, input.sellerIds), { ...input, viewerId: ctx.userId }),
    ),

  /**
   * Marks the selected items read or unread in Inbox (one statement) and, when marking read, queues
   * the upstream mark-read for items whose marketplace channel supports it. One result per item.
   */
  setReadBulk: protectedProcedure
    .meta({ scope: "reply" })
    .input(z.object({ selection: inboxSelectionSchema, read: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const selection = await resolveInboxSelection(ctx.prisma, await ctx.memberships(), input.selection, {
        minRole: "AGENT",
        viewerId: ctx.userId,
      });
      return setInboxReadBulk(ctx.prisma, ctx.jobs, selection, input.read, ctx.userId);
    }),

  /** The item with its replies and, for a chat, the latest page of messages plus a cursor for older ones. */
  get: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/items/{itemId}", "One review, question or chat with its replies and latest messages"))
    .input(z.object({ itemId, messageLimit: z.number().int().min(1).max(MESSAGE_PAGE_MAX).default(MESSAGE_PAGE_DEFAULT) }))
    .query(({ ctx, input }) => getInboxItem(ctx.prisma, ctx.seller.id, input.itemId, input.messageLimit)),

  /**
   * The item's photos and videos. When its listing gave only their counts (`get` says
   * `mediaPending`: Ozon reviews), the first call fetches them from the marketplace and stores them;
   * later calls read the stored ones. `failed` names why they could not be fetched now (the item and
   * what is stored still show; call again to retry).
   */
  media: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/items/{itemId}/media", "Photos and videos of an item, fetched once if not stored yet"))
    .input(z.object({ itemId }))
    .query(({ ctx, input }) =>
      loadItemMedia(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId, connectorOptions: ctx.connectorOptions }),
    ),

  /** Older messages of a chat: the page before `before` (a cursor from get or from the previous page). */
  messages: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/items/{itemId}/messages", "Older messages of a chat, a page before a cursor"))
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
    .meta(restRoute("POST", "/sellers/{sellerId}/items/{itemId}/replies", "Queue a reply (idempotent per key)"))
    .input(
      z.object({
        itemId,
        text: z.string().trim().min(1, "Write a reply first.").max(10_000, "The reply is too long."),
        /** Client-generated; repeating a request with the same key never creates a second reply. */
        idempotencyKey: z.string().min(8).max(100),
        /** Replace the item's answer (where `inbox.get`'s composer says kind "edit") instead of answering. */
        edit: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const reply = await queueReply(ctx.prisma, {
        sellerId: ctx.seller.id,
        authorId: ctx.userId,
        itemId: input.itemId,
        text: input.text,
        idempotencyKey: input.idempotencyKey,
        edit: input.edit,
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
      setItemRead(ctx.prisma, ctx.jobs, { sellerId: ctx.seller.id, itemId: input.itemId, read: input.read, actorId: ctx.userId }),
    ),
});
