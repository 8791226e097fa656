// Incremental, resumable sync of one marketplace account: per channel, pages from the connector are
// ingested and the cursor is saved in the same transaction, so a crash resumes from the last page.
// A lease on the account keeps one sync per account at a time across any number of workers.
import { randomUUID } from "node:crypto";
import {
  ConnectorError,
  MarketplaceAuthError,
  RateLimitedError,
  UpstreamError,
  type BaseChannelConnector,
  type ChannelItem,
  type ConnectorOptions,
} from "@inbox/connectors";
import {
  Prisma,
  rawTransaction,
  type AccountStatus,
  type Channel,
  type MarketplaceAccount,
  type PrismaClient,
  type SyncErrorReason,
  type SyncRunStatus,
} from "@inbox/db";
import { startHeartbeat } from "../background";
import { channelsOfAccount, connectorForAccount } from "./account-connector";
import { ingestPrepared, preparePage, type PreparedPage } from "./ingest";

export interface SyncAccountOptions {
  prisma: PrismaClient;
  accountId: string;
  /** Identifies this worker in the lease; random per call when absent. */
  workerId?: string;
  connectorOptions?: ConnectorOptions;
  /** Lease length, renewed after every page. A crashed worker's lease expires after this. */
  leaseMs?: number;
  /** Safety bound on pages of the incremental feed per run. */
  maxPages?: number;
  /** Pages of a re-scan per run: re-scans advance in bounded slices. */
  rescanPagesPerRun?: number;
  /** A full re-scan is started when the last one is older than this (drift correction). */
  rescanIntervalMs?: number;
  pageSize?: number;
  /** Stops between pages (graceful shutdown); the checkpoint is kept. */
  signal?: AbortSignal;
}

/** `error` is the internal message (for logs and the caller), never stored; members see `reason`. */
export type ChannelOutcome = {
  channel: Channel;
  runId: string;
  status: SyncRunStatus;
  fetched: number;
  changed: number;
  error?: string;
  reason?: SyncErrorReason;
};
export type SyncAccountResult =
  { status: "done"; channels: ChannelOutcome[] } | { status: "skipped"; reason: "busy" | "paused" | "rate-limited" | "missing" };

/**
 * The settings of a page's transaction. It commits without waiting for the WAL to reach the disk:
 * the page's items and its cursor commit together or not at all, so a crash of PostgreSQL or the
 * machine can only lose the last pages as a whole, and the next run reads them again from the
 * marketplace. Nothing a customer wrote is lost, and nothing that depends on these rows is made
 * durable before them: a later commit that waits (a reply's claim, the run's end) flushes the WAL
 * up to itself, these pages included. Waiting cost PostgreSQL a disk flush per page.
 */
export const PAGE_TRANSACTION = { synchronous_commit: "off" } as const;

/** Resolves in the event loop's next check phase: after the callbacks and writes already queued. */
const afterPendingIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Marketplaces archive items after about a month; a periodic re-scan looks back twice that. */
const PERIODIC_RESCAN_WINDOW_MS = 60 * 24 * 3_600_000;

const DEFAULTS = { leaseMs: 120_000, maxPages: 500, rescanPagesPerRun: 20, rescanIntervalMs: 24 * 3_600_000, pageSize: 100 };

