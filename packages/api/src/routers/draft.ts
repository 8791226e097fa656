// Reply drafts of the signed-in user: read when the composer opens, saved as the user types.
import { z } from "zod";
import { getDraft, saveDraft } from "../services/drafts";
import { createTRPCRouter, sellerAgentProcedure } from "../trpc";

const itemId = z.string().min(1).max(64);

export const draftRouter = createTRPCRouter({
  get: sellerAgentProcedure
    .input(z.object({ itemId }))
    .query(({ ctx, input }) => getDraft(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId, userId: ctx.userId })),

  /** An empty text deletes the draft. */
  save: sellerAgentProcedure
    .input(z.object({ itemId, text: z.string().max(10_000) }))
    .mutation(({ ctx, input }) =>
      saveDraft(ctx.prisma, { sellerId: ctx.seller.id, itemId: input.itemId, userId: ctx.userId, text: input.text }),
    ),
});
