// The inbox's statements, as the services build them, against a table big enough for the planner to
// prefer indexes: every list page (one seller or all of a user's sellers, every filter and sort, first
// page and 50 pages deep, Russian search) is index seeks that read about a page of rows, the cursor is
// an index condition, and counts never touch Item or Message unless words, product or dates narrow
// them (then a bounded read through the same indexes). Dropping any index the read path needs fails
// these checks (proved at the end).
import { Prisma, queryRawWithSettings, type StatementSettings, type PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeInboxCursor } from "../src/services/inbox-cursor";
import {
  countBucketsOf,
  countBucketsQuery,
  inboxPageStatement,
  listInboxPage,
  mergedRangesQuery,
  planRanges,
  rangesQuery,
  readCountBuckets,
  constraintsOf,
  type CountBucket,
  type InboxQueryFilter,
} from "../src/services/inbox-list";
import {
  assigneeCountQuery,
  rangeSampleQuery,
  SAMPLE_CAP,
  WORDS_PROBE_SETTINGS,
  WORDS_SAMPLE_SETTINGS,
  wordsSampleQuery,
} from "../src/services/inbox-counts";

const database = useTestDatabase();
const LIMIT = 30;
const BIG_SELLER = "plan-seller-1";
/** The caller of the "assigned to me" cases: assigned 2% of the items; a colleague has 30%. */
const ME = "plan-user-me";
const ALL_SELLERS = ["plan-seller-1", "plan-seller-2", "plan-seller-3", "plan-seller-4", "plan-seller-5", "plan-seller-6"];

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Actual Rows": number;
  "Actual Loops": number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

type Explained = Array<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>;

async function explain(prisma: Pick<PrismaClient, "$queryRaw">, query: Prisma.Sql): Promise<PlanNode[]> {
  const [row] = await prisma.$queryRaw<Explained>(Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`);
  return nodes(row!["QUERY PLAN"][0]!.Plan);
}

/** The plan under planner settings, applied the way the service applies them. */
async function explainWith(prisma: PrismaClient, settings: StatementSettings, query: Prisma.Sql): Promise<PlanNode[]> {
  const [row] = await queryRawWithSettings<Explained>(prisma, settings, Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`);
  return nodes(row!["QUERY PLAN"][0]!.Plan);
}

const touches = (node: PlanNode, table: string) => node["Relation Name"] === table;
const examined = (node: PlanNode) => (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0)) * node["Actual Loops"];

/** A counts sample: Item read through its indexes, never more than a few times the cap in rows. */
function assertBoundedSample(plan: PlanNode[], filter: object) {
  const scans = plan.filter((node) => touches(node, "Item"));
  expect(scans.length).toBeGreaterThan(0);
  for (const node of scans) {
    expect(node["Node Type"], JSON.stringify(filter)).not.toMatch(/Seq Scan/);
    expect(examined(node), JSON.stringify(filter)).toBeLessThanOrEqual(8 * (SAMPLE_CAP + 1));
  }
}

/**
 * A page: Item read only through its indexes (ordered seeks, or the search index's bitmap for rare
 * words), about a page of rows examined in all, the cursor an index condition, Message never read;
 * then the page's rows, and only they, read whole by primary key.
 */
