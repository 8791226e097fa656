import { randomUUID } from "node:crypto";
import { Prisma } from "@inbox/db";
import { z } from "zod";
import { auditOriginOf, recordAudit } from "../services/audit";
import { findAccount, listAccounts, verifyCredentials } from "../services/accounts";
import { removeAccounts } from "../services/data-removal";
import { baseUrlRefusal, customBaseUrlAllowed } from "../sync/account-connector";
import { channelsOf, fromDbChannel, marketplaceSchema, toDbMarketplace } from "../services/enums";
import { createTRPCRouter, sellerOwnerProcedure, sellerProcedure } from "../trpc";
import { restRoute } from "../rest-route";

const accountId = z.string().min(1).max(64);
const credentialsSchema = z.record(z.string().min(1).max(64), z.string().trim().min(1).max(4096));
/** Host override per channel ("*" = every channel); keys are checked against the marketplace below. */
const baseUrlsSchema = z.record(z.string().max(32), z.url({ protocol: /^https?$/ }).max(500)).optional();

export const accountRouter = createTRPCRouter({
  /** Accounts with their health, sync state and latest runs; credentials never leave the server. */
  list: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/accounts", "Marketplace accounts with health and sync state"))
    .query(({ ctx }) => listAccounts(ctx.prisma, ctx.seller.id)),

  create: sellerOwnerProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/accounts", "Connect a marketplace account (credentials are checked first)"))
    .input(
      z
        .object({
          marketplace: marketplaceSchema,
          displayName: z.string().trim().min(1).max(100),
          credentials: credentialsSchema,
          /** Sandboxes and tests only (INBOX_ALLOW_CUSTOM_BASE_URL=1); ignored otherwise. */
          baseUrls: baseUrlsSchema,
          syncIntervalMinutes: z
            .number()
            .int()
            .min(1)
            .max(24 * 60)
            .default(5),
        })
        .superRefine((input, ctx) => {
          // Runs even when the marketplace itself failed; that issue is already reported.
          const channels: string[] | undefined = channelsOf(input.marketplace);
          if (!channels) return;
          for (const [key, url] of Object.entries(input.baseUrls ?? {})) {
            const refusal = baseUrlRefusal(url);
            if (refusal) ctx.addIssue({ code: "custom", path: ["baseUrls", key], message: `The API address ${refusal}.` });
            if (key === "*" || channels.includes(key)) continue;
            ctx.addIssue({
              code: "custom",
              path: ["baseUrls", key],
              message: `Unknown channel "${key}" for ${input.marketplace}; its channels: ${channels.join(", ")} (or "*").`,
            });
          }
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const baseUrls = input.baseUrls && customBaseUrlAllowed() ? input.baseUrls : null;
      const marketplace = toDbMarketplace(input.marketplace);
      // The id is chosen here: the credentials are sealed to it (associated data) before the row exists.
      const id = randomUUID();
      const credentialsEncrypted = await verifyCredentials({ id, marketplace, baseUrls }, input.credentials, ctx.connectorOptions);
      const account = await ctx.prisma.marketplaceAccount.create({
        data: {
          id,
          sellerId: ctx.seller.id,
          marketplace,
          displayName: input.displayName,
          credentialsEncrypted,
          baseUrls: baseUrls ?? Prisma.DbNull,
          syncIntervalMinutes: input.syncIntervalMinutes,
        },
        select: { id: true },
      });
      await recordAudit(ctx.prisma, auditOriginOf(ctx), {
        sellerId: ctx.seller.id,
        action: "account.created",
        target: { type: "account", id: account.id },
        detail: { marketplace: input.marketplace, displayName: input.displayName },
      });
      await ctx.jobs.enqueueSync(account.id);
      return account;
    }),

  /** Replaces the token (e.g. after a 401); checked before it is stored. */
  updateCredentials: sellerOwnerProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/accounts/{accountId}/credentials", "Replace an account's credentials"))
    .input(z.object({ accountId, credentials: credentialsSchema }))
    .mutation(async ({ ctx, input }) => {
      const account = await findAccount(ctx.prisma, ctx.seller.id, input.accountId);
      const credentialsEncrypted = await verifyCredentials(account, input.credentials, ctx.connectorOptions);
      await ctx.prisma.marketplaceAccount.update({
        where: { id: account.id },
        data: { credentialsEncrypted, status: "OK", statusReason: null, rateLimitedUntil: null },
      });
      await recordAudit(ctx.prisma, auditOriginOf(ctx), {
        sellerId: ctx.seller.id,
        action: "account.credentials_updated",
        target: { type: "account", id: account.id },
        detail: { displayName: account.displayName },
      });
      await ctx.jobs.enqueueSync(account.id);
      return { id: account.id };
    }),

  setPaused: sellerOwnerProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/accounts/{accountId}/paused", "Pause or resume syncing"))
    .input(z.object({ accountId, paused: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const account = await findAccount(ctx.prisma, ctx.seller.id, input.accountId);
      await ctx.prisma.marketplaceAccount.update({ where: { id: account.id }, data: { paused: input.paused } });
      await recordAudit(ctx.prisma, auditOriginOf(ctx), {
        sellerId: ctx.seller.id,
        action: input.paused ? "account.paused" : "account.resumed",
        target: { type: "account", id: account.id },
        detail: { displayName: account.displayName },
      });
      if (!input.paused) await ctx.jobs.enqueueSync(account.id);
      return { id: account.id, paused: input.paused };
    }),

  remove: sellerOwnerProcedure
    .meta(restRoute("DELETE", "/sellers/{sellerId}/accounts/{accountId}", "Disconnect an account and delete its items"))
    .input(z.object({ accountId }))
    .mutation(async ({ ctx, input }) => {
      const account = await findAccount(ctx.prisma, ctx.seller.id, input.accountId);
      await removeAccounts(ctx.prisma, [account.id]);
      await recordAudit(ctx.prisma, auditOriginOf(ctx), {
        sellerId: ctx.seller.id,
        action: "account.removed",
        target: { type: "account", id: account.id },
        detail: { marketplace: account.marketplace, displayName: account.displayName },
      });
      return { id: account.id };
    }),

  syncNow: sellerOwnerProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/accounts/{accountId}/sync", "Sync now"))
    .input(z.object({ accountId }))
    .mutation(async ({ ctx, input }) => {
      const account = await findAccount(ctx.prisma, ctx.seller.id, input.accountId);
      await ctx.jobs.enqueueSync(account.id);
      return { id: account.id };
    }),

  /** Re-reads everything the marketplace has since `from` (drift correction after an outage). */
  resyncFrom: sellerOwnerProcedure
    .meta(restRoute("POST", "/sellers/{sellerId}/accounts/{accountId}/resync", "Re-read everything since a date"))
    .input(z.object({ accountId, from: z.coerce.date() }))
    .mutation(async ({ ctx, input }) => {
      const account = await findAccount(ctx.prisma, ctx.seller.id, input.accountId);
      await ctx.prisma.syncState.updateMany({ where: { accountId: account.id }, data: { rescanFrom: input.from, rescanCursor: null } });
      await recordAudit(ctx.prisma, auditOriginOf(ctx), {
        sellerId: ctx.seller.id,
        action: "account.resync_requested",
        target: { type: "account", id: account.id },
        detail: { displayName: account.displayName, from: input.from.toISOString() },
      });
      await ctx.jobs.enqueueSync(account.id);
      return { id: account.id };
    }),

  runs: sellerProcedure
    .meta(restRoute("GET", "/sellers/{sellerId}/accounts/{accountId}/runs", "Latest sync runs of an account"))
    .input(z.object({ accountId, limit: z.number().int().min(1).max(100).default(20) }))
    .query(async ({ ctx, input }) => {
      const account = await findAccount(ctx.prisma, ctx.seller.id, input.accountId);
      const runs = await ctx.prisma.syncRun.findMany({
        where: { accountId: account.id },
        orderBy: { startedAt: "desc" },
        take: input.limit,
      });
      return runs.map((run) => ({ ...run, channel: fromDbChannel(run.channel) }));
    }),
});