export async function syncAccount(options: SyncAccountOptions): Promise<SyncAccountResult> {
  const config = { ...DEFAULTS, ...options };
  const { prisma, accountId } = options;
  const workerId = options.workerId ?? randomUUID();
  const account = await prisma.marketplaceAccount.findUnique({ where: { id: accountId } });
  if (!account) return { status: "skipped", reason: "missing" };
  if (account.paused) return { status: "skipped", reason: "paused" };
  if (account.rateLimitedUntil && account.rateLimitedUntil > new Date()) return { status: "skipped", reason: "rate-limited" };
  if (!(await acquireLease(prisma, accountId, workerId, config.leaseMs))) return { status: "skipped", reason: "busy" };
  // Renewed while this call lives, not only between pages: one slow page (timeouts, rate-limit waits)
  // must not let a second sync of the account in. A killed worker stops renewing; its lease expires.
  // Should renewal fail (the lease was taken over, or the write failed, so holding it is unproven),
  // the sync stops at the next page boundary, its checkpoint kept.
  const stopSync = new AbortController();
  const signal = stopSync.signal;
  // The caller's stop (the worker's shutdown signal, alive as long as the process) is forwarded by a
  // listener removed when this sync ends, not AbortSignal.any: on Node 20 each AbortSignal.any call
  // leaves an entry on its long-lived source that is never removed, one per sync job.
  const forwardStop = () => stopSync.abort(options.signal?.reason);
  if (options.signal?.aborted) forwardStop();
  else options.signal?.addEventListener("abort", forwardStop, { once: true });
  const heartbeat = startHeartbeat(
    async () => {
      if (!(await acquireLease(prisma, accountId, workerId, config.leaseMs)))
        stopSync.abort(new Error("The account's sync lease was lost."));
    },
    {
      everyMs: config.leaseMs / 3,
      onError: (error) =>
        stopSync.abort(
          new Error(`The account's sync lease could not be renewed: ${error instanceof Error ? error.message : String(error)}`),
        ),
    },
  );
  const channelConfig = { ...config, signal };

  try {
    // Runs left RUNNING by a crashed worker: the lease proves nobody works on them any more.
    await prisma.syncRun.updateMany({
      where: { accountId, status: "RUNNING" },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        errorReason: "INTERRUPTED",
      },
    });
    const channels: ChannelOutcome[] = [];
    let health: Health = { status: "OK", reason: null, rateLimitedUntil: null };
    for (const channel of channelsOfAccount(account)) {
      if (signal.aborted) break;
      const outcome = await syncChannel(account, channel, channelConfig);
      channels.push(outcome.result);
      // The worst health wins; among equals, the first one with a reason (OK but refused by the marketplace).
      const rank = outcome.health ? healthRank(outcome.health.status) - healthRank(health.status) : -1;
      if (outcome.health && (rank > 0 || (rank === 0 && !health.reason))) health = outcome.health;
    }
    await prisma.marketplaceAccount.update({
      where: { id: accountId },
      // A sync stopped early (shutdown) is not a completed one: the next worker picks it up at once.
      data: {
        status: health.status,
        statusReason: health.reason,
        rateLimitedUntil: health.rateLimitedUntil,
        ...(signal.aborted ? {} : { lastSyncedAt: new Date() }),
      },
    });
    return { status: "done", channels };
  } finally {
    options.signal?.removeEventListener("abort", forwardStop);
    await heartbeat.stop(); // a renewal landing after the release would hold the account for another lease
    await releaseLease(prisma, accountId, workerId);
  }
}

type Config = typeof DEFAULTS & SyncAccountOptions;
type Health = { status: AccountStatus; reason: SyncErrorReason | null; rateLimitedUntil: Date | null };

