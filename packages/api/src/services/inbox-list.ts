// The inbox list over one or several (already authorised) sellers, for every filter of
// inboxFilterSchema, in three orders, with keyset paging. See docs/inbox-api.md and
// docs/performance.md ("Read path"): every page is a merge of ordered index ranges, one or a few per
// seller, chosen with the trigger-kept counters, so a page reads about `limit` rows however large
// the sellers are and however rare the matches; sellers with no matching item are not read at all.
import {
  Prisma,
  rawReader,
  readTogether,
  type Channel,
  type Marketplace,
  type PrismaClient,
  type RawReader,
  type ReplyState,
  type ReplyStatus,
} from "@inbox/db";
import { fromDbChannel, fromDbMarketplace, toDbChannel, toDbMarketplace } from "./enums";
import { decodeInboxCursor, encodeInboxCursor, type InboxCursor } from "./inbox-cursor";
import type { InboxFilter, InboxSort } from "./inbox-filter";
import {
  highlightSegments,
  markedMatches,
  matchedWords,
  productWordsQuery,
  searchQuery,
  snippetAround,
  type HighlightSegment,
} from "./inbox-search";

export interface InboxSeller {
  id: string;
  name: string;
}

/** The filter as conditions on Item columns. */
export interface ItemConstraints {
  marketplaces?: Marketplace[];
  channels?: Channel[];
  answered?: boolean;
  replyState?: Exclude<ReplyState, "NONE">;
  read?: boolean;
  /** Ratings kept; 0 stands for "no rating". */
  ratings?: number[];
  product?: string;
  from?: Date;
  to?: Date;
  q?: string;
  /** A user id: assigned to that member; null: unassigned. */
  assignee?: string | null;
}

/** `viewerId`: the caller, whom `assignee: "me"` means (the router sets it, never the client). */
export type InboxQueryFilter = Omit<InboxFilter, "sellerIds" | "sort"> & { sort?: InboxSort; viewerId?: string };

export function constraintsOf(filter: InboxQueryFilter): ItemConstraints {
  return {
    marketplaces: filter.marketplaces && [...new Set(filter.marketplaces.map(toDbMarketplace))],
    channels: filter.channels && [...new Set(filter.channels.map(toDbChannel))],
    answered: filter.status === "answered" ? true : filter.status === "unanswered" ? false : undefined,
    replyState: filter.status === "reply_pending" ? "PENDING" : filter.status === "reply_failed" ? "FAILED" : undefined,
    read: filter.unread === undefined ? undefined : !filter.unread,
    ratings: filter.ratings && [...new Set(filter.ratings)],
    product: filter.product,
    from: filter.from,
    to: filter.to,
    q: filter.q,
    assignee: assigneeOf(filter),
  };
}

function assigneeOf(filter: InboxQueryFilter): string | null | undefined {
  if (filter.assignee === "none") return null;
  if (filter.assignee !== "me") return undefined;
  if (!filter.viewerId) throw new Error('assignee "me" needs the caller\'s id (InboxQueryFilter.viewerId)');
  return filter.viewerId;
}

/** One counter key of a seller with its item count (InboxCount plus pending deltas). */
export interface CountBucket {
  sellerId: string;
  marketplace: Marketplace;
  channel: Channel;
  answered: boolean;
  read: boolean;
  replyState: ReplyState;
  rating: number;
  items: number;
}

/**
 * The sellers' counter rows: a few dozen per seller, read through InboxCount_sellerId_idx.
 * `ratings`: "all" keeps every rating apart; a list keeps those apart and sums the others into rows
 * of rating -1, which no filter keeps (a filter on ratings 1–2 at a million items: 1 040 rows → ~720,
 * each parsed and planned over on every all-sellers page); "none" gives every row rating 0 (about 2.5
 * times fewer rows: ratings split reviews five ways).
 *
 * The rows come back as one text, read by `countBucketsOf`: 720 rows of 8 columns cost a `pg` client
 * 1.6–2.8 ms of CPU to parse, the one text 0.5–0.8 ms, for 0.4–0.6 ms more of the database's (the
 * filter on ratings 1–2 over 20 sellers at a million items). Every column is NOT NULL, and a seller
 * travels as its position in `sellerIds`, so no value holds a separator.
 */
export function countBucketsQuery(sellerIds: string[], { ratings = "all" }: { ratings?: "all" | "none" | number[] } = {}): Prisma.Sql {
  const rating =
    ratings === "all"
      ? Prisma.sql`"rating"`
      : ratings === "none"
        ? Prisma.sql`0`
        : Prisma.sql`CASE WHEN "rating" = ANY(${ratings}::int[]) THEN "rating" ELSE -1 END`;
  // Grouped by position: the rating may be an expression.
  const groupBy = ratings === "none" ? Prisma.sql`1, 2, 3, 4, 5, 6` : Prisma.sql`1, 2, 3, 4, 5, 6, 7`;
  return Prisma.sql`SELECT string_agg(concat_ws(',', array_position(${sellerIds}::text[], b."sellerId"), b."marketplace", b."channel",
      b."answered"::int, b."read"::int, b."replyState", b."rating", b."items"), ';') AS "buckets"
    FROM (
      SELECT "sellerId", "marketplace", "channel", "answered", "read", "replyState", ${rating} AS "rating", SUM("items")::int AS "items" FROM (
        SELECT "sellerId", "marketplace", "channel", "answered", "read", "replyState", "rating", "items" FROM "InboxCount" WHERE "sellerId" = ANY(${sellerIds}::text[])
        UNION ALL
        SELECT "sellerId", "marketplace", "channel", "answered", "read", "replyState", "rating", "delta" AS "items" FROM "InboxCountDelta" WHERE "sellerId" = ANY(${sellerIds}::text[])
      ) AS counted
      GROUP BY ${groupBy}
      HAVING SUM("items") <> 0
    ) AS b`;
}