function assertPageIsSeek(plan: PlanNode[], options: { cursor: boolean; search?: boolean; indexes: string[] }) {
  // The page's rows are read whole by primary key once the ranges have chosen them: a row each.
  const rowReads = plan.filter((node) => node["Index Name"] === "Item_pkey");
  for (const read of rowReads) {
    expect(read["Index Cond"], "rows are read by the keys the ranges chose").toMatch(/^\(id = [^)]+\.id\)$/);
    expect(read["Actual Loops"], "only the page's rows are read whole").toBeLessThanOrEqual(LIMIT + 1);
  }
  const itemScans = plan.filter((node) => !rowReads.includes(node) && (touches(node, "Item") || node["Index Name"]?.startsWith("Item_")));
  expect(itemScans.length).toBeGreaterThan(0);
  for (const scan of itemScans) {
    expect(scan["Node Type"], JSON.stringify(scan)).toMatch(
      options.search ? /^(Index (Only )?Scan|Bitmap (Heap|Index) Scan)$/ : /^Index (Only )?Scan$/,
    );
    if (scan["Node Type"] !== "Bitmap Heap Scan") {
      expect(scan["Index Cond"] ?? "").toMatch(/sellerId|searchVector/);
      // Each range walks the index it was planned for: a lost index shows here even when another
      // one would be almost as cheap on this data set.
      expect(options.indexes, "the index the range was planned for").toContain(scan["Index Name"]);
    }
    if (options.cursor && scan["Node Type"].startsWith("Index")) {
      expect(scan["Index Cond"], "the cursor must be an index condition").toMatch(/ROW\("lastActivityAt", id\) [<>] ROW/);
      expect(scan.Filter ?? "").not.toContain("lastActivityAt");
    }
  }
  // Ordered ranges merged under the LIMIT read the page plus a look-ahead row per range; residual
  // filters (dimensions the chosen index does not hold) may examine a few pages' worth more.
  const ordered = itemScans.filter((scan) => scan["Node Type"].startsWith("Index"));
  const rowsExamined = ordered.reduce((sum, scan) => sum + examined(scan), 0);
  expect(rowsExamined, "rows examined through ordered ranges").toBeLessThanOrEqual(8 * (LIMIT + 1) + 2 * ordered.length);
  for (const heap of itemScans.filter((scan) => scan["Node Type"] === "Bitmap Heap Scan")) {
    // The search index's bitmap: only for words rare enough that reading every match is cheap.
    expect(examined(heap), "rows read through the search index").toBeLessThanOrEqual(500);
  }
  for (const node of plan) {
    if (touches(node, "Item") || touches(node, "Reply")) expect(node["Node Type"], "no table is read in full").not.toMatch(/Seq Scan/);
    if (touches(node, "Message")) throw new Error("the page must not read Message");
    if (touches(node, "Reply")) expect(node["Actual Loops"]).toBeLessThanOrEqual(LIMIT + 1);
  }
}

function assertCountsSkipItems(plan: PlanNode[]) {
  expect(plan.some((node) => touches(node, "InboxCount"))).toBe(true);
  for (const node of plan) {
    expect(touches(node, "Item") || touches(node, "Message"), "counts must not read Item or Message").toBe(false);
    // The sellers' counter rows, never every seller's. A folded (empty) delta table may be planned as
    // a scan of nothing: that reads no row, so what matters is that no other seller's row is read.
    if (touches(node, "InboxCount") || (touches(node, "InboxCountDelta") && examined(node) > 0))
      expect(node["Node Type"], JSON.stringify(node)).toMatch(/Index|Bitmap/);
  }
}

type Case = { name: string; filter: InboxQueryFilter; search?: boolean };

const CASES: Case[] = [
  { name: "all items", filter: {} },
  { name: "oldest first", filter: { sort: "oldest" } },
  { name: "lowest rating first", filter: { sort: "rating" } },
  { name: "unanswered", filter: { status: "unanswered" } },
  { name: "answered", filter: { status: "answered" } },
  { name: "reply pending", filter: { status: "reply_pending" } },
  { name: "reply failed", filter: { status: "reply_failed" } },
  { name: "unread", filter: { unread: true } },
  { name: "unanswered and unread", filter: { status: "unanswered", unread: true } },
  { name: "one marketplace", filter: { marketplaces: ["yandex-market"] } },
  { name: "two channels", filter: { channels: ["question", "chat"] } },
  { name: "one rating", filter: { ratings: [1] } },
  { name: "low ratings, lowest first", filter: { ratings: [1, 2], sort: "rating" } },
  { name: "date range", filter: { from: new Date("2026-11-10T00:00:00Z"), to: new Date("2026-11-20T00:00:00Z") } },
  { name: "product article", filter: { product: "ART-7" }, search: true },
  { name: "words of the product name", filter: { product: "Чайник" }, search: true },
  { name: "rare search words", filter: { q: "размер" }, search: true },
  { name: "common search words", filter: { q: "доставку" }, search: true },
  { name: "search words and filters", filter: { q: "доставку", status: "unanswered", marketplaces: ["ozon"] }, search: true },
  { name: "assigned to me", filter: { assignee: "me", viewerId: ME } },
  { name: "unassigned", filter: { assignee: "none" } },
  { name: "assigned to me, unanswered", filter: { assignee: "me", viewerId: ME, status: "unanswered" } },
  { name: "unassigned and unread, oldest first", filter: { assignee: "none", unread: true, sort: "oldest" } },
  { name: "unassigned, lowest rating first", filter: { assignee: "none", sort: "rating" } },
  {
    name: "every counter filter at once",
    filter: { marketplaces: ["ozon"], channels: ["review"], status: "unanswered", unread: true, ratings: [4, 5] },
  },
];

