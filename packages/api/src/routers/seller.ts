import { protectedProcedure, createTRPCRouter } from "../trpc";

export const sellerRouter = createTRPCRouter({
  /** Sellers the caller belongs to, with the caller's role in each, by name. */
  list: protectedProcedure.query(async ({ ctx }) => ctx.memberships()),
});
