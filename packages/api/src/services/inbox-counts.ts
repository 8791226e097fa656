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
  /**
   * Items of the sellers assigned to the caller, and to nobody; null when the filter has anything but
   * sellers and an assignee. These walk the assignee indexes, which know no other dimension, and a
   * count of all the sellers' items beside a narrower list would not be what choosing it lists.
   */
  assignee: { me: InboxCount; none: InboxCount } | null;
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
  const bucketsRead = readCountBuckets(db, sellerIds, { c });
  // Independent statements, on connections of the pool at once.
  const [buckets, assignee, wordGroups] = await Promise.all([
    bucketsRead,
    onlyAssignee(c) ? countAssignees(db, sellerIds, filter.viewerId) : null,
    words && sampleWords(prisma, words, bucketsRead, base),
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
 * The first read of several sellers' words sample: the search index hands over a random subset of
 * about `gin_fuzzy_search_limit` of a word's matches instead of the bitmap of all of them («доставку»
 * has 33 331 at a million items, 13–20 ms of bitmap alone, where the subset takes ~2 ms). A subset
 * is read only when the word has more matches than the limit. WORDS_PROBE_LIMIT is the least limit:
 * the sellers are checked on the rows, and the limit leaves room for a share of the matches that
 * belongs to sellers of other users.
 */
export const WORDS_PROBE_LIMIT = 5000;
export const WORDS_PROBE_SETTINGS: StatementSettings = { ...WORDS_SAMPLE_SETTINGS, gin_fuzzy_search_limit: WORDS_PROBE_LIMIT };
/** Matches of the chosen marketplaces a probe expects to meet: 2.5 × the cap. */
const WORDS_PROBE_EXPECTED = 2500;
/**
 * The largest subset probed: marketplaces with a third of the sellers' items. With less, a probe that
 * meets too few matches (a word of another marketplace's vocabulary) reads the whole subset before the
 * exact read: ~9 ms lost where a common word gains ~7.
 */
const WORDS_PROBE_MAX_LIMIT = 7500;

export interface WordsSample {
  /** Read exactly: one seller, marketplaces, ratings and the words are keys of the search index. */
  query: Prisma.Sql;
  /**
   * Several sellers, no ratings: the same sample with the words as the index's only key and the
   * marketplaces checked on the rows, so a random probe of the words' matches thins them alone and can
   * prove "1000+" first. Never with ratings: a review's words follow its stars, so a rating's share of
   * the items says little of its share of the matches («доставку» has none among 1-star reviews; a
   * probe read 20 000 rows to find that out, 27 ms where the exact read takes 6).
   */
  probe: Prisma.Sql | null;
}

/**
 * The probe's settings for these sellers' counter rows: a subset large enough to hold about
 * WORDS_PROBE_EXPECTED items of the chosen marketplaces (5 000 for all of them, 6 250 for Ozon's 40 %
 * of the items at a million); null when they hold too small a share for a probe to pay.
 */
export function wordsProbeSettings(buckets: CountBucket[], c: ItemConstraints): StatementSettings | null {
  const all = buckets.reduce((sum, bucket) => sum + bucket.items, 0);
  const chosen = buckets
    .filter((bucket) => bucketMatches(bucket, { marketplaces: c.marketplaces }))
    .reduce((sum, bucket) => sum + bucket.items, 0);
  if (chosen === 0) return null;
  const limit = Math.max(WORDS_PROBE_LIMIT, Math.ceil((WORDS_PROBE_EXPECTED * all) / chosen));
  return limit <= WORDS_PROBE_MAX_LIMIT ? { ...WORDS_SAMPLE_SETTINGS, gin_fuzzy_search_limit: limit } : null;
}

/**
 * A words sample, probed first where it has a probe: a subset that still holds SAMPLE_CAP + 1 of the
 * sellers' matches proves "1000+", and its first thousand give lower bounds as the exact read's would.
 * Fewer (rare words, or sellers with a small share of the matches) and the probe proves nothing: the
 * sample is read again, exactly. The probe waits for the counter rows (`buckets`) to size itself; the
 * exact read alone starts at once.
 */
async function sampleWords(
  prisma: CountsClient,
  words: WordsSample,
  buckets: Promise<CountBucket[]>,
  c: ItemConstraints,
): Promise<SampleGroup[]> {
  const probeSettings = words.probe && wordsProbeSettings(await buckets, c);
  if (words.probe && probeSettings) {
    const probe = await queryRawWithSettings<SampleGroup[]>(prisma, probeSettings, words.probe);
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
  const sample = (conditions: Prisma.Sql[]) =>
    grouped(Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM "Item" WHERE ${Prisma.join(conditions, " AND ")} LIMIT ${SAMPLE_CAP + 1}`);
  if (sellerIds.length === 1)
    return { query: sample([Prisma.sql`"sellerId" = ${sellerIds[0]}`, ...residualConditions(c, new Set())]), probe: null };
  // Several sellers: checked on the rows (IS TRUE keeps the planner from one index scan per seller,
  // ~1 ms each at 1 M items); marketplaces, ratings and words are index keys of the exact read. The
  // probe checks marketplaces on the rows too: as keys, the random subset would thin each of them, and
  // their intersection would rarely reach the cap.
  const sellers = Prisma.sql`("sellerId" = ANY(${sellerIds}::text[])) IS TRUE`;
  const query = sample([sellers, ...residualConditions(c, new Set())]);
  if (c.ratings) return { query, probe: null };
  const marketplaces = residualConditions({ marketplaces: c.marketplaces }, new Set()).map(
    (condition) => Prisma.sql`(${condition}) IS TRUE`,
  );
  return { query, probe: sample([sellers, ...marketplaces, ...residualConditions({ q: c.q }, new Set())]) };
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

/** True when the filter has nothing but sellers and an assignee: the assignee counts are what choosing them lists. */
function onlyAssignee(c: ItemConstraints): boolean {
  return Object.entries(c).every(([key, value]) => key === "assignee" || value === undefined);
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
