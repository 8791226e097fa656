import { protectedProcedure, createTRPCRouter } from "../trpc";

export const sellerRouter = createTRPCRouter({
  /** Sellers the caller belongs to, with the caller's role in each. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const memberships = await ctx.prisma.membership.findMany({
      where: { userId: ctx.userId },
      orderBy: { seller: { name: "asc" } },
      select: { role: true, seller: { select: { id: true, name: true } } },
    });
    return memberships.map(({ role, seller }) => ({ id: seller.id, name: seller.name, role }));
  }),
});
