// Team work on items: who takes care of an item, internal notes and the item's history
// (docs/inbox-api.md, "Team work"). Every procedure is seller-scoped; owners and agents assign and
// write notes, every member reads.
import { z } from "zod";
import { restRoute } from "../rest-route";
import { assignItem, assignItems, listAssignableMembers } from "../services/assignment";
import { inboxSelectionSchema, resolveInboxSelection } from "../services/inbox-selection";
import { readItemHistory } from "../services/item-history";
import { addItemNote, listItemNotes, NOTE_MAX_LENGTH } from "../services/item-notes";
import { createTRPCRouter, protectedProcedure, sellerAgentProcedure, sellerProcedure } from "../trpc";

const id = z.string().min(1).max(64);

export const itemRouter = createTRPCRouter({
  /** The members an item of the seller can be assigned to. */
  members: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/assignees", "The seller's members an item can be assigned to"))
    .query(({ ctx }) => listAssignableMembers(ctx.prisma, ctx.seller.id)),

  /** Assigns the item to a member of its seller, or unassigns it (`assigneeId: null`). */
  assign: sellerAgentProcedure
    .meta(restRoute("PUT", "/sellers/{sellerId}/items/{itemId}/assignee", "Assign an item to a member of its seller, or unassign it"))
    .input(z.object({ itemId: id, assigneeId: id.nullable() }))
    .mutation(({ ctx, input }) =>
      assignItem(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId, assigneeId: input.assigneeId, actorId: ctx.userId }),
    ),

  /**
   * Assigns a bulk selection (picked items or "all matching a filter", sellers where the caller is
   * an owner or agent) to one user, or unassigns it. One result per item; items of a seller the
   * assignee does not belong to are reported (`assignee_not_member`) and left as they were.
   */
  assignBulk: protectedProcedure
    .meta({ scope: "reply" })
    .input(z.object({ selection: inboxSelectionSchema, assigneeId: id.nullable() }))
    .mutation(async ({ ctx, input }) => {
      const selection = await resolveInboxSelection(ctx.prisma, await ctx.memberships(), input.selection, {
        minRole: "AGENT",
        viewerId: ctx.userId,
      });
      return assignItems(ctx.prisma, selection, input.assigneeId, ctx.userId);
    }),

  /** The item's internal notes, oldest first (members only; never sent to the marketplace). */
  notes: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/items/{itemId}/notes", "Internal notes on an item"))
    .input(z.object({ itemId: id }))
    .query(({ ctx, input }) => listItemNotes(ctx.prisma, ctx.seller.id, input.itemId)),

  /** Adds an internal note: seen by the seller's members only, never sent, the item's state unchanged. */
  addNote: sellerAgentProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/items/{itemId}/notes", "Add an internal note to an item"))
    .input(
      z.object({
        itemId: id,
        // Over-long text is refused by the service with its own reason; this bound only stops huge bodies.
        text: z.string().max(NOTE_MAX_LENGTH * 2),
      }),
    )
    .mutation(({ ctx, input }) =>
      addItemNote(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId, authorId: ctx.userId, text: input.text }),
    ),

  /** What happened to the item in Inbox, oldest first: arrived, read, assigned, notes, replies and their delivery. */
  history: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/items/{itemId}/history", "An item's history in Inbox"))
    .input(z.object({ itemId: id }))
    .query(({ ctx, input }) => readItemHistory(ctx.prisma, ctx.seller.id, input.itemId)),
});