/** The counter rows of `countBucketsQuery`'s answer, for the same `sellerIds`. */
export function countBucketsOf(answer: unknown, sellerIds: string[]): CountBucket[] {
  const text = (answer as Array<{ buckets: string | null }>)[0]?.buckets;
  if (!text) return [];
  return text.split(";").map((row) => {
    const [seller, marketplace, channel, answered, read, replyState, rating, items] = row.split(",");
    return {
      sellerId: sellerIds[Number(seller) - 1]!,
      marketplace: marketplace as Marketplace,
      channel: channel as Channel,
      answered: answered === "1",
      read: read === "1",
      replyState: replyState as ReplyState,
      rating: Number(rating),
      items: Number(items),
    };
  });
}

export async function readCountBuckets(
  prisma: RawReader,
  sellerIds: string[],
  needs: { c: ItemConstraints; sort?: InboxSort },
): Promise<CountBucket[]> {
  if (sellerIds.length === 0) return [];
  // The rating sort walks every rating a filter keeps (all without one).
  const ratings = needs.c.ratings ?? (needs.sort === "rating" ? "all" : "none");
  return countBucketsOf(await prisma.$queryRaw(countBucketsQuery(sellerIds, { ratings })), sellerIds);
}

type BucketDimension = "marketplace" | "channel" | "answered" | "read" | "replyState" | "rating";

/** Does a counter key satisfy the counter-backed part of the constraints (all but product, dates, q)? */
export function bucketMatches(bucket: Omit<CountBucket, "sellerId" | "items">, c: ItemConstraints, except?: BucketDimension): boolean {
  if (except !== "marketplace" && c.marketplaces && !c.marketplaces.includes(bucket.marketplace)) return false;
  if (except !== "channel" && c.channels && !c.channels.includes(bucket.channel)) return false;
  if (except !== "answered" && c.answered !== undefined && bucket.answered !== c.answered) return false;
  if (except !== "replyState" && c.replyState && bucket.replyState !== c.replyState) return false;
  if (except !== "read" && c.read !== undefined && bucket.read !== c.read) return false;
  if (except !== "rating" && c.ratings && !c.ratings.includes(bucket.rating)) return false;
  return true;
}

/**
 * The Item indexes a range can walk, each `(sellerId, <dims>, lastActivityAt DESC, id DESC)`: a range
 * fixes every dimension of its index, so it is an ordered seek; constraints on other dimensions are
 * checked on the rows it reads.
 */
const RANGE_INDEXES: ReadonlyArray<{ name: string; dims: readonly BucketDimension[] }> = [
  { name: "Item_sellerId_lastActivityAt_id_idx", dims: [] },
  { name: "Item_sellerId_answered_lastActivityAt_id_idx", dims: ["answered"] },
  { name: "Item_sellerId_read_lastActivityAt_id_idx", dims: ["read"] },
  { name: "Item_bucket_activity_idx", dims: ["marketplace", "channel", "answered", "read"] },
  { name: "Item_rating_activity_idx", dims: ["rating"] },
  { name: "Item_reply_state_activity_idx", dims: ["replyState"] },
];

/**
 * The assignee filter's indexes: "assigned to X" is one ordered range of (sellerId, assigneeId, …),
 * "unassigned" one of a partial index (WHERE "assigneeId" IS NULL). The counters know no assignee,
 * so with this filter each seller with matching counter rows gets that one range, the other
 * dimensions checked on the rows it reads.
 */
export const ASSIGNEE_INDEX = "Item_assignee_activity_idx";
export const UNASSIGNED_INDEX = "Item_unassigned_activity_idx";

/** A range costs a descent and planning, about as much as reading this many rows. */
const RANGE_COST_ROWS = 30;
/** With search words every range may read the GIN index: fewer, wider ranges are better. */
const SEARCH_RANGE_COST_ROWS = 300;

export interface RangePlan {
  sellerId: string;
  index: string;
  /** One entry per range: the value of each of the index's dimensions. */
  ranges: Array<Partial<Record<BucketDimension, string | number | boolean>>>;
}

/**
 * Per seller, the index whose ranges cost least: few ranges, and few rows read per matching row
 * (known exactly from the counters for every dimension but product, dates and words). A seller
 * without a matching item gets no range.
 */
