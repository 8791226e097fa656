// Sync figures: the Ozon sandbox in its own process, the sync in a worker process, our database.
//  - as in production: the sandbox enforces Ozon's 50 requests/s, the connector its own budget;
//    wall time against the API floor (fewest requests ÷ 50/s) and the ingest floor;
//  - our side alone: no rate limits; wall time against fetching alone (HTTP + parsing) and plain
//    multi-row upserts of as many rows into the same table from the same state (before and after
//    the sync), worker RSS while it runs;
//  - incremental after 1 % new reviews; 1 000 replies delivered.
// The worker and the bench first sync and fetch a small sandbox of their own (warm-up), as a
// long-running worker has before an account's first sync.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { getConnector, type ChannelItem } from "@inbox/connectors";
import { accountSecretContext, encryptSecret, rawTransaction, type PrismaClient } from "@inbox/db";
import pg from "pg";
import { channelsOfAccount } from "../src/sync/account-connector";
import { ingestItems, preparePage, type IngestTarget } from "../src/sync/ingest";
import { PAGE_TRANSACTION } from "../src/sync/sync-account";
import { cpuProfileFlags, startChild, type ChildHandle } from "./ipc";
import { postgresCpuMs, processCpuMs } from "./load";
import type { SandboxCounters, SandboxInfo } from "./sandbox-process";
import type { SyncRunReport } from "./sync-worker";

/** Ozon Seller API: 50 requests/s per Client-Id; /v2/review/list returns at most 100 reviews. */
export const OZON_REQUESTS_PER_SECOND = 50;
const OZON_REVIEW_PAGE = 100;
/** Reviews of the warm-up sync: enough pages for the hot paths to be compiled. */
const WARM_UP_REVIEWS = 3_000;

export interface SyncBenchOptions {
  prisma: PrismaClient;
  databaseUrl: string;
  sellerId: string;
  /** Reviews synced under the rate limits (every answered review costs a comment request). */
  rateLimitedReviews: number;
  /** Reviews synced with the limits off (our own cost; worker RSS). */
  unlimitedReviews: number;
  /** Rows of the unlimited set used for the ingest measurements. */
  ingestSample: number;
  replies: number;
  /** The embedded server's data directory: its postmaster's processes are the database's CPU. */
  postgresDataDir: string;
  log: (line: string) => void;
}

export interface SyncFigures {
  rateLimited: {
    reviews: number;
    stored: number;
    wallMs: number;
    requests: number;
    minRequests: number;
    /** Of `requests`, /v2/review/info calls: none, photo and video URLs are read when a review is opened. */
    mediaRequests: number;
    reviewsWithMedia: number;
    /** Reviews stored with media counts whose URLs are left for the first open (`Item.mediaPending`). */
    storedMediaPending: number;
    rateLimitedResponses: number;
    apiFloorMs: number;
    ingestFloorMs: number;
    itemsPerSecond: number;
  };
  incremental: { newReviews: number; stored: number; wallMs: number; requests: number; minRequests: number; apiFloorMs: number };
  unlimited: {
    reviews: number;
    stored: number;
    wallMs: number;
    itemsPerSecond: number;
    /** Fetching all of them alone, extrapolated from the first `fetchOnlySampled`. */
    fetchOnlyMs: number;
    fetchOnlySampled: number;
    /** Plain upserts of as many rows from the state the sync started in, before and after it, averaged. */
    ingestFloorMs: number;
    floor: { before: PlainUpserts; after: PlainUpserts };
    workerRss: { startMb: number; peakMb: number; endMb: number };
    sandboxRssMb: number;
    /** CPU time each process used during the sync (PostgreSQL: the server and all its backends). */
    cpuMs: { postgres: number; worker: number; sandbox: number };
    /** PostgreSQL's CPU per 1 000 rows of the sync, in ms. */
    postgresMsPerKRow: number;
    wal: WalActivity;
  };
  ingest: { rows: number; ingestRowsPerSecond: number; plainUpsertRowsPerSecond: number };
  replies: {
    count: number;
    wallMs: number;
    requests: number;
    floorMs: number;
    sent: number;
    repliesReceived: number;
    duplicateSends: number;
    outcomes: Record<string, number>;
  };
}

export class NothingMeasuredError extends Error {}

/**
 * The node flags of `pnpm worker` (package.json's `worker` script: the heap limit, see
 * src/jobs/cli.ts), so the bench's stand-in for the worker runs with the heap the worker has.
 */
