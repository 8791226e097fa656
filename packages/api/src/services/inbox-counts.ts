// Counts beside the inbox filters (docs/inbox-api.md, "Counts"). Every count applies the whole
// filter except its own dimension (the status counts ignore `status`, the channel counts ignore
// `channels`, unread ignores `unread`), so each number says what clicking it would show.
// Without q/product/from/to the counts are exact sums of the trigger-kept counter rows (no Item
// read). With them, the matching items are read up to SAMPLE_CAP through the indexes: exact when
// fewer match, otherwise lower bounds marked `more` ("1000+"). The assignee filter is not in the
// counters either: with it, the counts are read the same bounded way; and the "assigned to me" and
// "unassigned" counts themselves are index-only walks of the sellers' assignee ranges, stopped at
// SAMPLE_CAP + 1 rows.
import { Prisma, rawReader, type PrismaClient, type RawReader } from "@inbox/db";
import { fromDbChannel, registeredChannels, type ChannelName } from "./enums";
import { INBOX_STATUSES, type InboxStatus } from "./inbox-filter";
import {
  ASSIGNEE_INDEX,
  UNASSIGNED_INDEX,
  bucketMatches,
  constraintsOf,
  planRanges,
  rangesQuery,
  readCountBuckets,
  type CountBucket,
  type InboxQueryFilter,
  type InboxSeller,
  type ItemConstraints,
} from "./inbox-list";
import { searchQuery } from "./inbox-search";

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

type CountsClient = Pick<PrismaClient, "$queryRaw" | "$executeRaw" | "$transaction">;

export async function countInbox(prisma: CountsClient, sellers: InboxSeller[], filter: InboxQueryFilter): Promise<InboxCounts> {
  const c = constraintsOf(filter);
  const sellerIds = sellers.map((seller) => seller.id);
  const db = rawReader(prisma);
  const buckets = await readCountBuckets(db, sellerIds, { c });
  const base = withoutFacets(c);
  const assignee = await countAssignees(db, sellerIds, filter.viewerId);
  if (!c.q && !c.product && !c.from && !c.to && c.assignee === undefined) {
    const rows = buckets.filter((bucket) => bucketMatches(bucket, base));
    return { ...facets(rows, c, (row) => row.items, false), assignee, exact: true };
  }
  const rows = await readSample(prisma, db, sampleQuery(buckets, sellerIds, base));
  const capped = rows.length > SAMPLE_CAP;
  return { ...facets(capped ? rows.slice(0, SAMPLE_CAP) : rows, c, () => 1, capped), assignee, exact: false };
}

const SAMPLE_COLUMNS = Prisma.sql`"channel", "answered", "read", "replyState"`;

async function readSample(prisma: CountsClient, db: RawReader, sample: ReturnType<typeof sampleQuery>): Promise<CountedKey[]> {
  if (!sample) return [];
  if (!sample.wordsOnly) return db.$queryRaw<CountedKey[]>(sample.query);
  // The planner would read the table in order when the words look common enough to meet the cap
  // early; that holds only if the sellers' matches are spread evenly through the table, which a
  // seller that joined late (its rows at the end) breaks: a million rows read for nothing.
  const [, rows] = await prisma.$transaction([
    prisma.$executeRaw`SET LOCAL enable_seqscan = off`,
    prisma.$queryRaw<CountedKey[]>(sample.query),
  ]);
  return rows;
}

/**
 * Up to SAMPLE_CAP + 1 items matching `c` (facets removed), in no particular order; null when the
 * sellers' counter rows (`buckets`, read for exactly these sellers) show none.
 */
export function sampleQuery(
  buckets: CountBucket[],
  sellerIds: string[],
  c: ItemConstraints,
): { query: Prisma.Sql; wordsOnly: boolean } | null {
  if (c.q && !c.product && !c.from && !c.to && !c.marketplaces && !c.ratings && c.assignee === undefined) {
    // Words alone: their matches straight from the search index's bitmap, read in table order until
    // the cap. Walking the newest items for matches would read cap ÷ (share of items with the words)
    // rows: 30 000 rows and 200 ms for a word in 3 % of a million items, against 20 ms this way.
    // With other conditions the walk stays: a bitmap of the words could not skip the rows they exclude.
    if (buckets.length === 0) return null;
    return {
      query: Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM "Item"
        WHERE "sellerId" = ANY(${sellerIds}::text[]) AND "searchVector" @@ ${searchQuery(c.q)} LIMIT ${SAMPLE_CAP + 1}`,
      wordsOnly: true,
    };
  }
  // The list's own index ranges, walked until enough rows are found (any order will do).
  const ranges = rangesQuery(planRanges(buckets, sellerIds, c, SAMPLE_CAP + 1), c, {
    direction: "desc",
    after: null,
    limit: SAMPLE_CAP + 1,
    columns: Prisma.sql`"id", "lastActivityAt", ${SAMPLE_COLUMNS}`,
  });
  return ranges && { query: Prisma.sql`SELECT ${SAMPLE_COLUMNS} FROM (${ranges}) AS sample`, wordsOnly: false };
}

/**
 * Items assigned to `viewerId` and unassigned items of the sellers, each at most SAMPLE_CAP + 1 rows
 * read from its index (Item_assignee_activity_idx, the partial Item_unassigned_activity_idx): never a
 * count over a seller's whole history.
 */
export function assigneeCountQuery(sellerIds: string[], assignee: string | null): Prisma.Sql {
  // One ordered range per seller, merged under the cap (like a list page), so the walk stops after
  // SAMPLE_CAP + 1 rows whichever sellers hold them; never a scan of the table.
  const index = assignee === null ? UNASSIGNED_INDEX : ASSIGNEE_INDEX;
  const ranges = rangesQuery(
    sellerIds.map((sellerId) => ({ sellerId, index, ranges: [{}] })),
    { assignee },
    { direction: "desc", after: null, limit: SAMPLE_CAP + 1, columns: Prisma.sql`"id", "lastActivityAt"` },
  )!;
  return Prisma.sql`SELECT count(*)::int AS "count" FROM (${ranges}) AS capped`;
}

async function countAssignees(prisma: RawReader, sellerIds: string[], viewerId: string | undefined): Promise<InboxCounts["assignee"]> {
  const count = async (assignee: string | null): Promise<InboxCount> => {
    if (sellerIds.length === 0) return { count: 0, more: false };
    const [row] = await prisma.$queryRaw<Array<{ count: number }>>(assigneeCountQuery(sellerIds, assignee));
    const counted = row?.count ?? 0;
    return { count: Math.min(counted, SAMPLE_CAP), more: counted > SAMPLE_CAP };
  };
  return { me: viewerId ? await count(viewerId) : { count: 0, more: false }, none: await count(null) };
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
