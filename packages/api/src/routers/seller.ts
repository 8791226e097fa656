import { protectedProcedure, createTRPCRouter } from "../trpc";
import { restRoute } from "../rest-route";

export const sellerRouter = createTRPCRouter({
  /** Sellers the caller belongs to, with the caller's role in each, by name. */
  list: protectedProcedure
    .meta(restRoute("GET", "/sellers", "Sellers the caller belongs to", "read"))
    .query(async ({ ctx }) => ctx.memberships()),
});
