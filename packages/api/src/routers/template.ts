// A seller's reply templates: members read them, owners and agents change them; the composer's
// suggestions; the bulk template reply.
import { z } from "zod";
import { channelSchema } from "../services/enums";
import { findRepeatedAnswers } from "../services/answer-repetition";
import { auditOriginOf } from "../services/audit";
import {
  BULK_REPLY_MAX_ITEMS,
  createTemplate,
  deleteTemplate,
  listTemplates,
  replyWithTemplate,
  suggestTemplates,
  updateTemplate,
} from "../services/templates";
import { inboxSelectionSchema, resolveInboxSelection } from "../services/inbox-selection";
import { createTRPCRouter, protectedProcedure, sellerAgentProcedure, sellerProcedure } from "../trpc";

const id = z.string().min(1).max(64);

const templateInput = z.object({
  name: z.string().trim().min(1, "Name the template.").max(100, "The name is too long (100 characters at most)."),
  text: z.string().trim().min(1, "Write the template's text.").max(5_000, "The text is too long (5000 characters at most)."),
  /** null: the template suits every channel. */
  channel: channelSchema.nullable().default(null),
  /** Star ratings it suits; empty: any. */
  ratings: z.array(z.number().int().min(1).max(5)).max(5).default([]),
});

/** Items to reply to: explicit references (the bulk bar's selection). */
export const bulkSelectionSchema = z.object({
  itemRefs: z
    .array(z.object({ sellerId: id, itemId: id }))
    .min(1)
    .max(BULK_REPLY_MAX_ITEMS),
});

export const templateRouter = createTRPCRouter({
  list: sellerProcedure.query(({ ctx }) => listTemplates(ctx.prisma, ctx.seller.id)),

  create: sellerAgentProcedure
    .input(templateInput)
    .mutation(({ ctx, input }) =>
      createTemplate(ctx.prisma, { sellerId: ctx.seller.id, userId: ctx.userId, input, origin: auditOriginOf(ctx) }),
    ),

  update: sellerAgentProcedure
    .input(templateInput.extend({ templateId: id }))
    .mutation(({ ctx, input: { templateId, ...input } }) =>
      updateTemplate(ctx.prisma, { sellerId: ctx.seller.id, templateId, input, origin: auditOriginOf(ctx) }),
    ),

  delete: sellerAgentProcedure
    .input(z.object({ templateId: id }))
    .mutation(({ ctx, input }) =>
      deleteTemplate(ctx.prisma, { sellerId: ctx.seller.id, templateId: input.templateId, origin: auditOriginOf(ctx) }),
    ),

  /** Templates that suit the item's channel and rating, most specific first, with the variables filled. */
  suggest: sellerProcedure
    .input(z.object({ itemId: id }))
    .query(({ ctx, input }) => suggestTemplates(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId })),

  /** Answers of this seller from the last 30 days that the text repeats or nearly repeats (Ozon penalises them). */
  repetition: sellerProcedure
    .input(
      z.object({
        text: z.string().max(10_000),
        /** The item being answered: its own answers are no repeats. */ itemId: z.string().min(1).max(64).optional(),
      }),
    )
    .query(async ({ ctx, input }) => ({ repeats: await findRepeatedAnswers(ctx.prisma, ctx.seller.id, input.text, input.itemId) })),

  /**
   * The items a bulk selection (picked items, or "all matching this filter") stands for, among the
   * sellers where the caller may reply: the dialog sends them to replyBulk in batches.
   */
  selectionTargets: protectedProcedure
    .meta({ scope: "reply" })
    .input(z.object({ selection: inboxSelectionSchema }))
    .query(async ({ ctx, input }) =>
      resolveInboxSelection(ctx.prisma, await ctx.memberships(), input.selection, { minRole: "AGENT", viewerId: ctx.userId }),
    ),

  /**
   * Replies with the template to each selected item of this seller (items of other sellers are
   * reported as skipped). `requestId` is made once per dialog: the same request sent again queues
   * nothing twice.
   */
  replyBulk: sellerAgentProcedure
    .input(z.object({ templateId: id, requestId: z.string().min(8).max(64), selection: bulkSelectionSchema }))
    .mutation(async ({ ctx, input }) => {
      const ours = input.selection.itemRefs.filter((ref) => ref.sellerId === ctx.seller.id).map((ref) => ref.itemId);
      const others = input.selection.itemRefs.filter((ref) => ref.sellerId !== ctx.seller.id);
      const results = await replyWithTemplate(ctx.prisma, ctx.jobs, {
        sellerId: ctx.seller.id,
        userId: ctx.userId,
        templateId: input.templateId,
        requestId: input.requestId,
        itemIds: ours,
      });
      return {
        results: [
          ...results.map((result) => ({ ...result, sellerId: ctx.seller.id })),
          ...others.map((ref) => ({ itemId: ref.itemId, sellerId: ref.sellerId, status: "skipped" as const, reason: "other_seller" })),
        ],
      };
    }),
});
