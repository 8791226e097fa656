import { z } from "zod";
import { listAuditEvents } from "../services/audit";
import { createTRPCRouter, sellerOwnerProcedure } from "../trpc";

export const auditRouter = createTRPCRouter({
  /** The seller's audit log, newest first (owners only): replies, account, token, template and member changes, sign-ins. */
  list: sellerOwnerProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(50), cursor: z.string().max(200).nullish() }))
    .query(({ ctx, input }) => listAuditEvents(ctx.prisma, ctx.seller.id, input)),
});