export function planRanges(buckets: CountBucket[], sellerIds: string[], c: ItemConstraints, limit: number): RangePlan[] {
  const rangeCost = c.q || c.product ? SEARCH_RANGE_COST_ROWS : RANGE_COST_ROWS;
  // Grouped once: this runs on every all-sellers page, over every seller's counter rows.
  const bySeller = new Map<string, CountBucket[]>();
  for (const bucket of buckets) {
    const own = bySeller.get(bucket.sellerId);
    if (own) own.push(bucket);
    else bySeller.set(bucket.sellerId, [bucket]);
  }
  const plans: RangePlan[] = [];
  for (const sellerId of sellerIds) {
    const own = bySeller.get(sellerId) ?? [];
    const matches = own.map((bucket) => bucketMatches(bucket, c));
    const matching = own.reduce((sum, bucket, i) => (matches[i] ? sum + bucket.items : sum), 0);
    if (matching <= 0) continue;
    if (c.assignee !== undefined) {
      plans.push({ sellerId, index: c.assignee === null ? UNASSIGNED_INDEX : ASSIGNEE_INDEX, ranges: [{}] });
      continue;
    }
    let best: (RangePlan & { cost: number }) | null = null;
    for (const index of RANGE_INDEXES) {
      // A dimension enters the ranges only when constrained; an unconstrained one in the middle of
      // the key would have to be enumerated.
      const keys = own.map(rangeKeyOf(index.dims));
      const ranges = new Map<string, Partial<Record<BucketDimension, string | number | boolean>>>();
      own.forEach((bucket, i) => {
        if (matches[i] && !ranges.has(keys[i]!)) ranges.set(keys[i]!, Object.fromEntries(index.dims.map((dim) => [dim, bucket[dim]])));
      });
      // "rating IS NULL" ranges are left to the other indexes: the planner may not seek them.
      if (index.dims.includes("rating") && [...ranges.values()].some((range) => range.rating === 0)) continue;
      const rowsInRanges = own.reduce((sum, bucket, i) => (ranges.has(keys[i]!) ? sum + bucket.items : sum), 0);
      const rowsRead = Math.min(rowsInRanges, ((limit + 1) * rowsInRanges) / matching);
      const cost = rowsRead + ranges.size * rangeCost;
      if (!best || cost < best.cost) best = { sellerId, index: index.name, ranges: [...ranges.values()], cost };
    }
    if (best) plans.push({ sellerId: best.sellerId, index: best.index, ranges: best.ranges });
  }
  return plans;
}

/** A counter row's range in an index: its values of the index's dimensions, as one string. */
function rangeKeyOf(dims: readonly BucketDimension[]): (bucket: CountBucket) => string {
  // Most indexes have one dimension or none: no array and join per row for them.
  if (dims.length === 0) return () => "";
  if (dims.length === 1) return (bucket) => String(bucket[dims[0]!]);
  return (bucket) => dims.map((dim) => String(bucket[dim])).join("\u0000");
}

/**
 * What a range yields: the order key only. The ranges are merged under the LIMIT on these two columns
 * (index-only where the range has no residual condition), and only the page's rows are then read
 * whole, by primary key: a wide row per range would cost its parse, planning and heap reads in every
 * one of the sellers' ranges.
 */
const KEY_COLUMNS = Prisma.sql`"lastActivityAt", "id"`;

/** Columns of a list row, read for the page's rows only. */
const LIST_COLUMNS = Prisma.join(
  [
    "id",
    "sellerId",
    "accountId",
    "marketplace",
    "channel",
    "rating",
    "authorName",
    "productName",
    "productArticle",
    "productExternalId",
    "upstreamCreatedAt",
    "lastActivityAt",
    "answered",
    "read",
    "replyState",
    "messageCount",
    "lastMessageAt",
    "assigneeId",
  ].map((column) => Prisma.raw(`item."${column}"`)),
);

function dimensionCondition(dim: BucketDimension, value: string | number | boolean): Prisma.Sql {
  switch (dim) {
    case "marketplace":
      return Prisma.sql`"marketplace" = ${value}::"Marketplace"`;
    case "channel":
      return Prisma.sql`"channel" = ${value}::"Channel"`;
    case "answered":
      return Prisma.sql`"answered" = ${value}`;
    case "read":
      return Prisma.sql`"read" = ${value}`;
    case "replyState":
      return Prisma.sql`"replyState" = ${value}::"ReplyState"`;
    case "rating":
      return value === 0 ? Prisma.sql`"rating" IS NULL` : Prisma.sql`"rating" = ${value}`;
  }
}

