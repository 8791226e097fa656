// A seller's API tokens, managed by its owners from a signed-in session only: a token can never
// mint, list or revoke tokens (no scope is named, so token calls get 403).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createApiToken, createApiTokenInput, listApiTokens, revokeApiToken } from "../auth/api-tokens";
import { auditOriginOf, recordAudit } from "../services/audit";
import { createTRPCRouter, sellerOwnerProcedure } from "../trpc";

/** Owner procedures that refuse API tokens whatever their scopes. */
const sessionOwnerProcedure = sellerOwnerProcedure.use(({ ctx, path, next }) => {
  if (ctx.apiToken)
    throw new TRPCError({ code: "FORBIDDEN", message: `API tokens cannot call ${path}; sign in as an owner to manage tokens.` });
  return next();
});

export const apiTokenRouter = createTRPCRouter({
  list: sessionOwnerProcedure.query(({ ctx }) => listApiTokens(ctx.prisma, ctx.seller.id)),

  /** Returns the secret once; only its hash is stored. */
  create: sessionOwnerProcedure.input(createApiTokenInput).mutation(async ({ ctx, input }) => {
    const created = await createApiToken(ctx.prisma, {
      name: input.name,
      scopes: input.scopes,
      expiresAt: input.expiresAt,
      sellerId: ctx.seller.id,
      createdById: ctx.userId,
    });
    await recordAudit(ctx.prisma, auditOriginOf(ctx), {
      sellerId: ctx.seller.id,
      action: "token.created",
      target: { type: "api_token", id: created.apiToken.id },
      detail: { name: created.apiToken.name, prefix: created.apiToken.prefix, scopes: created.apiToken.scopes },
    });
    return created;
  }),

  revoke: sessionOwnerProcedure.input(z.object({ tokenId: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const revoked = await revokeApiToken(ctx.prisma, { sellerId: ctx.seller.id, tokenId: input.tokenId });
    if (revoked.changed) {
      await recordAudit(ctx.prisma, auditOriginOf(ctx), {
        sellerId: ctx.seller.id,
        action: "token.revoked",
        target: { type: "api_token", id: revoked.id },
        detail: { name: revoked.name, prefix: revoked.prefix },
      });
    }
    return { id: revoked.id, revokedAt: revoked.revokedAt };
  }),
});