export function workerNodeFlags(): string[] {
  const manifest = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { worker: string } };
  const flags = manifest.scripts.worker.split(/\s+/).filter((arg) => arg.startsWith("--"));
  if (flags.length === 0) throw new Error(`no node flags in the worker script (${manifest.scripts.worker})`);
  return flags;
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new NothingMeasuredError(message);
}

async function createAccount(prisma: PrismaClient, sellerId: string, name: string, sandbox: SandboxInfo) {
  const id = randomUUID();
  return prisma.marketplaceAccount.create({
    data: {
      id,
      sellerId,
      marketplace: "OZON",
      displayName: name,
      credentialsEncrypted: encryptSecret(JSON.stringify(sandbox.credentials), accountSecretContext(id)),
    },
  });
}

const storedItems = (prisma: PrismaClient, accountId: string) => prisma.item.count({ where: { accountId } });

function checkRun(run: SyncRunReport, counters: SandboxCounters, label: string) {
  expect(run.errors.length === 0, `${label}: the sync reported errors: ${run.errors.join("; ")}`);
  expect(run.fetched > 0, `${label}: the sync fetched nothing`);
  expect((counters.byStatus["200"] ?? 0) > 0, `${label}: no successful request reached the sandbox`);
  const failed = Object.entries(counters.byStatus).filter(([status]) => status !== "200" && status !== "429");
  expect(failed.length === 0, `${label}: the sandbox answered errors ${JSON.stringify(counters.byStatus)}`);
}