/** Conditions for the constrained dimensions a range does not fix itself. */
export function residualConditions(c: ItemConstraints, fixed: ReadonlySet<BucketDimension>): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (c.marketplaces && !fixed.has("marketplace")) conditions.push(Prisma.sql`"marketplace" = ANY(${c.marketplaces}::"Marketplace"[])`);
  if (c.channels && !fixed.has("channel")) conditions.push(Prisma.sql`"channel" = ANY(${c.channels}::"Channel"[])`);
  if (c.answered !== undefined && !fixed.has("answered")) conditions.push(Prisma.sql`"answered" = ${c.answered}`);
  if (c.read !== undefined && !fixed.has("read")) conditions.push(Prisma.sql`"read" = ${c.read}`);
  if (c.replyState && !fixed.has("replyState")) conditions.push(Prisma.sql`"replyState" = ${c.replyState}::"ReplyState"`);
  if (c.ratings && !fixed.has("rating")) {
    const stars = c.ratings.filter((rating) => rating > 0);
    const none = c.ratings.includes(0);
    const byStars = stars.length > 0 ? Prisma.sql`"rating" = ANY(${stars}::int[])` : null;
    if (byStars && none) conditions.push(Prisma.sql`(${byStars} OR "rating" IS NULL)`);
    else conditions.push(byStars ?? Prisma.sql`"rating" IS NULL`);
  }
  if (c.q) conditions.push(Prisma.sql`"searchVector" @@ ${searchQuery(c.q)}`);
  const assignee = assigneeCondition(c);
  if (assignee) conditions.push(assignee);
  return conditions;
}

function assigneeCondition(c: ItemConstraints): Prisma.Sql | null {
  if (c.assignee === undefined) return null;
  return c.assignee === null ? Prisma.sql`"assigneeId" IS NULL` : Prisma.sql`"assigneeId" = ${c.assignee}`;
}

/**
 * The product filter: an article-like value (one token with a digit, e.g. "RUN-42", "123456") is the
 * seller's article or the marketplace's product id, exactly; anything else is also words of the
 * product name (weight A of the search document, through the search index).
 */
function productAlternatives(product: string): Prisma.Sql[] {
  const alternatives = [
    Prisma.sql`"productArticle" = ${product}`,
    Prisma.sql`"productExternalId" = ${product} AND "productArticle" IS DISTINCT FROM ${product}`,
  ];
  const words = /^\S*\d\S*$/u.test(product) ? null : productWordsQuery(product);
  if (words) {
    alternatives.push(
      Prisma.sql`"searchVector" @@ ${words} AND "productArticle" IS DISTINCT FROM ${product} AND "productExternalId" IS DISTINCT FROM ${product}`,
    );
  }
  return alternatives;
}

export type Direction = "desc" | "asc";

/**
 * The merged ranges of `plans`, each limited and ordered by (lastActivityAt, id) in `direction`, so
 * the planner reads them lazily (Merge Append under the LIMIT): about `limit` rows in all.
 */
export function rangesQuery(
  plans: RangePlan[],
  c: ItemConstraints,
  options: { direction: Direction; after: { lastActivityAt: Date; id: string } | null; limit: number; columns?: Prisma.Sql },
): Prisma.Sql | null {
  const columns = options.columns ?? KEY_COLUMNS;
  const desc = options.direction === "desc";
  const order = desc
    ? Prisma.sql`ORDER BY "lastActivityAt" DESC, "id" DESC LIMIT ${options.limit}`
    : Prisma.sql`ORDER BY "lastActivityAt" ASC, "id" ASC LIMIT ${options.limit}`;
  const shared: Prisma.Sql[] = [];
  if (options.after) {
    const row = Prisma.sql`(${options.after.lastActivityAt}::timestamp(3), ${options.after.id})`;
    shared.push(desc ? Prisma.sql`("lastActivityAt", "id") < ${row}` : Prisma.sql`("lastActivityAt", "id") > ${row}`);
  }
  if (c.from) shared.push(Prisma.sql`"lastActivityAt" >= ${c.from}::timestamp(3)`);
  if (c.to) shared.push(Prisma.sql`"lastActivityAt" < ${c.to}::timestamp(3)`);
  const selects: Prisma.Sql[] = [];
  for (const plan of plans) {
    if (c.product) {
      // A product's items: through the article and product id indexes, or the search index for words.
      for (const alternative of productAlternatives(c.product)) {
        const where = [Prisma.sql`"sellerId" = ${plan.sellerId}`, alternative, ...residualConditions(c, new Set()), ...shared];
        selects.push(Prisma.sql`(SELECT ${columns} FROM "Item" WHERE ${Prisma.join(where, " AND ")} ${order})`);
      }
      continue;
    }
    // The assignee indexes fix no counter dimension: their condition is among the residual ones.
    const index = RANGE_INDEXES.find((candidate) => candidate.name === plan.index) ?? { name: plan.index, dims: [] };
    const fixed = new Set(index.dims);
    for (const range of plan.ranges) {
      const where = [
        Prisma.sql`"sellerId" = ${plan.sellerId}`,
        ...index.dims.map((dim) => dimensionCondition(dim, range[dim]!)),
        ...residualConditions(c, fixed),
        ...shared,
      ];
      selects.push(Prisma.sql`(SELECT ${columns} FROM "Item" WHERE ${Prisma.join(where, " AND ")} ${order})`);
    }
  }
  if (selects.length === 0) return null;
  return Prisma.sql`SELECT * FROM (${Prisma.join(selects, " UNION ALL ")}) AS ranges ${order}`;
}

