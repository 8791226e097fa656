// The signed-in user's own profile: name and interface language (the default of every page; the
// header's language switch stores it too).
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const LOCALES = ["ru", "en"] as const;

export const profileRouter = createTRPCRouter({
  get: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: ctx.userId }, select: { name: true, email: true, locale: true } });
    return { ...user, locale: (LOCALES as readonly string[]).includes(user.locale) ? (user.locale as (typeof LOCALES)[number]) : "ru" };
  }),

  update: protectedProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Enter your name.").max(100, "The name is too long (100 characters at most).").optional(),
        locale: z.enum(LOCALES).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.prisma.user.update({
        where: { id: ctx.userId },
        data: { name: input.name, locale: input.locale },
        select: { name: true, email: true, locale: true },
      });
      return user;
    }),
});