export async function benchSync(options: SyncBenchOptions): Promise<SyncFigures> {
  const { prisma, log } = options;
  const env = { DATABASE_URL: options.databaseUrl };
  let worker: ChildHandle | null = null;
  let sandbox: ChildHandle | null = null;
  try {
    worker = await startChild("sync-worker.ts", env, [...workerNodeFlags(), ...cpuProfileFlags()]);

    // ── Warm-up ─────────────────────────────────────────────────────────────────────────────────
    // The worker is a long-running process: by an account's first sync its code is compiled and
    // Prisma's engine started. A first run in a fresh process spent ~0.8 s of 3.2 s (10 000 reviews)
    // on that, so the worker syncs, and the bench fetches, a small sandbox first (served by the same
    // sandbox process as the measured one).
    sandbox = await startChild("sandbox-process.ts");
    const warm = await sandbox.call<SandboxInfo>("start", { reviews: WARM_UP_REVIEWS, rateLimited: false, seed: 6 });
    await fetchOnly(warm, WARM_UP_REVIEWS);
    const warmAccount = await createAccount(prisma, options.sellerId, "Ozon (разогрев)", warm);
    checkRun(
      await worker.call<SyncRunReport>("sync", { accountId: warmAccount.id, baseUrl: warm.url, rateLimited: false }),
      await sandbox.call<SandboxCounters>("counters"),
      "warm-up sync",
    );
    await prisma.$executeRaw`DELETE FROM "MarketplaceAccount" WHERE "id" = ${warmAccount.id}`;

    // ── Our side alone (no rate limits) ─────────────────────────────────────────────────────────
    log(`sync: seeding an unlimited Ozon sandbox with ${options.unlimitedReviews} reviews`);
    const open = await sandbox.call<SandboxInfo>("start", { reviews: options.unlimitedReviews, rateLimited: false, seed: 7 });
    const fetched = await fetchOnly(open, options.ingestSample);
    log(`sync: fetching alone ${(fetched.ms / 1000).toFixed(1)} s for ${fetched.count} reviews`);
    const toFetch = Math.min(options.unlimitedReviews, options.ingestSample);
    expect(fetched.count >= toFetch, `fetch alone read ${fetched.count} of ${toFetch} reviews`);
    const fetchOnlyMs = (fetched.ms * options.unlimitedReviews) / fetched.count;
    const ingest = await measureIngest(options, fetched.sample, open);
    log(
      `sync: ingest ${Math.round(ingest.ingestRowsPerSecond)} rows/s, plain upserts ${Math.round(ingest.plainUpsertRowsPerSecond)} rows/s`,
    );

    // The floor: plain upserts of as many rows, into the table as the sync finds it, once before the
    // sync and once after it (its rows deleted first), averaged: the machine's speed drifts over the
    // minutes a million rows take (fetching alone differed by 40 % between two runs of a day), and
    // the two bracket the sync. A sample's rate extrapolated missed what only volume brings:
    // checkpoints forced by the WAL written (9 to 11 during a million rows here, none during 50 000),
    // autovacuum, a table and indexes outgrowing the cache.
    const floorBefore = await plainUpserts(options, repeatedSample(fetched.sample, options.unlimitedReviews), open);
    log(`sync: plain upserts of ${options.unlimitedReviews} rows before the sync ${(floorBefore.ms / 1000).toFixed(1)} s`);
    const openAccount = await createAccount(prisma, options.sellerId, "Ozon (без лимитов)", open);
    await settle(prisma);
    await sandbox.call("resetCounters");
    // Where the machine's CPU went during the sync: the database, the worker, the sandbox (which a
    // real marketplace runs elsewhere).
    const { pid: workerPid } = worker;
    const { pid: sandboxPid } = sandbox;
    const cpu = () => ({
      postgres: postgresCpuMs(options.postgresDataDir),
      worker: processCpuMs(workerPid),
      sandbox: processCpuMs(sandboxPid),
    });
    const cpuBefore = cpu();
    const walBefore = await walCounters(prisma);
    const openRun = await worker.call<SyncRunReport>("sync", { accountId: openAccount.id, baseUrl: open.url, rateLimited: false });
    const cpuAfter = cpu();
    const wal = walActivity(walBefore, await walCounters(prisma));
    checkRun(openRun, await sandbox.call<SandboxCounters>("counters"), "unlimited sync");
    const openStored = await storedItems(prisma, openAccount.id);
    expect(openStored === options.unlimitedReviews, `unlimited sync stored ${openStored} of ${options.unlimitedReviews}`);
    const sandboxRss = (await sandbox.call<SandboxCounters>("counters")).rssBytes;
    log(`sync: unlimited ${(openRun.wallMs / 1000).toFixed(1)} s, worker RSS peak ${mb(openRun.rss.peakBytes)} MB`);
    const deleting = performance.now();
    await prisma.$executeRaw`DELETE FROM "MarketplaceAccount" WHERE "id" = ${openAccount.id}`;
    log(`sync: its ${openStored} rows deleted in ${((performance.now() - deleting) / 1000).toFixed(1)} s`);
    const floorAfter = await plainUpserts(options, repeatedSample(fetched.sample, options.unlimitedReviews), open);
    log(`sync: plain upserts of ${options.unlimitedReviews} rows after the sync ${(floorAfter.ms / 1000).toFixed(1)} s`);
    await sandbox.stop();
    sandbox = null;

    // ── As in production (Ozon's 50 requests/s) ──────────────────────────────────────────────────
    sandbox = await startChild("sandbox-process.ts");
    const limited = await sandbox.call<SandboxInfo>("start", { reviews: options.rateLimitedReviews, rateLimited: true, seed: 8 });
    const account = await createAccount(prisma, options.sellerId, "Ozon", limited);
    log(
      `sync: rate-limited sync of ${limited.reviews} reviews (${limited.reviewsWithAnswers} with answers to read, ${limited.reviewsWithMedia} with photos or videos)`,
    );
    const run = await worker.call<SyncRunReport>("sync", { accountId: account.id, baseUrl: limited.url, rateLimited: true });
    const counters = await sandbox.call<SandboxCounters>("counters");
    checkRun(run, counters, "rate-limited sync");
    const stored = await storedItems(prisma, account.id);
    expect(stored === limited.reviews, `rate-limited sync stored ${stored} of ${limited.reviews}`);
    // Ozon accounts also sync questions and chats: one (empty) list request each.
    const otherChannels = channelsOfAccount(account).length - 1;
    // /v2/review/list gives only photos_amount/videos_amount; their URLs (one /v2/review/info each) are
    // not part of a sync: they are read when someone opens the review.
    const minRequests = Math.ceil(limited.reviews / OZON_REVIEW_PAGE) + limited.reviewsWithAnswers + otherChannels;
    const storedMediaPending = await prisma.item.count({ where: { accountId: account.id, mediaPending: true } });

    const newReviews = Math.max(1, Math.round(limited.reviews / 100));
    const grown = await sandbox.call<SandboxInfo>("addReviews", { count: newReviews });
    await sandbox.call("resetCounters");
    const incremental = await worker.call<SyncRunReport>("sync", { accountId: account.id, baseUrl: limited.url, rateLimited: true });
    const incrementalCounters = await sandbox.call<SandboxCounters>("counters");
    checkRun(incremental, incrementalCounters, "incremental sync");
    const storedAfter = await storedItems(prisma, account.id);
    expect(storedAfter === limited.reviews + newReviews, `incremental sync stored ${storedAfter - stored} of ${newReviews} new reviews`);
    const incrementalMin =
      Math.ceil(newReviews / OZON_REVIEW_PAGE) + (grown.reviewsWithAnswers - limited.reviewsWithAnswers) + otherChannels;

    // ── Replies ──────────────────────────────────────────────────────────────────────────────────
    const replies = await benchReplies(options, worker, sandbox, account.id, limited.url);

    return {
      rateLimited: {
        reviews: limited.reviews,
        stored,
        wallMs: run.wallMs,
        requests: counters.requests,
        mediaRequests: counters.byRoute["POST /v2/review/info"] ?? 0,
        reviewsWithMedia: limited.reviewsWithMedia,
        storedMediaPending,
        minRequests,
        rateLimitedResponses: counters.byStatus["429"] ?? 0,
        apiFloorMs: (minRequests / OZON_REQUESTS_PER_SECOND) * 1000,
        ingestFloorMs: (limited.reviews / ingest.plainUpsertRowsPerSecond) * 1000,
        itemsPerSecond: (stored / run.wallMs) * 1000,
      },
      incremental: {
        newReviews,
        stored: storedAfter - stored,
        wallMs: incremental.wallMs,
        requests: incrementalCounters.requests,
        minRequests: incrementalMin,
        apiFloorMs: (incrementalMin / OZON_REQUESTS_PER_SECOND) * 1000,
      },
      unlimited: {
        reviews: options.unlimitedReviews,
        stored: openStored,
        wallMs: openRun.wallMs,
        itemsPerSecond: (openStored / openRun.wallMs) * 1000,
        fetchOnlyMs,
        fetchOnlySampled: fetched.count,
        ingestFloorMs: (floorBefore.ms + floorAfter.ms) / 2,
        floor: { before: floorBefore, after: floorAfter },
        workerRss: { startMb: mb(openRun.rss.startBytes), peakMb: mb(openRun.rss.peakBytes), endMb: mb(openRun.rss.endBytes) },
        cpuMs: {
          postgres: cpuAfter.postgres - cpuBefore.postgres,
          worker: cpuAfter.worker - cpuBefore.worker,
          sandbox: cpuAfter.sandbox - cpuBefore.sandbox,
        },
        postgresMsPerKRow: ((cpuAfter.postgres - cpuBefore.postgres) / openStored) * 1000,
        wal,
        sandboxRssMb: mb(sandboxRss),
      },
      ingest,
      replies,
    };
  } finally {
    await sandbox?.stop();
    await worker?.stop();
  }
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * Every timed write phase (our ingest, the plain upserts, the sync) starts from the same state: the
 * rows an earlier step deleted vacuumed, so autovacuum does not clean up under the phase, and no
 * checkpoint of earlier writes owed. It removes two causes of the plain upserts' spread from run to
 * run (3,700 to 6,000 rows/s), not all of them: the machine's own load remains.
 */
async function settle(prisma: SyncBenchOptions["prisma"]) {
  await prisma.$executeRawUnsafe(`VACUUM "Item"`);
  await prisma.$executeRawUnsafe(`CHECKPOINT`);
}

/**
 * The connector alone paging through the sandbox: HTTP and parsing, nothing stored. Reads the first
 * `limit` reviews (all of them in --quick); the full run extrapolates linearly from that sample,
 * which keeps a million-review pass out of the bench's run time.
 */
async function fetchOnly(sandbox: SandboxInfo, limit: number) {
  const connector = getConnector("ozon", "review", sandbox.credentials, { baseUrl: sandbox.url, rateLimit: false });
  const sample: ChannelItem[][] = [];
  let count = 0;
  let cursor: string | null = null;
  const started = performance.now();
  do {
    const page = await connector.getUpdates({ cursor, take: OZON_REVIEW_PAGE });
    count += page.items.length;
    if (page.items.length > 0) sample.push(page.items);
    cursor = page.hasMore && count < limit ? page.nextCursor : null;
  } while (cursor);
  return { ms: performance.now() - started, count, sample };
}

/**
 * Our ingest of sampled pages (one transaction per page, as the sync does) against plain multi-row
 * upserts of the same rows into the same table over one connection (the floor).
 */
async function measureIngest(options: SyncBenchOptions, pages: ChannelItem[][], sandbox: SandboxInfo) {
  const { prisma } = options;
  const rows = pages.reduce((sum, page) => sum + page.length, 0);
  expect(rows > 0, "no sampled rows to measure ingest on");

  const ingestAccount = await createAccount(prisma, options.sellerId, "ingest sample", sandbox);
  const target: IngestTarget = { sellerId: options.sellerId, accountId: ingestAccount.id, marketplace: "OZON", channel: "REVIEW" };
  await settle(prisma);
  const started = performance.now();
  for (const page of pages) await rawTransaction(prisma, (tx) => ingestItems(tx, target, page), PAGE_TRANSACTION);
  const ingestMs = performance.now() - started;
  expect((await storedItems(prisma, ingestAccount.id)) === rows, "ingest sample stored fewer rows than it read");
  const plain = await plainUpserts(options, pages, sandbox);
  // The measurement rows would otherwise count as a seller's inbox in the read-path figures.
  await prisma.$executeRaw`DELETE FROM "MarketplaceAccount" WHERE "id" = ${ingestAccount.id}`;
  return {
    rows,
    ingestRowsPerSecond: (rows / ingestMs) * 1000,
    plainUpsertRowsPerSecond: plain.rowsPerSecond,
  };
}

/** What a timed write phase made PostgreSQL do besides its statements (pg_stat_wal, pg_stat_checkpointer). */
interface WalActivity {
  walMb: number;
  /** Whole pages written to the WAL: the first change of a page after each checkpoint. */
  fullPageImages: number;
  /** Checkpoints started during the phase (by time or by the WAL's size). */
  checkpoints: number;
}

async function walCounters(prisma: PrismaClient) {
  const [row] = await prisma.$queryRaw<Array<{ walBytes: bigint; fullPageImages: bigint; checkpoints: bigint }>>`
    SELECT w."wal_bytes"::bigint AS "walBytes", w."wal_fpi" AS "fullPageImages", c."num_timed" + c."num_requested" AS "checkpoints"
    FROM pg_stat_wal w, pg_stat_checkpointer c`;
  return row!;
}

function walActivity(before: Awaited<ReturnType<typeof walCounters>>, after: Awaited<ReturnType<typeof walCounters>>): WalActivity {
  return {
    walMb: mb(Number(after.walBytes - before.walBytes)),
    fullPageImages: Number(after.fullPageImages - before.fullPageImages),
    checkpoints: Number(after.checkpoints - before.checkpoints),
  };
}

/**
 * The sampled pages again and again until they hold `rows` rows, each round with keys of its own and
 * its dates moved past the round before: rows reach the table's indexes in the order the sync's do
 * (the feed is read oldest first), not each round back among the rows of the first.
 */
function* repeatedSample(pages: ChannelItem[][], rows: number): Generator<ChannelItem[]> {
  const times = pages.flatMap((page) => page.map((item) => Date.parse(item.createdAt)));
  const spanMs =
    times.reduce((max, time) => Math.max(max, time), -Infinity) - times.reduce((min, time) => Math.min(min, time), Infinity) + 1;
  let left = rows;
  for (let round = 0; left > 0; round += 1) {
    const moved = (iso: string) => new Date(Date.parse(iso) + round * spanMs).toISOString();
    for (const page of pages) {
      if (left <= 0) return;
      const items = page.slice(0, left);
      left -= items.length;
      yield round === 0
        ? items
        : items.map((item) => ({
            ...item,
            externalId: `${item.externalId}~${round}`,
            createdAt: moved(item.createdAt),
            ...(item.messages ? { messages: item.messages.map((message) => ({ ...message, createdAt: moved(message.createdAt) })) } : {}),
          }));
    }
  }
}

/** Plain multi-row upserts of `pages` (100 rows a statement, every column the sync stores) over one connection. */
interface PlainUpserts {
  rows: number;
  ms: number;
  rowsPerSecond: number;
  /** PostgreSQL's CPU time per 1 000 rows, in ms. */
  postgresMsPerKRow: number;
  wal: WalActivity;
}

async function plainUpserts(options: SyncBenchOptions, pages: Iterable<ChannelItem[]>, sandbox: SandboxInfo): Promise<PlainUpserts> {
  let rows = 0;
  const floorAccount = await createAccount(options.prisma, options.sellerId, "upsert floor", sandbox);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await settle(options.prisma);
    const postgresBefore = postgresCpuMs(options.postgresDataDir);
    const walBefore = await walCounters(options.prisma);
    const started = performance.now();
    let serial = 0;
    for (const page of pages) {
      rows += page.length;
      const params: unknown[] = [];
      // Every column the sync stores for these rows, with the values it stores (preparePage).
      const tuples = [...preparePage(page).rows.values()].map((row) => {
        const values = [
          `bench-floor-${serial++}`,
          options.sellerId,
          floorAccount.id,
          "OZON",
          "REVIEW",
          row.externalId,
          row.text,
          row.pros,
          row.cons,
          row.rating,
          row.authorName,
          row.productExternalId,
          row.productName,
          row.productArticle,
          row.productUrl,
          row.attachments,
          row.mediaCount,
          row.mediaPending,
          row.orderStatus,
          row.upstreamCreatedAt.toISOString(),
          row.answered,
          row.answerText,
          row.answerState,
          row.answerEditable,
          row.read,
          row.lastActivityAt.toISOString(),
        ];
        const placeholders = values.map((value) => `$${params.push(value)}`);
        return `(${placeholders.join(", ")}, now())`;
      });
      await client.query(
        `INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "pros", "cons", "rating",
           "authorName", "productExternalId", "productName", "productArticle", "productUrl", "attachments", "mediaCount",
           "mediaPending", "orderStatus", "upstreamCreatedAt", "answered", "answerText", "answerState", "answerEditable", "read",
           "lastActivityAt", "updatedAt")
         VALUES ${tuples.join(", ")}
         ON CONFLICT ("accountId", "channel", "externalId") DO UPDATE SET "text" = EXCLUDED."text", "pros" = EXCLUDED."pros",
           "cons" = EXCLUDED."cons", "rating" = EXCLUDED."rating", "attachments" = EXCLUDED."attachments",
           "mediaCount" = EXCLUDED."mediaCount", "mediaPending" = EXCLUDED."mediaPending", "orderStatus" = EXCLUDED."orderStatus",
           "answered" = EXCLUDED."answered", "answerText" = EXCLUDED."answerText", "answerState" = EXCLUDED."answerState",
           "answerEditable" = EXCLUDED."answerEditable", "read" = EXCLUDED."read"`,
        params,
      );
    }
    const ms = performance.now() - started;
    const postgresMs = postgresCpuMs(options.postgresDataDir) - postgresBefore;
    const wal = walActivity(walBefore, await walCounters(options.prisma));
    expect(
      rows > 0 && (await storedItems(options.prisma, floorAccount.id)) === rows,
      "plain upserts stored fewer rows than they were given",
    );
    return { rows, ms, rowsPerSecond: (rows / ms) * 1000, postgresMsPerKRow: (postgresMs / rows) * 1000, wal };
  } finally {
    await client.query(`DELETE FROM "MarketplaceAccount" WHERE "id" = $1`, [floorAccount.id]);
    await client.end();
  }
}