/** SQL array types of the range values a merged walk passes as parameters. */
const DIMENSION_ARRAY_TYPES: Record<BucketDimension, string> = {
  marketplace: '"Marketplace"[]',
  channel: '"Channel"[]',
  answered: "boolean[]",
  read: "boolean[]",
  replyState: '"ReplyState"[]',
  rating: "int[]",
};

/**
 * The first `limit` keys of the merged ranges in `direction`, as one statement whose size depends on
 * the indexes used, not on the number of ranges. The ranges' values are array parameters; a recursive
 * merge keeps every range's next key (its head) in arrays, emits the best head and replaces it with
 * the next key of its range (a `LIMIT 1` seek after it). So it reads what a Merge Append of the
 * ranges reads (the page plus a look-ahead row per range), but plans a handful of seeks instead of one
 * per range: with 20 sellers × 2 ratings, planning the UNION ALL of 40 ranges took 4–15 ms.
 * Not for words or products: there the planner's choice per range (ordered walk or search index) matters.
 */
export function mergedRangesQuery(
  plans: RangePlan[],
  c: ItemConstraints,
  options: { direction: Direction; after: { lastActivityAt: Date; id: string } | null; limit: number },
): Prisma.Sql | null {
  const ranges = plans.flatMap((plan) => plan.ranges.map((range) => ({ sellerId: plan.sellerId, index: plan.index, range })));
  if (ranges.length === 0) return null;
  const desc = options.direction === "desc";
  const order = desc ? Prisma.sql`"lastActivityAt" DESC, "id" DESC` : Prisma.sql`"lastActivityAt" ASC, "id" ASC`;
  const before = desc ? Prisma.raw("<") : Prisma.raw(">");
  const shared: Prisma.Sql[] = [];
  if (c.from) shared.push(Prisma.sql`"lastActivityAt" >= ${c.from}::timestamp(3)`);
  if (c.to) shared.push(Prisma.sql`"lastActivityAt" < ${c.to}::timestamp(3)`);
  const values = (type: string, pick: (range: (typeof ranges)[number]) => unknown) =>
    Prisma.sql`(${ranges.map(pick)}::${Prisma.raw(type)})`;
  const assignee = assigneeCondition(c);
  // The next key of range `n` after `after`: one ordered seek per index the ranges use, each run
  // only for the ranges of its index.
  const probe = (n: Prisma.Sql, after: Prisma.Sql | null) =>
    Prisma.join(
      [...new Set(ranges.map((range) => range.index))].map((name) => {
        const index = RANGE_INDEXES.find((candidate) => candidate.name === name) ?? { name, dims: [] };
        const where = [
          Prisma.sql`${values("text[]", (range) => range.index)}[${n}] = ${name}`,
          Prisma.sql`"sellerId" = ${values("text[]", (range) => range.sellerId)}[${n}]`,
          ...index.dims.map(
            (dim) =>
              Prisma.sql`${Prisma.raw(`"${dim}"`)} = ${values(DIMENSION_ARRAY_TYPES[dim], (range) => range.range[dim] ?? null)}[${n}]`,
          ),
          // With the assignee filter every range walks an assignee index: the condition is its key.
          ...(assignee ? [assignee] : []),
          // The seller is a parameter here, so the planner estimates the range from an average seller:
          // among many small sellers it might read a big one's range through another index that can
          // take a residual condition, then sort. As plain filters (IS TRUE), the residual conditions
          // leave the planned index the only one that narrows the range, and the ordered seek the
          // cheapest plan whatever the estimate.
          ...residualConditions({ ...c, assignee: undefined }, new Set(index.dims)).map((condition) => Prisma.sql`(${condition}) IS TRUE`),
          ...shared,
          ...(after ? [Prisma.sql`("lastActivityAt", "id") ${before} ${after}`] : []),
        ];
        return Prisma.sql`(SELECT "lastActivityAt", "id" FROM "Item" WHERE ${Prisma.join(where, " AND ")} ORDER BY ${order} LIMIT 1)`;
      }),
      " UNION ALL ",
    );
  const start = options.after && Prisma.sql`(${options.after.lastActivityAt}::timestamp(3), ${options.after.id})`;
  // The state row carries the heads as parallel arrays (a head is NULL once its range is exhausted).
  return Prisma.sql`WITH RECURSIVE heads AS (
      SELECT range.n, head."lastActivityAt", head."id"
      FROM generate_series(1, ${ranges.length}::int) AS range(n)
      CROSS JOIN LATERAL (${probe(Prisma.sql`range.n`, start)}) AS head
    ), merged AS (
      SELECT NULL::timestamp AS "lastActivityAt", NULL::text AS "id", 0 AS "step",
        array_agg(heads."lastActivityAt")::timestamp[] AS "headAt", array_agg(heads."id") AS "headId", array_agg(heads.n) AS "headRange"
      FROM heads
      UNION ALL
      SELECT top."lastActivityAt", top."id", merged."step" + 1,
        merged."headAt"[:top.i - 1] || next."lastActivityAt"::timestamp || merged."headAt"[top.i + 1:],
        merged."headId"[:top.i - 1] || next."id" || merged."headId"[top.i + 1:],
        merged."headRange"
      FROM merged
      CROSS JOIN LATERAL (
        SELECT head."lastActivityAt", head."id", head.n, head.i
        FROM unnest(merged."headAt", merged."headId", merged."headRange") WITH ORDINALITY AS head("lastActivityAt", "id", n, i)
        WHERE head."id" IS NOT NULL ORDER BY ${order} LIMIT 1
      ) AS top
      LEFT JOIN LATERAL (${probe(Prisma.sql`top.n`, Prisma.sql`(top."lastActivityAt", top."id")`)}) AS next ON true
      WHERE merged."step" < ${options.limit}::int
    )
    SELECT "lastActivityAt", "id" FROM merged WHERE "step" > 0`;
}

