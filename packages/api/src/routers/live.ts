// Live updates over server-sent events (docs/architecture.md, "Live updates"): what changed in the
// items of the caller's sellers, as it commits, from any app or worker process sharing the database.
import { tracked, TRPCError } from "@trpc/server";
import { z } from "zod";
import { currentLiveCursor, parseLiveCursor, readLiveChanges, type LiveChanges, type LiveItemChange } from "../services/live";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export type LiveEvent =
  /** The stream is connected; `resumed`: it continues from the client's last event. */
  | { kind: "ready"; resumed: boolean; serverTime: Date }
  /** These items changed (new ones among them). */
  | { kind: "changes"; changes: LiveItemChange[] }
  /** Too much changed to list (a long disconnect, a large import): reload what is shown. */
  | { kind: "reload" };

export const liveRouter = createTRPCRouter({
  /**
   * Changes to items of one seller (`sellerId`) or of all the caller's sellers, from the moment of
   * subscribing, or from `lastEventId` (the id of the last event received; tRPC's SSE link sends it
   * when it reconnects) with nothing lost in between.
   */
  events: protectedProcedure
    .meta({ scope: "read" })
    .input(
      z.object({
        sellerId: z.string().min(1).max(64).optional(),
        lastEventId: z
          .string()
          .max(20)
          .refine((value) => parseLiveCursor(value) !== null, "Not a live-update cursor.")
          .nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      if (ctx.apiToken && input.sellerId !== undefined && input.sellerId !== ctx.apiToken.sellerId)
        throw new TRPCError({ code: "FORBIDDEN", message: "This API token belongs to another seller." });
      const memberships = await ctx.memberships();
      if (input.sellerId !== undefined && !memberships.some((membership) => membership.id === input.sellerId)) {
        throw new TRPCError({ code: "NOT_FOUND", message: "Seller not found." });
      }
      const sellerIds = input.sellerId !== undefined ? [input.sellerId] : memberships.map((membership) => membership.id);
      // Sessions: membership is read again with every change, so a removed member sees no more.
      // Tokens act for their own seller only, checked above.
      const userId = ctx.apiToken ? null : ctx.userId;

      let pending = false;
      let wakeUp: (() => void) | null = null;
      const wake = () => {
        pending = true;
        wakeUp?.();
      };
      // Listening starts before the first read: a change committed in between is read, not missed.
      const unsubscribe = await ctx.live().subscribe(new Set(sellerIds), wake);
      const stopped = () => signal?.aborted ?? false;
      const onAbort = () => wakeUp?.();
      signal?.addEventListener("abort", onAbort);
      try {
        const resumeFrom = input.lastEventId ? parseLiveCursor(input.lastEventId) : null;
        let cursor = resumeFrom ?? (await currentLiveCursor(ctx.prisma));
        yield tracked(String(cursor), { kind: "ready", resumed: resumeFrom !== null, serverTime: new Date() } satisfies LiveEvent);
        pending = resumeFrom !== null;
        // Versions sent at or above the cursor: the next read returns them again, and they are skipped.
        let sent = new Map<string, string>();
        while (!stopped()) {
          if (!pending) {
            await new Promise<void>((resolve) => {
              wakeUp = resolve;
              if (pending || stopped()) resolve();
            });
            wakeUp = null;
            if (stopped()) break;
          }
          pending = false;
          const read: LiveChanges = await readLiveChanges(ctx.prisma, { sellerIds, userId, cursor });
          cursor = read.cursor;
          if (read.overflow) {
            sent = new Map();
            yield tracked(String(cursor), { kind: "reload" } satisfies LiveEvent);
            continue;
          }
          const fresh = read.changes.filter((change) => sent.get(change.itemId) !== change.version);
          sent = new Map(read.changes.map((change) => [change.itemId, change.version]));
          if (fresh.length > 0) yield tracked(String(cursor), { kind: "changes", changes: fresh } satisfies LiveEvent);
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
        unsubscribe();
      }
    }),
});
