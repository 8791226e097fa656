// Child process of the bench standing in for `pnpm worker`: runs syncAccount / deliverReply as the
// job worker does and samples its own RSS, so "worker memory while syncing" is this process alone.
import { createPrismaClient, type PrismaClient } from "@inbox/db";
import { deliverReply } from "../src/sync/deliver-reply";
import { syncAccount } from "../src/sync/sync-account";
import { serveCalls } from "./ipc";

let prisma: PrismaClient | null = null;
const db = () => (prisma ??= createPrismaClient(process.env.DATABASE_URL!));

export interface SyncRunReport {
  wallMs: number;
  status: string;
  fetched: number;
  changed: number;
  errors: string[];
  rss: { startBytes: number; peakBytes: number; endBytes: number; samples: number[] };
}

async function withRss<T>(work: () => Promise<T>) {
  global.gc?.();
  const startBytes = process.memoryUsage().rss;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 250);
  const started = performance.now();
  try {
    const result = await work();
    return { result, wallMs: performance.now() - started, rss: { startBytes, samples } };
  } finally {
    clearInterval(sampler);
  }
}

serveCalls(
  {
    async sync(args: { accountId: string; baseUrl: string; rateLimited: boolean }): Promise<SyncRunReport> {
      const { result, wallMs, rss } = await withRss(() =>
        syncAccount({
          prisma: db(),
          accountId: args.accountId,
          // The sandbox's host is passed in code: no INBOX_ALLOW_CUSTOM_BASE_URL needed.
          connectorOptions: { baseUrl: args.baseUrl, ...(args.rateLimited ? {} : { rateLimit: false as const }) },
          maxPages: Number.MAX_SAFE_INTEGER,
        }),
      );
      const endBytes = process.memoryUsage().rss;
      if (result.status !== "done")
        return {
          wallMs,
          status: result.reason,
          fetched: 0,
          changed: 0,
          errors: [result.reason],
          rss: { ...rss, endBytes, peakBytes: endBytes },
        };
      return {
        wallMs,
        status: result.channels.map((channel) => channel.status).join(","),
        fetched: result.channels.reduce((sum, channel) => sum + channel.fetched, 0),
        changed: result.channels.reduce((sum, channel) => sum + channel.changed, 0),
        errors: result.channels.flatMap((channel) => (channel.error ? [channel.error] : [])),
        rss: { ...rss, endBytes, peakBytes: Math.max(endBytes, ...rss.samples) },
      };
    },
    /** Delivers every reply with `concurrency` slots, as the worker's job slots would. */
    async deliver(args: { replyIds: string[]; baseUrl: string; concurrency: number }) {
      const queue = [...args.replyIds];
      const outcomes: Record<string, number> = {};
      const started = performance.now();
      await Promise.all(
        Array.from({ length: args.concurrency }, async () => {
          for (let replyId = queue.shift(); replyId; replyId = queue.shift()) {
            const outcome = await deliverReply({ prisma: db(), replyId, connectorOptions: { baseUrl: args.baseUrl } });
            outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
          }
        }),
      );
      return { wallMs: performance.now() - started, outcomes };
    },
  },
  async () => {
    await prisma?.$disconnect();
  },
);
