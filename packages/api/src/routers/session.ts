import { z } from "zod";
import { PASSWORD_LENGTH } from "../auth/password";
import { changePassword, signOutEverywhere } from "../auth/sessions";
import { auditOriginOf } from "../services/audit";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const sessionRouter = createTRPCRouter({
  /** Ends every session of the caller on every device, this one included. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    await ctx.changingAccess(ctx.userId, () => signOutEverywhere(ctx.prisma, ctx.userId, auditOriginOf(ctx)));
    return { signedOut: true };
  }),

  /** Changes the caller's password; every session (this one too) ends and must sign in again. */
  changePassword: protectedProcedure
    .input(
      z.object({
        current: z.string().min(1).max(200),
        next: z.string().min(PASSWORD_LENGTH.min, `Use a password of at least ${PASSWORD_LENGTH.min} characters.`).max(PASSWORD_LENGTH.max),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await ctx.changingAccess(ctx.userId, () => changePassword(ctx.prisma, ctx.userId, input, auditOriginOf(ctx)));
      return { changed: true };
    }),
});