interface PageRow {
  id: string;
  sellerId: string;
  accountId: string;
  accountName: string;
  marketplace: Marketplace;
  channel: Channel;
  /**
   * The row's preview (a chat's newest message, else its text): whole with search words (the
   * highlight's snippet is cut around the matches), else at most PREVIEW_CHARS + 1 characters.
   */
  preview: string;
  rating: number | null;
  authorName: string | null;
  productName: string | null;
  productArticle: string | null;
  productExternalId: string | null;
  upstreamCreatedAt: Date;
  lastActivityAt: Date;
  answered: boolean;
  read: boolean;
  replyState: ReplyState;
  messageCount: number;
  lastMessageAt: Date | null;
  replyStatus: ReplyStatus | null;
  assigneeId: string | null;
  assigneeName: string | null;
  /** With search words only (for the highlight), as `marked`: ts_headline's marks over the row's searchable text. */
  pros?: string | null;
  cons?: string | null;
  answerText?: string | null;
  marked?: string | null;
}

/** The list shows this many characters of an item's text. */
const PREVIEW_CHARS = 280;

/** The page's rows (whole, by primary key) with their account, latest reply and (when searching) highlights. */
function pageQuery(keys: Prisma.Sql, c: ItemConstraints, direction: Direction): Prisma.Sql {
  const q = c.q ? searchQuery(c.q) : null;
  const preview = Prisma.sql`CASE WHEN item."channel" = 'CHAT' AND item."lastMessageText" IS NOT NULL THEN item."lastMessageText" ELSE item."text" END`;
  // Only what the row shows is read: the preview cut to one character more than the list shows
  // (so toListItem knows to add "…"), the whole texts only for a highlight.
  const texts = q
    ? Prisma.sql`${preview} AS "preview", item."pros", item."cons", item."answerText",
      ${markedMatches(Prisma.sql`concat_ws(' ', ${preview}, item."pros", item."cons", item."answerText", item."authorName", item."productName")`, q)} AS "marked"`
    : Prisma.sql`left(${preview}, ${PREVIEW_CHARS + 1}) AS "preview"`;
  const order =
    direction === "desc" ? Prisma.sql`keys."lastActivityAt" DESC, keys."id" DESC` : Prisma.sql`keys."lastActivityAt" ASC, keys."id" ASC`;
  return Prisma.sql`WITH keys AS (${keys})
    SELECT ${LIST_COLUMNS}, ${texts}, account."displayName" AS "accountName", assignee."name" AS "assigneeName",
      (SELECT reply."status" FROM "Reply" AS reply WHERE reply."itemId" = item."id" ORDER BY reply."createdAt" DESC, reply."id" DESC LIMIT 1) AS "replyStatus"
    FROM keys JOIN "Item" AS item ON item."id" = keys."id"
      JOIN "MarketplaceAccount" AS account ON account."id" = item."accountId"
      LEFT JOIN "User" AS assignee ON assignee."id" = item."assigneeId"
    ORDER BY ${order}`;
}

export interface InboxListParams {
  cursor?: string | null;
  limit: number;
}

/** Rating sort: one group per rating, lowest first, items without a rating last. */
const RATING_GROUPS = [1, 2, 3, 4, 5, 0];

/**
 * The page of `filter` over `sellers`. Also returns the counter rows it read, so the caller can
 * derive counts without reading them again.
 */
export async function listInboxPage(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sellers: InboxSeller[],
  filter: InboxQueryFilter,
  params: InboxListParams,
) {
  const sort = filter.sort ?? "newest";
  const c = constraintsOf(filter);
  const after = params.cursor ? decodeInboxCursor(params.cursor, sort) : null;
  const sellerIds = sellers.map((seller) => seller.id);
  const db = rawReader(prisma);
  const rows: PageRow[] = [];
  const want = params.limit + 1;
  let buckets: CountBucket[];
  if (sort === "rating") {
    buckets = await readCountBuckets(db, sellerIds, { c, sort });
    // Ratings in order, from the cursor's; each group is a newest-first list with its rating fixed.
    const start = after ? RATING_GROUPS.indexOf(after.rating) : 0;
    for (const rating of RATING_GROUPS.slice(start)) {
      if (c.ratings && !c.ratings.includes(rating)) continue;
      const group = { ...c, ratings: [rating] };
      const groupAfter = after && after.rating === rating ? after : null;
      rows.push(...(await fetchRows(db, buckets, sellerIds, group, "desc", groupAfter, want - rows.length)));
      if (rows.length >= want) break;
    }
  } else {
    const read = await readBucketsAndRows(prisma, sellerIds, c, sort === "oldest" ? "asc" : "desc", after, want);
    buckets = read.buckets;
    rows.push(...read.rows);
  }
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  const names = new Map(sellers.map((seller) => [seller.id, seller.name]));
  return {
    buckets,
    items: page.map((row) => toListItem(row, names.get(row.sellerId) ?? "")),
    nextCursor:
      rows.length > params.limit && last
        ? encodeInboxCursor({ sort, rating: last.rating ?? 0, lastActivityAt: last.lastActivityAt, id: last.id })
        : null,
  };
}

