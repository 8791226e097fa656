// Analytics of one seller or of all of a user's sellers, for a period of Moscow calendar days. Every
// number is computed by PostgreSQL from what the database keeps current on each write: the
// AnalyticsDaily rollup (+ pending deltas), InboxCount (+ pending deltas) and index ranges of recent
// or negative items. A view reads a few thousand rollup rows at most, never the sellers' history.
// See docs/performance.md, "Analytics".
import { Prisma, type PrismaClient } from "@inbox/db";
import { z } from "zod";
import { fromDbChannel, fromDbMarketplace, type ChannelName, type MarketplaceName } from "./enums";

/** Histogram resolution of first-answer waits: buckets per doubling (analytics_wait_bucket). */
export const WAIT_BUCKETS_PER_DOUBLING = 8;
export const MAX_PERIOD_DAYS = 366;
/** Products listed under "most negative reviews", and overdue items listed. */
const TOP = 10;

/** A calendar day PostgreSQL and the marketplaces know: no year 0, nothing before the marketplaces were. */
const isoDay = z.iso
  .date()
  .refine((day) => day >= "2000-01-01" && day <= "2100-12-31", { message: "Pick a day between 2000-01-01 and 2100-12-31." });

export const analyticsPeriodSchema = z
  .object({ from: isoDay, to: isoDay })
  .refine((period) => period.from <= period.to, { message: "The period must start on or before its end.", path: ["to"] })
  .refine((period) => daysBetween(period.from, period.to) < MAX_PERIOD_DAYS, {
    message: `The period can be at most ${MAX_PERIOD_DAYS} days long.`,
    path: ["from"],
  });