/** The cursor the list hands out after `pages` pages. */
async function cursorAfter(prisma: PrismaClient, sellers: string[], filter: InboxQueryFilter, pages: number) {
  let cursor: string | null = null;
  for (let page = 0; page < pages; page += 1) {
    const result: Awaited<ReturnType<typeof listInboxPage>> = await listInboxPage(
      prisma,
      sellers.map((id) => ({ id, name: id })),
      filter,
      { cursor, limit: LIMIT },
    );
    if (!result.nextCursor) return cursor;
    cursor = result.nextCursor;
  }
  return cursor;
}

beforeAll(async () => {
  const { prisma } = database();
  // The plans follow the statistics, so they must be the same on every run: autovacuum's own ANALYZE
  // (a random sample of 30,000 rows, at a time that depends on the machine's load) never replaces
  // the one below, which reads every row.
  for (const table of ["Item", "Message", "Reply", "Seller", "MarketplaceAccount", "InboxCount", "InboxCountDelta"]) {
    await prisma.$executeRawUnsafe(`ALTER TABLE "${table}" SET (autovacuum_enabled = false)`);
  }
  // 30,000 items over 6 sellers (one with 20,000), realistic mixes of marketplaces, channels, states,
  // ratings, products and words.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Seller" ("id", "name", "updatedAt") SELECT 'plan-seller-' || g, 'Seller ' || g, now() FROM generate_series(1, 6) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "MarketplaceAccount" ("id", "sellerId", "marketplace", "displayName", "credentialsEncrypted", "updatedAt")
    SELECT s."id" || '-' || m.key, s."id", m.marketplace::"Marketplace", m.key, 'v1:a:b:c', now()
    FROM "Seller" s CROSS JOIN (VALUES ('wb', 'WILDBERRIES'), ('oz', 'OZON'), ('ym', 'YANDEX_MARKET')) AS m(key, marketplace)`);
  // Assignees: 2% of the items are the caller's, 30% a colleague's, the rest nobody's.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "User" ("id", "email", "name", "passwordHash", "updatedAt")
    VALUES ('${ME}', 'me@plan.local', 'Me', 'unused', now()), ('plan-user-colleague', 'colleague@plan.local', 'Colleague', 'unused', now())`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "rating",
      "productName", "productArticle", "productExternalId", "authorName",
      "upstreamCreatedAt", "answered", "read", "lastActivityAt", "updatedAt", "assigneeId")
    SELECT s.seller || '-' || g, s.seller, s.seller || '-' || (ARRAY['wb', 'oz', 'ym'])[m], (ARRAY['WILDBERRIES', 'OZON', 'YANDEX_MARKET'])[m]::"Marketplace",
      channel::"Channel", 'ext-' || g,
      'Отзыв ' || g || ': товар хороший, доставка быстрая ' || md5(g::text) || CASE WHEN g % 400 = 7 THEN ' размеры маломерят' ELSE '' END,
      CASE WHEN channel = 'REVIEW' THEN 1 + h % 5 END,
      (ARRAY['Чайник электрический', 'Куртка зимняя', 'Платье летнее', 'Кроссовки беговые'])[1 + (h / 7) % 4] || ' ' || (g % 300),
      'ART-' || (g % 300), 'P' || (g % 300), 'Покупатель ' || (h % 1000),
      at, (h / 10) % 10 < 6, (h / 100) % 10 < 7, at, now(),
      CASE WHEN h / 10000 % 100 < 2 THEN '${ME}' WHEN h / 10000 % 100 < 32 THEN 'plan-user-colleague' END
    FROM (VALUES ('plan-seller-1', 20000), ('plan-seller-2', 2000), ('plan-seller-3', 2000), ('plan-seller-4', 2000),
                 ('plan-seller-5', 2000), ('plan-seller-6', 2000)) AS s(seller, n)
    CROSS JOIN LATERAL generate_series(1, s.n) g
    CROSS JOIN LATERAL (SELECT abs(hashtext(s.seller || g)) AS h) hashed
    CROSS JOIN LATERAL (SELECT 1 + (h / 1000 % 10 >= 5)::int + (h / 1000 % 10 >= 8)::int AS m,
                               CASE WHEN h % 10 < 7 THEN 'REVIEW' WHEN h % 10 < 9 THEN 'QUESTION' ELSE 'CHAT' END AS channel,
                               timestamp '2026-11-30' - g * interval '1 minute' - (h % 2) * interval '1 second' AS at) derived`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Message" ("id", "itemId", "externalId", "direction", "text", "sentAt")
    SELECT i."id" || '-m' || k, i."id", 'm' || k, (CASE WHEN k % 2 = 0 THEN 'OUT' ELSE 'IN' END)::"MessageDirection",
      'Сообщение ' || k, i."lastActivityAt" - (5 - k) * interval '1 minute'
    FROM "Item" i CROSS JOIN generate_series(1, 4) k WHERE i."channel" = 'CHAT'`);
  // Sent replies on a third of the answered items; a few pending and failed ones on unanswered items.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Reply" ("id", "itemId", "text", "status", "idempotencyKey", "updatedAt")
    SELECT 'r-' || i."id", i."id", 'Спасибо!',
      (CASE WHEN i."answered" THEN 'SENT' WHEN abs(hashtext(i."id" || 'state')) % 2 = 0 THEN 'PENDING' ELSE 'FAILED' END)::"ReplyStatus",
      'k-' || i."id", now()
    FROM "Item" i WHERE (i."answered" AND abs(hashtext(i."id")) % 3 = 0) OR (NOT i."answered" AND abs(hashtext(i."id")) % 100 = 0)`);
  // A long tail of small sellers, so a counter table read in full would show.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Seller" ("id", "name", "updatedAt") SELECT 'tail-seller-' || g, 'Tail ' || g, now() FROM generate_series(1, 2000) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "MarketplaceAccount" ("id", "sellerId", "marketplace", "displayName", "credentialsEncrypted", "updatedAt")
    SELECT "id" || '-wb', "id", 'WILDBERRIES', 'WB', 'v1:a:b:c', now() FROM "Seller" WHERE "id" LIKE 'tail-%'`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Item" ("id", "sellerId", "accountId", "marketplace", "channel", "externalId", "text", "upstreamCreatedAt", "lastActivityAt", "updatedAt")
    SELECT "id" || '-1', "sellerId", "id", 'WILDBERRIES', 'REVIEW', 'ext-1', 'Отзыв', now(), now(), now() FROM "MarketplaceAccount" WHERE "id" LIKE 'tail-%'`);
  // A sample as large as the tables (300 × target rows): the same statistics on every run.
  await prisma.$transaction([prisma.$executeRawUnsafe(`SET LOCAL default_statistics_target = 1000`), prisma.$executeRawUnsafe(`ANALYZE`)]);
});

async function pageStatement(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sellers: string[],
  filter: InboxQueryFilter,
  cursor: string | null = null,
) {
  const planned = await inboxPageStatement(prisma, sellers, filter, { cursor, limit: LIMIT });
  if (!planned) throw new Error("the counters show no matching item");
  return planned;
}

async function assertPagePlan(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sellers: string[],
  { filter, search }: Case,
  cursor: string | null = null,
) {
  const { statement, indexes } = await pageStatement(prisma, sellers, filter, cursor);
  assertPageIsSeek(await explain(prisma, statement), { cursor: cursor !== null, search, indexes });
}

/**
 * The ranges of a page (its first rating group for the rating sort) as both merges: the recursive one
 * (mergedRangesQuery) and the UNION ALL (rangesQuery), over the same planned ranges.
 */
async function rangeMerges(prisma: Pick<PrismaClient, "$queryRaw">, sellers: string[], filter: InboxQueryFilter, cursor: string | null) {
  const sort = filter.sort ?? "newest";
  const after = cursor ? decodeInboxCursor(cursor, sort) : null;
  let c = constraintsOf(filter);
  const buckets = await readCountBuckets(prisma, sellers, { c, sort });
  if (sort === "rating") c = { ...c, ratings: [after?.rating ?? Math.min(...(c.ratings ?? [1]))] };
  const plans = planRanges(buckets, sellers, c, LIMIT + 1);
  const options = { direction: sort === "oldest" ? ("asc" as const) : ("desc" as const), after, limit: LIMIT + 1 };
  return {
    merged: mergedRangesQuery(plans, c, options)!,
    union: rangesQuery(plans, c, options)!,
    indexes: plans.map((plan) => plan.index),
    ranges: plans.reduce((count, plan) => count + plan.ranges.length, 0),
  };
}

/** The recursive merge: index seeks as a page is, and as many Item scans whatever the number of ranges. */
async function assertMergedPlan(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sellers: string[],
  { filter }: Case,
  cursor: string | null = null,
) {
  const { merged, indexes } = await rangeMerges(prisma, sellers, filter, cursor);
  const plan = await explain(prisma, merged);
  expect(plan.some((node) => node["Node Type"] === "Recursive Union")).toBe(true);
  assertPageIsSeek(plan, { cursor: cursor !== null, indexes });
  // Two seeks per index the ranges use (a range's first key, then its next one), never one per range.
  const seeks = plan.filter((node) => node["Index Name"]?.startsWith("Item_"));
  expect(seeks.length).toBeLessThanOrEqual(2 * new Set(indexes).size);
}

/** Cases without words or product: those pages merge their ranges recursively once there are enough. */
const MERGED_CASES = CASES.filter((c) => !c.filter.q && !c.filter.product);

describe("inbox query plans", () => {
  it.each(CASES)("the first page ($name) of one seller is index seeks reading about one page", async (c) => {
    await assertPagePlan(database().prisma, [BIG_SELLER], c);
  });

  it.each(CASES)("the first page ($name) over all six sellers is index seeks reading about one page", async (c) => {
    await assertPagePlan(database().prisma, ALL_SELLERS, c);
  });

  it.each(CASES.filter((c) => !c.filter.product && !c.filter.q?.startsWith("размер") && c.filter.status !== "reply_failed"))(
    "the page 50 pages deep ($name) seeks with the cursor as an index condition",
    async (c) => {
      const { prisma } = database();
      const { filter } = c;
      // Reply states are rare (about 40 items): one page deep is as deep as they go.
      const cursor = await cursorAfter(prisma, [BIG_SELLER], filter, filter.status?.startsWith("reply") ? 1 : 50);
      expect(cursor).not.toBeNull();
      await assertPagePlan(prisma, [BIG_SELLER], c, cursor);
    },
  );

  it.each(MERGED_CASES)("the recursive merge of all six sellers' ranges ($name) is the UNION ALL's keys, in order", async (c) => {
    const { prisma } = database();
    for (const pages of [0, 50]) {
      const cursor = pages === 0 ? null : await cursorAfter(prisma, ALL_SELLERS, c.filter, pages);
      if (pages > 0 && !cursor) continue;
      const { merged, union } = await rangeMerges(prisma, ALL_SELLERS, c.filter, cursor);
      const keys = (rows: Array<{ lastActivityAt: Date; id: string }>) =>
        rows.map((row) => `${row.lastActivityAt.toISOString()} ${row.id}`);
      const expected = keys(await prisma.$queryRaw(union));
      expect(expected.length, "a page to compare").toBeGreaterThan(0);
      expect(keys(await prisma.$queryRaw(merged)), `${pages} pages deep`).toEqual(expected);
    }
  });

  it.each(MERGED_CASES)("the recursive merge ($name) is index seeks, first page and 50 pages deep", async (c) => {
    const { prisma } = database();
    await assertMergedPlan(prisma, ALL_SELLERS, c);
    const cursor = await cursorAfter(prisma, ALL_SELLERS, c.filter, c.filter.status?.startsWith("reply") ? 1 : 50);
    if (cursor) await assertMergedPlan(prisma, ALL_SELLERS, c, cursor);
  });

  it("a page over many ranges is the recursive merge", async () => {
    const { prisma } = database();
    const filter: InboxQueryFilter = { status: "unanswered", unread: true, channels: ["review"], ratings: [1, 2] };
    expect((await rangeMerges(prisma, ALL_SELLERS, filter, null)).ranges).toBeGreaterThanOrEqual(10);
    const { statement } = await pageStatement(prisma, ALL_SELLERS, { ...filter });
    expect((await explain(prisma, statement)).some((node) => node["Node Type"] === "Recursive Union")).toBe(true);
  });

  it("counter rows for a rating filter keep its ratings apart and sum the others into rating -1, totals unchanged", async () => {
    const { prisma } = database();
    const all = countBucketsOf(await prisma.$queryRaw(countBucketsQuery(ALL_SELLERS, { ratings: "all" })), ALL_SELLERS);
    const kept = countBucketsOf(await prisma.$queryRaw(countBucketsQuery(ALL_SELLERS, { ratings: [1, 2] })), ALL_SELLERS);
    const keyOf = (bucket: CountBucket) =>
      [bucket.sellerId, bucket.marketplace, bucket.channel, bucket.answered, bucket.read, bucket.replyState].join("|");
    const totals = (buckets: CountBucket[]) => {
      const sums = new Map<string, number>();
      for (const bucket of buckets) sums.set(keyOf(bucket), (sums.get(keyOf(bucket)) ?? 0) + bucket.items);
      return Object.fromEntries([...sums].sort());
    };
    const withRatings = (buckets: CountBucket[], ratings: number[]) =>
      buckets
        .filter((bucket) => ratings.includes(bucket.rating))
        .map((bucket) => `${keyOf(bucket)}|${bucket.rating}|${bucket.items}`)
        .sort();
    expect(new Set(all.map((bucket) => bucket.rating)).size).toBeGreaterThan(3);
    expect([...new Set(kept.map((bucket) => bucket.rating))].sort()).toEqual([-1, 1, 2]);
    expect(withRatings(kept, [1, 2])).toEqual(withRatings(all, [1, 2]));
    expect(totals(kept)).toEqual(totals(all));
    expect(kept.length).toBeLessThan(all.length);
  });

  it("counts read only the sellers' counter rows", async () => {
    const { prisma } = database();
    assertCountsSkipItems(await explain(prisma, countBucketsQuery([BIG_SELLER])));
    assertCountsSkipItems(await explain(prisma, countBucketsQuery(ALL_SELLERS)));
    assertCountsSkipItems(await explain(prisma, countBucketsQuery(ALL_SELLERS, { ratings: "none" })));
    assertCountsSkipItems(await explain(prisma, countBucketsQuery(ALL_SELLERS, { ratings: [1, 2] })));
  });

  it("counts narrowed by words, product or dates read at most the sample cap through the indexes", async () => {
    const { prisma } = database();
    const filters = [
      { q: "доставку" },
      { q: "размер" },
      { q: "доставку", ratings: [1] },
      { q: "доставку", marketplaces: ["ozon" as const] },
      { q: "размер", marketplaces: ["ozon" as const], ratings: [5] },
      { q: "доставку", product: "Чайник" },
      { product: "Чайник" },
      { from: new Date("2026-11-25T00:00:00Z") },
    ];
    for (const sellers of [[BIG_SELLER], ALL_SELLERS]) {
      for (const filter of filters) {
        const c = constraintsOf(filter);
        const words = wordsSampleQuery(sellers, c);
        // As countInbox reads a words sample: probed (several sellers, the words the only key), then
        // exactly, with the settings that rule out reading the table in order.
        const reads = words
          ? [
              ...(words.probe ? [await explainWith(prisma, WORDS_PROBE_SETTINGS, words.probe)] : []),
              await explainWith(prisma, WORDS_SAMPLE_SETTINGS, words.query),
            ]
          : [await explain(prisma, rangeSampleQuery(await readCountBuckets(prisma, sellers, { c }), sellers, c)!)];
        for (const read of reads) assertBoundedSample(read, filter);
        if (words?.probe) {
          // The probe's random subset thins the words' matches only: marketplaces are row checks.
          const keys = reads[0]!.filter((node) => node["Index Name"] === "Item_seller_search_idx").map((node) => node["Index Cond"]);
          expect(keys, JSON.stringify(filter)).toEqual([expect.stringMatching(/^\("searchVector" @@ [^)]*\)+$/)]);
        }
        expect(words !== null, JSON.stringify(filter)).toBe("q" in filter && !("product" in filter));
        expect(words && words.probe !== null, JSON.stringify(filter)).toBe(words && sellers.length > 1 && !("ratings" in filter));
      }
    }
  });

  it("the assigned-to-me and unassigned counts read at most the sample cap, index only", async () => {
    const { prisma } = database();
    for (const sellers of [[BIG_SELLER], ALL_SELLERS]) {
      for (const assignee of [ME, null]) {
        const plan = await explain(prisma, assigneeCountQuery(sellers, assignee));
        const scans = plan.filter((node) => touches(node, "Item"));
        expect(scans.length).toBeGreaterThan(0);
        for (const scan of scans) {
          // A range the planner knows to be small may be read whole through its bitmap.
          expect(scan["Node Type"], JSON.stringify(scan)).toMatch(/^(Index (Only )?Scan|Bitmap Heap Scan)$/);
          const index = scan["Node Type"] === "Bitmap Heap Scan" ? scan.Plans?.[0] : scan;
          expect(index?.["Index Name"]).toBe(assignee === null ? "Item_unassigned_activity_idx" : "Item_assignee_activity_idx");
        }
        // Each seller's range stops once the merged walk has its SAMPLE_CAP + 1 rows.
        expect(scans.reduce((sum, scan) => sum + examined(scan), 0)).toBeLessThanOrEqual(SAMPLE_CAP + 1 + 2 * scans.length);
      }
    }
  });

  it("lists the newest message of a chat and its message count from the stored summary", async () => {
    const { prisma } = database();
    const page = await listInboxPage(prisma, [{ id: BIG_SELLER, name: "" }], { channels: ["chat"] }, { limit: 3 });
    expect(page.items).toHaveLength(3);
    for (const item of page.items) expect(item).toMatchObject({ text: "Сообщение 4", messageCount: 4 });
  });

  it("fails when an index the read path relies on is gone", async () => {
    const { prisma } = database();
    for (const index of [
      "Item_sellerId_lastActivityAt_id_idx",
      "Item_sellerId_answered_lastActivityAt_id_idx",
      "Item_sellerId_read_lastActivityAt_id_idx",
      "Item_bucket_activity_idx",
      "Item_rating_activity_idx",
      "Item_reply_state_activity_idx",
      "Item_product_article_activity_idx",
      "Item_product_id_activity_idx",
      "Item_seller_search_idx",
      "Item_assignee_activity_idx",
      "Item_unassigned_activity_idx",
    ]) {
      const outcome = await prisma
        .$transaction(
          async (tx) => {
            await tx.$executeRawUnsafe(`DROP INDEX "${index}"`);
            for (const c of CASES) {
              for (const sellers of [[BIG_SELLER], ALL_SELLERS]) await assertPagePlan(tx, sellers, c);
            }
            for (const c of MERGED_CASES) await assertMergedPlan(tx, ALL_SELLERS, c);
            throw new Error("all plans still passed");
          },
          { timeout: 120_000 },
        )
        .catch((error: Error) => error);
      // A plan assertion must be what failed, not the DROP (a misspelt index name) or the query.
      expect(outcome, `without ${index}`).toMatchObject({ name: "AssertionError" });
    }
  });
});