/**
 * From this many ranges on, planning a UNION ALL costs more than the recursive merge's fixed overhead
 * (about 1 ms): measured at 1 M items, 10 ranges cost both about 2 ms, 20 ranges 2.2–3.1 ms as a
 * UNION ALL against 1.8–2.0 ms merged, 40 ranges 10 ms against 3 ms.
 */
const MERGE_RECURSIVELY_FROM = 10;

/**
 * Whether a page merges its ranges recursively (mergedRangesQuery) rather than as a UNION ALL: when
 * there are several ranges, and no words or product, whose reads the planner chooses per range.
 */
function mergesRanges(plans: RangePlan[], c: ItemConstraints): boolean {
  return !c.q && !c.product && plans.reduce((count, plan) => count + plan.ranges.length, 0) >= MERGE_RECURSIVELY_FROM;
}

function pageStatement(
  buckets: CountBucket[],
  sellerIds: string[],
  c: ItemConstraints,
  direction: Direction,
  after: Pick<InboxCursor, "lastActivityAt" | "id"> | null,
  limit: number,
): Prisma.Sql | null {
  return statementOfPlans(planRanges(buckets, sellerIds, c, limit), c, direction, after, limit);
}

function statementOfPlans(
  plans: RangePlan[],
  c: ItemConstraints,
  direction: Direction,
  after: Pick<InboxCursor, "lastActivityAt" | "id"> | null,
  limit: number,
): Prisma.Sql | null {
  const ranges = mergesRanges(plans, c)
    ? mergedRangesQuery(plans, c, { direction, after, limit })
    : rangesQuery(plans, c, { direction, after, limit });
  return ranges && pageQuery(ranges, c, direction);
}

/**
 * The plans of recent pages, by sellers, filter, order and size (most recently used last). A page
 * whose plan is known sends its rows' statement together with the read of the counter rows
 * (`readTogether`: one round trip and one wake-up of the database instead of two), and keeps its
 * answer when the counter rows give the same plan. When they do not (a new counter key, counts that
 * tip the choice of index), the rows are read again with the plan they give. Either way the counts
 * are the current ones, and the rows are read after them, as when sent one after the other.
 */
const recentPlans = new Map<string, RangePlan[]>();
const RECENT_PLANS = 1000;

async function readBucketsAndRows(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sellerIds: string[],
  c: ItemConstraints,
  direction: Direction,
  after: Pick<InboxCursor, "lastActivityAt" | "id"> | null,
  limit: number,
): Promise<{ buckets: CountBucket[]; rows: PageRow[] }> {
  if (sellerIds.length === 0) return { buckets: [], rows: [] };
  const key = JSON.stringify([sellerIds, c, direction, limit]);
  const known = recentPlans.get(key);
  const countsStatement = countBucketsQuery(sellerIds, { ratings: c.ratings ?? "none" });
  const guess = known && statementOfPlans(known, c, direction, after, limit);
  let buckets: CountBucket[];
  let rows: PageRow[] | null = null;
  let plans: RangePlan[];
  if (guess) {
    const [countsRead, rowsRead] = readTogether(prisma, [countsStatement, guess]);
    buckets = countBucketsOf(await countsRead, sellerIds);
    plans = planRanges(buckets, sellerIds, c, limit);
    if (JSON.stringify(plans) === JSON.stringify(known)) rows = (await rowsRead) as PageRow[];
  } else {
    buckets = countBucketsOf(await rawReader(prisma).$queryRaw(countsStatement), sellerIds);
    plans = planRanges(buckets, sellerIds, c, limit);
  }
  if (!rows) {
    const statement = statementOfPlans(plans, c, direction, after, limit);
    rows = statement ? await rawReader(prisma).$queryRaw<PageRow[]>(statement) : [];
  }
  recentPlans.delete(key);
  recentPlans.set(key, plans);
  if (recentPlans.size > RECENT_PLANS) recentPlans.delete(recentPlans.keys().next().value!);
  return { buckets, rows };
}

async function fetchRows(
  prisma: RawReader,
  buckets: CountBucket[],
  sellerIds: string[],
  c: ItemConstraints,
  direction: Direction,
  after: Pick<InboxCursor, "lastActivityAt" | "id"> | null,
  limit: number,
): Promise<PageRow[]> {
  const statement = pageStatement(buckets, sellerIds, c, direction, after, limit);
  return statement ? prisma.$queryRaw<PageRow[]>(statement) : [];
}

