// Counts beside the inbox filters (docs/inbox-api.md, "Counts"). Every count applies the whole
// filter except its own dimension (the status counts ignore `status`, the channel counts ignore
// `channels`, unread ignores `unread`), so each number says what clicking it would show.
// Without q/product/from/to the counts are exact sums of the trigger-kept counter rows (no Item
// read). With them, the matching items are read up to SAMPLE_CAP through the indexes: exact when
// fewer match, otherwise lower bounds marked `more` ("1000+"). The assignee filter is not in the
// counters either: with it, the counts are read the same bounded way; and the "assigned to me" and
// "unassigned" counts themselves are index-only walks of the sellers' assignee ranges, stopped at
// SAMPLE_CAP + 1 rows.
import { Prisma, queryRawWithSettings, rawReader, type PrismaClient, type StatementSettings, type RawReader } from "@inbox/db";
import { fromDbChannel, registeredChannels, type ChannelName } from "./enums";
import { INBOX_STATUSES, type InboxStatus } from "./inbox-filter";
import {
  bucketMatches,
  constraintsOf,
  planRanges,
  rangesQuery,
  readCountBuckets,
  residualConditions,
  type CountBucket,
  type InboxQueryFilter,
  type InboxSeller,
  type ItemConstraints,
} from "./inbox-list";

/** A count; `more` means "at least this many" (the count stopped at its cap). */
export interface InboxCount {
  count: number;
  more: boolean;
}

export interface InboxCounts {
  /** Items matching the whole filter. */
  total: InboxCount;
  status: Record<InboxStatus, InboxCount>;
  /** Unread items matching the filter apart from `unread`. */
  unread: InboxCount;
  /** Per channel (every channel a registered marketplace serves), apart from `channels`. */
  channels: Record<ChannelName, InboxCount>;
  /** Items of the sellers assigned to the caller, and to nobody (the sellers only, no other filter). */
  assignee: { me: InboxCount; none: InboxCount };
  /** True when every count is exact (no q, product or date filter). */
  exact: boolean;
}

export const SAMPLE_CAP = 1000;

type CountedKey = Pick<CountBucket, "channel" | "answered" | "read" | "replyState">;

const STATUS_MATCH: Record<InboxStatus, (key: CountedKey) => boolean> = {
  unanswered: (key) => !key.answered,
  answered: (key) => key.answered,
  reply_pending: (key) => key.replyState === "PENDING",
  reply_failed: (key) => key.replyState === "FAILED",
};

function statusOf(c: ItemConstraints): InboxStatus | undefined {
  if (c.replyState) return c.replyState === "PENDING" ? "reply_pending" : "reply_failed";
  if (c.answered !== undefined) return c.answered ? "answered" : "unanswered";
  return undefined;
}

/** Facet counts from rows that match every non-facet dimension; each row weighs `weight(row)`. */
function facets<T extends CountedKey>(
  rows: T[],
  c: ItemConstraints,
  weight: (row: T) => number,
  more: boolean,
): Omit<InboxCounts, "exact" | "assignee"> {
  const status = statusOf(c);
  const inChannels = (row: T) => !c.channels || c.channels.includes(row.channel);
  const inStatus = (row: T) => !status || STATUS_MATCH[status](row);
  const inRead = (row: T) => c.read === undefined || row.read === c.read;
  const sum = (match: (row: T) => boolean): InboxCount => ({
    count: rows.filter(match).reduce((total, row) => total + weight(row), 0),
    more,
  });
  return {
    total: sum((row) => inChannels(row) && inStatus(row) && inRead(row)),
    status: Object.fromEntries(
      INBOX_STATUSES.map((name) => [name, sum((row) => inChannels(row) && STATUS_MATCH[name](row) && inRead(row))]),
    ) as Record<InboxStatus, InboxCount>,
    unread: sum((row) => inChannels(row) && inStatus(row) && !row.read),
    channels: Object.fromEntries(
      registeredChannels().map((channel) => [
        channel,
        sum((row) => fromDbChannel(row.channel) === channel && inStatus(row) && inRead(row)),
      ]),
    ) as Record<ChannelName, InboxCount>,
  };
}

/** The facet dimensions (channel, status, read) are left to `facets`; the rest filter the rows. */
function withoutFacets(c: ItemConstraints): ItemConstraints {
  return { ...c, channels: undefined, answered: undefined, replyState: undefined, read: undefined };
}

type CountsClient = Pick<PrismaClient, "$queryRaw" | "$executeRawUnsafe" | "$transaction">;