async function syncChannel(account: MarketplaceAccount, channel: Channel, config: Config) {
  const { prisma } = config;
  let requests = 0;
  const connector = connectorForAccount(account, channel, {
    ...config.connectorOptions,
    signal: config.signal,
    onRequest: (info) => {
      requests += 1;
      config.connectorOptions?.onRequest?.(info);
    },
  });
  const state = await prisma.syncState.upsert({
    where: { accountId_channel: { accountId: account.id, channel } },
    create: { accountId: account.id, channel },
    update: {},
  });
  // Until the feed's first pass from the start has ended (lastRescanAt), the feed itself is reading
  // everything, run after run when one run's pages do not reach its end: a re-scan then would only
  // read the history twice.
  const rescanDue = state.lastRescanAt !== null && Date.now() - state.lastRescanAt.getTime() > config.rescanIntervalMs;
  const rescan =
    state.rescanCursor !== null ||
    state.rescanFrom !== null ||
    (rescanDue && state.cursor !== null) ||
    // Without an incremental feed, every run advances a (bounded, resumable) full pass.
    !connector.capabilities.getUpdates;
  const run = await prisma.syncRun.create({ data: { accountId: account.id, channel, kind: rescan ? "rescan" : "incremental" } });
  const totals = { fetched: 0, changed: 0 };
  const target = { sellerId: account.sellerId, accountId: account.id, marketplace: account.marketplace, channel };

  const savePage = async (
    page: Awaited<ReturnType<BaseChannelConnector["listItems"]>> & { prepared: PreparedPage },
    cursorField: "cursor" | "rescanCursor",
    done: boolean,
  ) => {
    // Raw statements on one pooled connection (rawTransaction): a page is a few multi-row statements,
    // and Prisma's interactive transaction cost its engine's CPU on each of them.
    await rawTransaction(
      prisma,
      async (tx) => {
        const result = await ingestPrepared(tx, target, page.prepared);
        totals.fetched += result.fetched;
        totals.changed += result.changed;
        // `updatedAt` as Prisma's @updatedAt sets it: the app's clock, UTC.
        const now = new Date().toISOString();
        const checkpoint =
          cursorField === "cursor"
            ? Prisma.sql`"cursor" = ${page.nextCursor}`
            : done
              ? Prisma.sql`"rescanCursor" = NULL, "rescanFrom" = NULL, "lastRescanAt" = ${now}::timestamp(3)`
              : Prisma.sql`"rescanCursor" = ${page.nextCursor}`;
        // The checkpoint and the run's progress in one statement. Not awaited here: rawTransaction awaits
        // it before reporting the commit, and its COMMIT goes out right behind it.
        void tx.$executeRaw`
        WITH checkpoint AS (
          UPDATE "SyncState" SET ${checkpoint}, "updatedAt" = ${now}::timestamp(3) WHERE "id" = ${state.id}
        )
        UPDATE "SyncRun"
        SET "itemsFetched" = ${totals.fetched}, "itemsChanged" = ${totals.changed}, "pages" = "pages" + 1, "requests" = ${requests}
        WHERE "id" = ${run.id}`;
      },
      PAGE_TRANSACTION,
    );
  };

  let health: Health | null = null;
  let status: SyncRunStatus = "SUCCEEDED";
  let error: string | undefined;
  let reason: SyncErrorReason | undefined;
  let retryAt: Date | null = null;
  // The next page is fetched, and prepared for storing (ingest.ts, preparePage), while the current
  // one is stored: a sync takes about as long as the slower of the two, not their sum. A cursor is
  // still saved only in the transaction of its page, and a prefetched page whose predecessor failed
  // to save is dropped (never stored). The request is made only after the current page's statements
  // are written (afterPendingIo): making it costs about 2 ms of this thread's CPU (headers, the HTTP
  // client, the socket write), which, done first, kept the database waiting on every page.
  let ahead: Promise<unknown> | null = null;
  const prefetch = <T extends { items: ChannelItem[] }>(read: () => Promise<T>): Promise<T & { prepared: PreparedPage }> => {
    const request = afterPendingIo()
      .then(read)
      .then((page) => ({ ...page, prepared: preparePage(page.items) }));
    // Awaited by the next iteration, or settled in `finally` below when the loop stops early.
    ahead = request.then(
      () => undefined,
      () => undefined,
    );
    return request;
  };
  try {
    if (rescan && !config.signal?.aborted) {
      // Resync from the asked date; the periodic re-scan covers the recent past, where changes happen.
      const since = state.rescanFrom ?? (state.lastRescanAt ? new Date(Date.now() - PERIODIC_RESCAN_WINDOW_MS) : new Date(0));
      const cursor = state.rescanCursor;
      let next = prefetch(() => connector.listItems({ cursor, take: config.pageSize, ...(cursor ? {} : { since: since.toISOString() }) }));
      for (let page = 0; page < config.rescanPagesPerRun; page += 1) {
        const result = await next;
        const more = result.nextCursor !== null && page + 1 < config.rescanPagesPerRun && !config.signal?.aborted;
        if (more) next = prefetch(() => connector.listItems({ cursor: result.nextCursor, take: config.pageSize }));
        await savePage(result, "rescanCursor", result.nextCursor === null);
        if (!more || config.signal?.aborted) break;
      }
    }
    if (connector.capabilities.getUpdates && !config.signal?.aborted) {
      let next = prefetch(() => connector.getUpdates({ cursor: state.cursor, take: config.pageSize }));
      for (let page = 0; page < config.maxPages; page += 1) {
        const result = await next;
        const more = result.hasMore && page + 1 < config.maxPages && !config.signal?.aborted;
        if (more) next = prefetch(() => connector.getUpdates({ cursor: result.nextCursor, take: config.pageSize }));
        await savePage(result, "cursor", false);
        if (!result.hasMore) {
          // The feed's first pass from the start (in this run or over several) has seen everything:
          // it counts as a full scan, so the next run does not re-read the whole history at once.
          if (!state.lastRescanAt) {
            await prisma.syncState.update({ where: { id: state.id }, data: { lastRescanAt: new Date() } });
          }
          break;
        }
        if (!more || config.signal?.aborted) break;
      }
    }
  } catch (caught) {
    try {
      ({ status, health, error, reason, retryAt } = classifyFailure(caught, config.signal));
      // The details (upstream bodies, request ids) stay in the server log; the run keeps the reason.
      console.warn(`Sync of account ${account.id} (${channel}) stopped: ${reason}: ${error}`);
    } catch (unexpected) {
      // Not a marketplace failure (a bug, the database): record it on the run, then let the job fail.
      console.error(`Sync of account ${account.id} (${channel}) failed:`, unexpected);
      await prisma.syncRun.update({
        where: { id: run.id },
        data: {
          status: "FAILED",
          finishedAt: new Date(),
          requests,
          errorReason: "INTERNAL",
          itemsFetched: totals.fetched,
          itemsChanged: totals.changed,
        },
      });
      throw unexpected;
    }
  } finally {
    // A page fetched ahead of a failed save or a stop is dropped, but its request is not left running.
    await ahead;
  }
  await prisma.syncRun.update({
    where: { id: run.id },
    data: {
      status,
      finishedAt: new Date(),
      requests,
      errorReason: reason ?? null,
      retryAt,
      itemsFetched: totals.fetched,
      itemsChanged: totals.changed,
    },
  });
  return { result: { channel, runId: run.id, status, ...totals, ...(error ? { error } : {}), ...(reason ? { reason } : {}) }, health };
}