/**
 * The page statement listInboxPage sends first for this filter and cursor (for the rating sort: the
 * cursor's rating group) and the Item indexes its ranges are meant to walk, for EXPLAIN in tests;
 * null when the counters show nothing to read.
 */
export async function inboxPageStatement(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sellerIds: string[],
  filter: InboxQueryFilter,
  params: InboxListParams,
): Promise<{ statement: Prisma.Sql; indexes: string[] } | null> {
  const sort = filter.sort ?? "newest";
  let c = constraintsOf(filter);
  const after = params.cursor ? decodeInboxCursor(params.cursor, sort) : null;
  const buckets = await readCountBuckets(prisma, sellerIds, { c, sort });
  if (sort === "rating") c = { ...c, ratings: [after?.rating ?? RATING_GROUPS.find((group) => !c.ratings || c.ratings.includes(group))!] };
  const limit = params.limit + 1;
  const plans = planRanges(buckets, sellerIds, c, limit);
  const statement = pageStatement(buckets, sellerIds, c, sort === "oldest" ? "asc" : "desc", after, limit);
  if (!statement) return null;
  const search = "Item_seller_search_idx";
  const indexes = c.product
    ? // Common name words may walk the activity index instead of reading every match.
      ["Item_product_article_activity_idx", "Item_product_id_activity_idx", search, "Item_sellerId_lastActivityAt_id_idx"]
    : [
        ...new Set(plans.map((plan) => plan.index)),
        // Unassigned items are usually most of a seller's: the planner may as well walk the index the
        // counters would choose for the other dimensions, checking the assignee on the rows it reads.
        ...(c.assignee === null ? planRanges(buckets, sellerIds, { ...c, assignee: undefined }, limit).map((plan) => plan.index) : []),
        ...(c.q ? [search] : []),
      ];
  return { statement, indexes };
}

const REPLY_STATES = { NONE: "none", PENDING: "pending", FAILED: "failed" } as const;

export interface InboxListItem {
  id: string;
  seller: InboxSeller;
  marketplace: ReturnType<typeof fromDbMarketplace>;
  channel: ReturnType<typeof fromDbChannel>;
  account: { id: string; displayName: string };
  /** Review/question: its text; chat: its newest message. At most 280 characters. */
  text: string;
  rating: number | null;
  authorName: string | null;
  productName: string | null;
  product: { name: string | null; article: string | null; externalId: string | null };
  upstreamCreatedAt: Date;
  /** The list's order and the row's age: newest message of a chat, else the item's creation. */
  lastActivityAt: Date;
  lastMessageAt: Date | null;
  answered: boolean;
  read: boolean;
  messageCount: number;
  /** The latest reply's own status (null: none sent from Inbox). */
  replyStatus: ReplyStatus | null;
  /** pending: the latest reply is queued or being sent; failed: it failed; none otherwise. */
  replyState: "none" | "pending" | "failed";
  /** The member who takes care of it; null: unassigned. */
  assignee: { id: string; name: string } | null;
  /** Only with `q`: where the words matched, as plain-text segments (render `match` emphasised). */
  highlight: { snippet: HighlightSegment[] | null; authorName: HighlightSegment[] | null; productName: HighlightSegment[] | null } | null;
}

function toListItem(row: PageRow, sellerName: string): InboxListItem {
  // A chat is previewed by its newest message; a review or question by its own text (pageQuery).
  const preview = row.preview;
  return {
    id: row.id,
    seller: { id: row.sellerId, name: sellerName },
    marketplace: fromDbMarketplace(row.marketplace),
    channel: fromDbChannel(row.channel),
    account: { id: row.accountId, displayName: row.accountName },
    text: preview.length > PREVIEW_CHARS ? `${preview.slice(0, PREVIEW_CHARS - 1)}…` : preview,
    rating: row.rating,
    authorName: row.authorName,
    productName: row.productName,
    product: { name: row.productName, article: row.productArticle, externalId: row.productExternalId },
    upstreamCreatedAt: row.upstreamCreatedAt,
    lastActivityAt: row.lastActivityAt,
    lastMessageAt: row.lastMessageAt,
    answered: row.answered,
    read: row.read,
    messageCount: row.messageCount,
    replyStatus: row.replyStatus,
    replyState: REPLY_STATES[row.replyState],
    assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? "" } : null,
    highlight: row.marked === undefined ? null : highlightOf(row, preview, matchedWords(row.marked)),
  };
}

function highlightOf(row: PageRow, preview: string, words: Set<string>): NonNullable<InboxListItem["highlight"]> {
  const text = [preview, row.pros, row.cons, row.answerText].filter((part) => part).join(" · ");
  const snippet = highlightSegments(text, words);
  return {
    snippet: snippet && snippetAround(snippet),
    authorName: highlightSegments(row.authorName, words),
    productName: highlightSegments(row.productName, words),
  };
}