export async function countInbox(prisma: CountsClient, sellers: InboxSeller[], filter: InboxQueryFilter): Promise<InboxCounts> {
  const c = constraintsOf(filter);
  const sellerIds = sellers.map((seller) => seller.id);
  const db = rawReader(prisma);
  const base = withoutFacets(c);
  const words = wordsSampleQuery(sellerIds, base);
  // Independent statements, on connections of the pool at once.
  const [buckets, assignee, wordGroups] = await Promise.all([
    readCountBuckets(db, sellerIds, { c }),
    countAssignees(db, sellerIds, filter.viewerId),
    words && sampleWords(prisma, words),
  ]);
  if (!c.q && !c.product && !c.from && !c.to && c.assignee === undefined) {
    const rows = buckets.filter((bucket) => bucketMatches(bucket, base));
    return { ...facets(rows, c, (row) => row.items, false), assignee, exact: true };
  }
  const ranges = wordGroups ? null : rangeSampleQuery(buckets, sellerIds, base);
  const rows = wordGroups ?? (ranges ? await db.$queryRaw<SampleGroup[]>(ranges) : []);
  const capped = rows.some((row) => row.beyondCap);
  return { ...facets(rows, c, (row) => row.items, capped), assignee, exact: false };
}

const SAMPLE_COLUMNS = Prisma.sql`"channel", "answered", "read", "replyState"`;

/** A sample's first SAMPLE_CAP items counted per facet key; `beyondCap` when more matched. */
type SampleGroup = CountedKey & { items: number; beyondCap: boolean };

/**
 * How countInbox reads a words sample. The planner would read the table in order when the words look
 * common enough to meet the cap early; that holds only if the sellers' matches are spread evenly
 * through the table, which a seller that joined late (its rows at the end) breaks: a million rows
 * read for nothing.
 */
export const WORDS_SAMPLE_SETTINGS: StatementSettings = { enable_seqscan: "off" };

/**
 * The first read of several sellers' words-only sample: the search index hands over a random subset
 * of about WORDS_PROBE_LIMIT of a word's matches instead of the bitmap of all of them
 * (gin_fuzzy_search_limit; «доставку» has 33 331 at a million items, 13–20 ms of bitmap alone, where
 * the subset takes ~2 ms). A subset is read only when the word has more matches than the limit.
 */
export const WORDS_PROBE_LIMIT = 5000;
export const WORDS_PROBE_SETTINGS: StatementSettings = { ...WORDS_SAMPLE_SETTINGS, gin_fuzzy_search_limit: WORDS_PROBE_LIMIT };

export interface WordsSample {
  query: Prisma.Sql;
  /** Read through the words' key alone, so a random probe of their matches can prove "1000+" first. */
  probe: boolean;
}

/**
 * A words sample, probed first where it reads the words' key alone: a subset that still holds
 * SAMPLE_CAP + 1 of the sellers' matches proves "1000+", and its first thousand give lower bounds as
 * the exact read's would. Fewer (rare words, or sellers with a small share of the matches) and the
 * probe proves nothing: the sample is read again, whole. A sample by several keys (a seller, a
 * marketplace, a rating) is read exactly at once: the probe would thin every key, and their
 * intersection would rarely reach the cap.
 */
async function sampleWords(prisma: CountsClient, words: WordsSample): Promise<SampleGroup[]> {
  if (words.probe) {
    const probe = await queryRawWithSettings<SampleGroup[]>(prisma, WORDS_PROBE_SETTINGS, words.query);
    if (probe.some((row) => row.beyondCap)) return probe;
  }
  return queryRawWithSettings<SampleGroup[]>(prisma, WORDS_SAMPLE_SETTINGS, words.query);
}

// Both samples are grouped by facet key in SQL: a thousand rows through the driver cost more than
// finding them.

/**
 * Words, alone or with marketplaces and ratings (no product, dates or assignee): up to SAMPLE_CAP + 1
 * of their matches straight from the search index (Item_seller_search_idx, whose keys are the seller,
 * marketplace, rating and words), read in table order; null for any other filter. Walking the newest
 * items for matches reads cap ÷ (share of items with the words) rows: 30 000 rows and 200 ms for a word
 * in 3 % of a million items, against ~13 ms this way; and a word that a rating's items never hold walked
 * every item of that rating (840 ms for «доставку» among 1-star reviews at 1 M items, 5 ms through the
 * index's intersected keys). With product, dates or assignee the walk of `rangeSampleQuery` stays.
 */