export type AnalyticsPeriod = z.output<typeof analyticsPeriodSchema>;

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Every day of the period, as YYYY-MM-DD. */
export function periodDays(period: AnalyticsPeriod): string[] {
  const start = Date.parse(`${period.from}T00:00:00Z`);
  return Array.from({ length: daysBetween(period.from, period.to) + 1 }, (_, index) =>
    new Date(start + index * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Today in Moscow (analytics days are Moscow days), as YYYY-MM-DD. */
export function moscowToday(now = new Date()): string {
  return new Date(now.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);
}

export interface AnalyticsSeller {
  id: string;
  name: string;
}

/** Rollup rows of one metric over the period, with pending deltas; `columns` picks what is kept apart. */
function rollup(sellerIds: string[], metric: "RECEIVED" | "FIRST_ANSWER" | "REPLY_SENT", period: AnalyticsPeriod, extra = Prisma.empty) {
  const where = Prisma.sql`"sellerId" = ANY(${sellerIds}::text[]) AND "metric" = ${metric}::"AnalyticsMetric"
    AND "day" BETWEEN ${period.from}::date AND ${period.to}::date ${extra}`;
  return Prisma.sql`(
    SELECT "day", "bucket", "subject", "count" AS n FROM "AnalyticsDaily" WHERE ${where}
    UNION ALL
    SELECT "day", "bucket", "subject", "delta" AS n FROM "AnalyticsDailyDelta" WHERE ${where}
  )`;
}

type ResponseRow = { day: string | null; answers: number; p50: number; p90: number };

/**
 * Median and 90th percentile (nearest rank) of the wait from an item's creation to its first
 * answer, per day of the first answer and over the whole period, read from the histogram: within
 * 2^(1/16) (4.4 %) of the exact value, reported as the middle of the bucket.
 */
async function responseTimes(prisma: PrismaClient, sellerIds: string[], period: AnalyticsPeriod) {
  const rows = await prisma.$queryRaw<ResponseRow[]>`
    WITH h AS (
      SELECT "day", "bucket", SUM(n)::bigint AS n FROM ${rollup(sellerIds, "FIRST_ANSWER", period)} AS r
      GROUP BY "day", "bucket" HAVING SUM(n) > 0
    ), per_day AS (
      SELECT "day", "bucket", SUM(n) OVER (PARTITION BY "day" ORDER BY "bucket") AS cum, SUM(n) OVER (PARTITION BY "day") AS total FROM h
    ), whole AS (
      SELECT "bucket", SUM(n) AS n FROM h GROUP BY "bucket"
    ), whole_cum AS (
      SELECT "bucket", SUM(n) OVER (ORDER BY "bucket") AS cum, SUM(n) OVER () AS total FROM whole
    ), picked AS (
      SELECT "day", total, MIN("bucket") FILTER (WHERE cum >= CEIL(0.5 * total)) AS b50, MIN("bucket") FILTER (WHERE cum >= CEIL(0.9 * total)) AS b90
      FROM per_day GROUP BY "day", total
      UNION ALL
      SELECT NULL, total, MIN("bucket") FILTER (WHERE cum >= CEIL(0.5 * total)), MIN("bucket") FILTER (WHERE cum >= CEIL(0.9 * total))
      FROM whole_cum GROUP BY total
    )
    SELECT "day"::text AS "day", total::int AS answers,
      power(2, (b50 + 0.5) / ${WAIT_BUCKETS_PER_DOUBLING}::float8) - 1 AS p50,
      power(2, (b90 + 0.5) / ${WAIT_BUCKETS_PER_DOUBLING}::float8) - 1 AS p90
    FROM picked`;
  const byDay = new Map(rows.filter((row) => row.day).map((row) => [row.day!, row]));
  const whole = rows.find((row) => row.day === null);
  return {
    overall: whole ? { answers: whole.answers, p50Seconds: Math.round(whole.p50), p90Seconds: Math.round(whole.p90) } : null,
    days: periodDays(period).map((day) => {
      const row = byDay.get(day);
      return {
        day,
        answers: row?.answers ?? 0,
        p50Seconds: row ? Math.round(row.p50) : null,
        p90Seconds: row ? Math.round(row.p90) : null,
      };
    }),
  };
}

/** Reviews received per day by rating, their distribution over the period and the daily average. */
async function ratings(prisma: PrismaClient, sellerIds: string[], period: AnalyticsPeriod) {
  const rows = await prisma.$queryRaw<
    { day: string; r1: number; r2: number; r3: number; r4: number; r5: number; average: number | null }[]
  >`
    SELECT "day"::text AS "day",
      (SUM(n) FILTER (WHERE "bucket" = 1))::int AS r1, (SUM(n) FILTER (WHERE "bucket" = 2))::int AS r2,
      (SUM(n) FILTER (WHERE "bucket" = 3))::int AS r3, (SUM(n) FILTER (WHERE "bucket" = 4))::int AS r4,
      (SUM(n) FILTER (WHERE "bucket" = 5))::int AS r5,
      (SUM("bucket" * n)::float8 / NULLIF(SUM(n), 0)) AS average
    FROM ${rollup(sellerIds, "RECEIVED", period, Prisma.sql`AND "channel" = 'REVIEW'::"Channel" AND "bucket" BETWEEN 1 AND 5`)} AS r
    GROUP BY "day"`;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const days = periodDays(period).map((day) => {
    const row = byDay.get(day);
    const counts = { r1: row?.r1 ?? 0, r2: row?.r2 ?? 0, r3: row?.r3 ?? 0, r4: row?.r4 ?? 0, r5: row?.r5 ?? 0 };
    const reviews = counts.r1 + counts.r2 + counts.r3 + counts.r4 + counts.r5;
    return { day, reviews, ...counts, average: reviews > 0 && row?.average != null ? Math.round(row.average * 100) / 100 : null };
  });
  const distribution = ([1, 2, 3, 4, 5] as const).map((rating) => ({
    rating,
    reviews: days.reduce((sum, day) => sum + day[`r${rating}`], 0),
  }));
  return { distribution, days };
}

/** Replies delivered from Inbox per day and author (null: without an author, e.g. automatic). */
async function answersByMember(prisma: PrismaClient, sellerIds: string[], period: AnalyticsPeriod) {
  const rows = await prisma.$queryRaw<{ day: string; userId: string | null; name: string | null; answers: number }[]>`
    SELECT r."day"::text AS "day", NULLIF(r."subject", '') AS "userId", u."name", SUM(r.n)::int AS answers
    FROM ${rollup(sellerIds, "REPLY_SENT", period)} AS r
    LEFT JOIN "User" AS u ON u."id" = r."subject"
    GROUP BY r."day", r."subject", u."name"
    HAVING SUM(r.n) <> 0`;
  const members = new Map<string, { userId: string | null; name: string | null; answers: number }>();
  for (const row of rows) {
    const key = row.userId ?? "";
    const member = members.get(key) ?? { userId: row.userId, name: row.name, answers: 0 };
    member.answers += row.answers;
    members.set(key, member);
  }
  const ordered = [...members.values()].sort((a, b) => b.answers - a.answers || (a.name ?? "").localeCompare(b.name ?? ""));
  const byDay = new Map<string, Record<string, number>>();
  for (const row of rows) {
    byDay.set(row.day, { ...byDay.get(row.day), [row.userId ?? ""]: row.answers });
  }
  return {
    members: ordered,
    days: periodDays(period).map((day) => ({
      day,
      answers: ordered.map((member) => byDay.get(day)?.[member.userId ?? ""] ?? 0),
    })),
  };
}

type BucketCount = { marketplace: MarketplaceName; channel: ChannelName; items: number };

/** Unanswered items now, and those waiting longer than their seller's target, by marketplace and channel. */
async function waiting(prisma: PrismaClient, sellerIds: string[]) {
  // Overdue = unanswered (kept counts) − unanswered within the target (a short index range of recent
  // items): one statement, one snapshot, whatever the size of the sellers' backlog.
  const rows = await prisma.$queryRaw<{ marketplace: string; channel: string; unanswered: number; overdue: number }[]>`
    WITH targets AS (
      SELECT "id", (now() AT TIME ZONE 'UTC') - make_interval(mins => "answerTargetMinutes") AS cutoff
      FROM "Seller" WHERE "id" = ANY(${sellerIds}::text[])
    ), unanswered AS (
      SELECT "sellerId", "marketplace", "channel", SUM(n) AS n FROM (
        SELECT "sellerId", "marketplace", "channel", "items" AS n FROM "InboxCount"
        WHERE "sellerId" = ANY(${sellerIds}::text[]) AND NOT "answered"
        UNION ALL
        SELECT "sellerId", "marketplace", "channel", "delta" AS n FROM "InboxCountDelta"
        WHERE "sellerId" = ANY(${sellerIds}::text[]) AND NOT "answered"
      ) AS c GROUP BY "sellerId", "marketplace", "channel"
    ), within_target AS (
      SELECT i."sellerId", i."marketplace", i."channel", COUNT(*) AS n
      FROM targets AS t JOIN "Item" AS i ON i."sellerId" = t."id" AND NOT i."answered" AND i."lastActivityAt" >= t.cutoff
      GROUP BY i."sellerId", i."marketplace", i."channel"
    )
    SELECT u."marketplace"::text, u."channel"::text, SUM(u.n)::int AS unanswered, SUM(u.n - COALESCE(w.n, 0))::int AS overdue
    FROM unanswered AS u
    LEFT JOIN within_target AS w ON w."sellerId" = u."sellerId" AND w."marketplace" = u."marketplace" AND w."channel" = u."channel"
    GROUP BY u."marketplace", u."channel"
    HAVING SUM(u.n) > 0
    ORDER BY u."marketplace", u."channel"`;
  const named = (row: (typeof rows)[number]) => ({
    marketplace: fromDbMarketplace(row.marketplace as never),
    channel: fromDbChannel(row.channel as never),
  });
  const unanswered: BucketCount[] = rows.map((row) => ({ ...named(row), items: row.unanswered }));
  const overdue: BucketCount[] = rows.filter((row) => row.overdue > 0).map((row) => ({ ...named(row), items: row.overdue }));
  const longest = await prisma.$queryRaw<
    { id: string; sellerId: string; marketplace: string; channel: string; lastActivityAt: Date; productName: string | null; text: string }[]
  >`
    SELECT o.* FROM "Seller" AS s
    CROSS JOIN LATERAL (
      SELECT i."id", i."sellerId", i."marketplace"::text, i."channel"::text, i."lastActivityAt", i."productName", left(i."text", 140) AS "text"
      FROM "Item" AS i
      WHERE i."sellerId" = s."id" AND NOT i."answered"
        AND i."lastActivityAt" < (now() AT TIME ZONE 'UTC') - make_interval(mins => s."answerTargetMinutes")
      ORDER BY i."lastActivityAt" ASC, i."id" ASC
      LIMIT ${TOP}
    ) AS o
    WHERE s."id" = ANY(${sellerIds}::text[])
    ORDER BY o."lastActivityAt" ASC, o."id" ASC
    LIMIT ${TOP}`;
  return {
    unanswered,
    overdue,
    longestWaiting: longest.map((item) => ({
      ...item,
      marketplace: fromDbMarketplace(item.marketplace as never),
      channel: fromDbChannel(item.channel as never),
    })),
  };
}

/**
 * Products with the most 1- and 2-star reviews created in the period: an index range over the
 * period's negative reviews only (Item_rating_created_idx). The product is named by its article
 * (or the marketplace's product id), the key the inbox's product filter matches exactly.
 */
async function negativeProducts(prisma: PrismaClient, sellerIds: string[], period: AnalyticsPeriod) {
  return prisma.$queryRaw<
    { sellerId: string; product: string; name: string | null; article: string | null; negative: number; r1: number; r2: number }[]
  >`
    SELECT "sellerId", COALESCE("productArticle", "productExternalId") AS product, MAX("productName") AS name,
      MAX("productArticle") AS article, COUNT(*)::int AS negative,
      (COUNT(*) FILTER (WHERE "rating" = 1))::int AS r1, (COUNT(*) FILTER (WHERE "rating" = 2))::int AS r2
    FROM "Item"
    WHERE "sellerId" = ANY(${sellerIds}::text[]) AND "channel" = 'REVIEW'::"Channel" AND "rating" IN (1, 2)
      AND "upstreamCreatedAt" >= (${period.from}::date::timestamp AT TIME ZONE 'Europe/Moscow') AT TIME ZONE 'UTC'
      AND "upstreamCreatedAt" < ((${period.to}::date + 1)::timestamp AT TIME ZONE 'Europe/Moscow') AT TIME ZONE 'UTC'
      AND COALESCE("productArticle", "productExternalId") IS NOT NULL
    GROUP BY "sellerId", COALESCE("productArticle", "productExternalId")
    ORDER BY negative DESC, product ASC
    LIMIT ${TOP}`;
}

/** Everything the analytics page shows, for the given sellers (already authorised by the caller). */
export async function getAnalytics(prisma: PrismaClient, sellers: AnalyticsSeller[], period: AnalyticsPeriod) {
  const sellerIds = sellers.map((seller) => seller.id);
  const [responses, ratingStats, members, waitingStats, products, targets] = await Promise.all([
    responseTimes(prisma, sellerIds, period),
    ratings(prisma, sellerIds, period),
    answersByMember(prisma, sellerIds, period),
    waiting(prisma, sellerIds),
    negativeProducts(prisma, sellerIds, period),
    prisma.seller.findMany({ where: { id: { in: sellerIds } }, select: { id: true, answerTargetMinutes: true } }),
  ]);
  const names = new Map(sellers.map((seller) => [seller.id, seller.name]));
  return {
    period: { ...period, days: periodDays(period) },
    sellers: targets
      .map((seller) => ({ id: seller.id, name: names.get(seller.id) ?? "", answerTargetMinutes: seller.answerTargetMinutes }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    responseTimes: responses,
    ratings: ratingStats,
    answersByMember: members,
    ...waitingStats,
    negativeProducts: products,
  };
}

export type Analytics = Awaited<ReturnType<typeof getAnalytics>>;