/**
 * Turns a connector failure into the run's outcome, a classified reason members may read (never the
 * upstream text: finding 8 of the security review) and the account's health. `error` is the internal
 * message, for the server log only.
 */
export function classifyFailure(
  error: unknown,
  signal?: AbortSignal,
): { status: SyncRunStatus; health: Health | null; error: string; reason: SyncErrorReason; retryAt: Date | null } {
  const message = error instanceof Error ? error.message : String(error);
  const failed = (reason: SyncErrorReason, healthStatus: AccountStatus) => ({
    status: "FAILED" as const,
    error: message,
    reason,
    retryAt: null,
    health: { status: healthStatus, reason, rateLimitedUntil: null },
  });
  if (signal?.aborted) {
    // Stopped on purpose (shutdown, lost lease): the checkpoint of the last page stands.
    return { status: "PARTIAL", error: `Stopped before the end: ${message}`, reason: "STOPPED", retryAt: null, health: null };
  }
  if (error instanceof RateLimitedError) {
    // Not a failure: the checkpoint is saved and the next run continues after the wait.
    const retryAt = new Date(Date.now() + error.retryAfterMs);
    return {
      status: "PARTIAL",
      error: message,
      reason: "RATE_LIMITED",
      retryAt,
      health: { status: "RATE_LIMITED", reason: "RATE_LIMITED", rateLimitedUntil: retryAt },
    };
  }
  if (error instanceof MarketplaceAuthError) {
    switch (error.reason) {
      case "subscription_missing":
        return failed("SUBSCRIPTION_MISSING", "SUBSCRIPTION_MISSING");
      case "token_category":
        return failed("TOKEN_CATEGORY_MISSING", "NEEDS_TOKEN");
      case "forbidden":
        return failed("ACCESS_DENIED", "NEEDS_TOKEN");
      default:
        return failed("TOKEN_REJECTED", "NEEDS_TOKEN");
    }
  }
  if (error instanceof UpstreamError) return failed("UNREACHABLE", "UNREACHABLE");
  if (error instanceof ConnectorError) return failed("MARKETPLACE_ERROR", "OK");
  throw error; // a bug of ours: let the job fail loudly
}

const HEALTH_ORDER: AccountStatus[] = ["OK", "RATE_LIMITED", "UNREACHABLE", "SUBSCRIPTION_MISSING", "NEEDS_TOKEN", "PAUSED"];
const healthRank = (status: AccountStatus) => HEALTH_ORDER.indexOf(status);

async function acquireLease(prisma: PrismaClient, accountId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const updated = await prisma.$executeRaw`
    UPDATE "MarketplaceAccount"
    SET "syncLeaseOwner" = ${workerId}, "syncLeaseUntil" = now() + make_interval(secs => ${leaseMs / 1000})
    WHERE "id" = ${accountId}
      AND ("syncLeaseUntil" IS NULL OR "syncLeaseUntil" < now() OR "syncLeaseOwner" = ${workerId})`;
  return updated === 1;
}

async function releaseLease(prisma: PrismaClient, accountId: string, workerId: string) {
  await prisma.$executeRaw`
    UPDATE "MarketplaceAccount" SET "syncLeaseOwner" = NULL, "syncLeaseUntil" = NULL
    WHERE "id" = ${accountId} AND "syncLeaseOwner" = ${workerId}`;
}