export function wordsSampleQuery(sellerIds: string[], c: ItemConstraints): WordsSample | null {
  if (!c.q || c.product || c.from || c.to || c.assignee !== undefined) return null;
  if (sellerIds.length === 0) return null;
  // One seller: its key in the index. Several: checked on the rows (IS TRUE keeps the planner from one
  // index scan per seller, ~1 ms each at 1 M items); marketplaces, ratings and words are index keys.
  const sellers =
    sellerIds.length === 1 ? Prisma.sql`"sellerId" = ${sellerIds[0]}` : Prisma.sql`("sellerId" = ANY(${sellerIds}::text[])) IS TRUE`;
  const query = grouped(Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM "Item"
    WHERE ${Prisma.join([sellers, ...residualConditions(c, new Set())], " AND ")} LIMIT ${SAMPLE_CAP + 1}`);
  return { query, probe: sellerIds.length > 1 && !c.marketplaces && !c.ratings };
}

/**
 * Up to SAMPLE_CAP + 1 items matching `c` (facets removed) through the list's own index ranges,
 * walked until enough rows are found (any order will do); null when the sellers' counter rows
 * (`buckets`, read for exactly these sellers) show none.
 */
export function rangeSampleQuery(buckets: CountBucket[], sellerIds: string[], c: ItemConstraints): Prisma.Sql | null {
  const ranges = rangesQuery(planRanges(buckets, sellerIds, c, SAMPLE_CAP + 1), c, {
    direction: "desc",
    after: null,
    limit: SAMPLE_CAP + 1,
    columns: Prisma.sql`"id", "lastActivityAt", ${SAMPLE_COLUMNS}`,
  });
  return ranges && grouped(Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM (${ranges}) AS sample`);
}

function grouped(sample: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT ${SAMPLE_COLUMNS}, count(*) FILTER (WHERE "n" <= ${SAMPLE_CAP})::int AS "items",
      bool_or("n" > ${SAMPLE_CAP}) AS "beyondCap"
    FROM (SELECT *, row_number() OVER () AS "n" FROM (${sample}) AS sample) AS numbered
    GROUP BY ${SAMPLE_COLUMNS}`;
}

/**
 * Items assigned to `viewerId` and unassigned items of the sellers, each at most SAMPLE_CAP + 1 rows
 * read from its index (Item_assignee_activity_idx, the partial Item_unassigned_activity_idx): never a
 * count over a seller's whole history. A count needs no order, so each seller's range is read in
 * turn (a lateral seek per seller) until the cap: planned once whatever the number of sellers, where
 * a merge of one ordered range per seller cost ~3 ms of planning for 20 sellers.
 */
export function assigneeCountQuery(sellerIds: string[], assignee: string | null): Prisma.Sql {
  const mine = assignee === null ? Prisma.sql`"assigneeId" IS NULL` : Prisma.sql`"assigneeId" = ${assignee}`;
  return Prisma.sql`SELECT count(*)::int AS "count" FROM (
      SELECT 1 FROM unnest(${sellerIds}::text[]) AS seller("id")
      CROSS JOIN LATERAL (
        SELECT 1 FROM "Item" WHERE "sellerId" = seller."id" AND ${mine} LIMIT ${SAMPLE_CAP + 1}
      ) AS range
      LIMIT ${SAMPLE_CAP + 1}
    ) AS capped`;
}

async function countAssignees(prisma: RawReader, sellerIds: string[], viewerId: string | undefined): Promise<InboxCounts["assignee"]> {
  if (sellerIds.length === 0) return { me: { count: 0, more: false }, none: { count: 0, more: false } };
  const none = assigneeCountQuery(sellerIds, null);
  const [row] = await prisma.$queryRaw<Array<{ me: number; none: number }>>(
    viewerId
      ? Prisma.sql`SELECT (${assigneeCountQuery(sellerIds, viewerId)}) AS "me", (${none}) AS "none"`
      : Prisma.sql`SELECT 0 AS "me", (${none}) AS "none"`,
  );
  const capped = (counted = 0): InboxCount => ({ count: Math.min(counted, SAMPLE_CAP), more: counted > SAMPLE_CAP });
  return { me: capped(row?.me), none: capped(row?.none) };
}

/** The per-status counts of the original per-seller list: seller, marketplace and channel only. */
export function legacyCounts(buckets: CountBucket[], filter: InboxQueryFilter) {
  const c = constraintsOf(filter);
  const rows = buckets.filter((bucket) => bucketMatches(bucket, { marketplaces: c.marketplaces, channels: c.channels }));
  const count = (match: (row: CountBucket) => boolean) => rows.filter(match).reduce((sum, row) => sum + row.items, 0);
  const all = count(() => true);
  const answered = count((row) => row.answered);
  return { all, answered, unanswered: all - answered, unread: count((row) => !row.read) };
}
