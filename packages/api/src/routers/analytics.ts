// Analytics of one seller (any member) or of all the caller's sellers, and the answer-time target
// an owner sets per seller. The numbers come from services/analytics.ts.
import { z } from "zod";
import { analyticsPeriodSchema, getAnalytics } from "../services/analytics";
import { createTRPCRouter, protectedProcedure, sellerOwnerProcedure, sellerProcedure } from "../trpc";

export const analyticsRouter = createTRPCRouter({
  /** One seller's analytics for a period of Moscow days (`from`..`to`, YYYY-MM-DD, inclusive). */
  seller: sellerProcedure
    .input(analyticsPeriodSchema)
    .query(({ ctx, input }) => getAnalytics(ctx.prisma, [ctx.seller], { from: input.from, to: input.to })),

  /** The same over every seller the caller belongs to (or the listed ones among them). */
  allSellers: protectedProcedure
    .meta({ scope: "read" })
    .input(analyticsPeriodSchema.and(z.object({ sellerIds: z.array(z.string().min(1).max(64)).min(1).max(100).optional() })))
    .query(async ({ ctx, input }) => {
      const memberships = await ctx.memberships();
      const wanted = input.sellerIds ? new Set(input.sellerIds) : null;
      const sellers = memberships.filter((seller) => !wanted || wanted.has(seller.id)).map(({ id, name }) => ({ id, name }));
      return getAnalytics(ctx.prisma, sellers, { from: input.from, to: input.to });
    }),

  /** Items unanswered longer than this count as overdue (owners only). */
  setAnswerTarget: sellerOwnerProcedure
    .input(
      z.object({
        answerTargetMinutes: z
          .number()
          .int()
          .min(5)
          .max(30 * 24 * 60),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.prisma.seller.update({ where: { id: ctx.seller.id }, data: { answerTargetMinutes: input.answerTargetMinutes } });
      return { sellerId: ctx.seller.id, answerTargetMinutes: input.answerTargetMinutes };
    }),
});