async function benchReplies(options: SyncBenchOptions, worker: ChildHandle, sandbox: ChildHandle, accountId: string, baseUrl: string) {
  const { prisma } = options;
  const items = await prisma.item.findMany({
    where: { accountId, answered: false },
    select: { id: true },
    take: options.replies,
    orderBy: { id: "asc" },
  });
  expect(items.length === options.replies, `only ${items.length} unanswered reviews for ${options.replies} replies`);
  await prisma.reply.createMany({
    data: items.map((item, index) => ({
      itemId: item.id,
      text: `Спасибо за отзыв! Ответ №${index + 1}: мы учтём ваши замечания.`,
      idempotencyKey: `bench-reply-${item.id}`,
    })),
  });
  const replyIds = (await prisma.reply.findMany({ where: { itemId: { in: items.map((item) => item.id) } }, select: { id: true } })).map(
    (reply) => reply.id,
  );
  await sandbox.call("resetCounters");
  options.log(`replies: delivering ${replyIds.length} replies (2 job slots, as the worker)`);
  const delivered = await worker.call<{ wallMs: number; outcomes: Record<string, number> }>("deliver", {
    replyIds,
    baseUrl,
    concurrency: 2,
  });
  const counters = await sandbox.call<SandboxCounters>("counters");
  const sent = await prisma.reply.count({ where: { id: { in: replyIds }, status: "SENT" } });
  expect(sent > 0 && counters.repliesReceived > 0, `no reply was delivered: ${JSON.stringify(delivered.outcomes)}`);
  return {
    count: replyIds.length,
    wallMs: delivered.wallMs,
    requests: counters.requests,
    // One /v1/review/comment/create per reply at Ozon's 50 requests/s.
    floorMs: (replyIds.length / OZON_REQUESTS_PER_SECOND) * 1000,
    sent,
    repliesReceived: counters.repliesReceived,
    duplicateSends: counters.itemsRepliedMoreThanOnce,
    outcomes: delivered.outcomes,
  };
}
