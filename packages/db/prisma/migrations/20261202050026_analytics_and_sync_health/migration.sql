-- CreateEnum
CREATE TYPE "SyncErrorReason" AS ENUM ('TOKEN_REJECTED', 'TOKEN_CATEGORY_MISSING', 'SUBSCRIPTION_MISSING', 'ACCESS_DENIED', 'RATE_LIMITED', 'UNREACHABLE', 'MARKETPLACE_ERROR', 'INTERRUPTED', 'STOPPED', 'INTERNAL');

-- CreateEnum
CREATE TYPE "AnalyticsMetric" AS ENUM ('RECEIVED', 'FIRST_ANSWER', 'REPLY_SENT');

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "firstAnsweredAt" TIMESTAMP(3);

-- AlterTable (statusDetail is classified into statusReason below, then dropped)
ALTER TABLE "MarketplaceAccount" ADD COLUMN     "statusReason" "SyncErrorReason";

-- AlterTable
ALTER TABLE "Seller" ADD COLUMN     "answerTargetMinutes" INTEGER NOT NULL DEFAULT 1440;

-- AlterTable (error is classified into errorReason below, then dropped)
ALTER TABLE "SyncRun" ADD COLUMN     "errorReason" "SyncErrorReason",
ADD COLUMN     "retryAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AnalyticsDaily" (
    "sellerId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "channel" "Channel" NOT NULL,
    "metric" "AnalyticsMetric" NOT NULL,
    "day" DATE NOT NULL,
    "bucket" INTEGER NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL,

    CONSTRAINT "AnalyticsDaily_pkey" PRIMARY KEY ("accountId","channel","metric","day","bucket","subject")
);

-- CreateTable
CREATE TABLE "AnalyticsDailyDelta" (
    "id" BIGSERIAL NOT NULL,
    "sellerId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "channel" "Channel" NOT NULL,
    "metric" "AnalyticsMetric" NOT NULL,
    "day" DATE NOT NULL,
    "bucket" INTEGER NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "delta" INTEGER NOT NULL,

    CONSTRAINT "AnalyticsDailyDelta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AnalyticsDaily_sellerId_metric_day_idx" ON "AnalyticsDaily"("sellerId", "metric", "day");

-- CreateIndex
CREATE INDEX "AnalyticsDailyDelta_sellerId_metric_day_idx" ON "AnalyticsDailyDelta"("sellerId", "metric", "day");

-- CreateIndex
CREATE INDEX "AnalyticsDailyDelta_accountId_idx" ON "AnalyticsDailyDelta"("accountId");

-- CreateIndex
CREATE INDEX "Item_rating_created_idx" ON "Item"("sellerId", "channel", "rating", "upstreamCreatedAt");

-- AddForeignKey
ALTER TABLE "AnalyticsDaily" ADD CONSTRAINT "AnalyticsDaily_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalyticsDailyDelta" ADD CONSTRAINT "AnalyticsDailyDelta_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Sync errors are classified (security review, finding 8): members saw stored exception text and
-- upstream bodies. Existing texts are classified by what the old code wrote, then dropped.

UPDATE "SyncRun" SET "errorReason" = (CASE
  WHEN "error" LIKE 'Interrupted%' THEN 'INTERRUPTED'
  WHEN "error" LIKE 'Stopped before the end%' THEN 'STOPPED'
  WHEN "error" ~* 'subscription' THEN 'SUBSCRIPTION_MISSING'
  WHEN "error" ~* 'scope|categor' THEN 'TOKEN_CATEGORY_MISSING'
  WHEN "error" ~* '\(401\)|unauthori[sz]ed|token|credentials rejected|invalid Client-Id|api-key' THEN 'TOKEN_REJECTED'
  WHEN "error" ~* '\(403\)|forbidden|not allowed' THEN 'ACCESS_DENIED'
  WHEN "error" ~* '429|rate.?limit|too many' THEN 'RATE_LIMITED'
  WHEN "error" ~* '\m5[0-9][0-9]\M|timeout|timed out|fetch failed|ECONN|network|unreachable' THEN 'UNREACHABLE'
  WHEN "error" ~* '^(wildberries|ozon|yandex)' THEN 'MARKETPLACE_ERROR'
  ELSE 'INTERNAL'
END)::"SyncErrorReason"
WHERE "error" IS NOT NULL;

UPDATE "MarketplaceAccount" SET "statusReason" = (CASE
  WHEN "status" = 'NEEDS_TOKEN' AND "statusDetail" ~* 'scope|categor' THEN 'TOKEN_CATEGORY_MISSING'
  WHEN "status" = 'NEEDS_TOKEN' THEN 'TOKEN_REJECTED'
  WHEN "status" = 'SUBSCRIPTION_MISSING' THEN 'SUBSCRIPTION_MISSING'
  WHEN "status" = 'RATE_LIMITED' THEN 'RATE_LIMITED'
  WHEN "status" = 'UNREACHABLE' THEN 'UNREACHABLE'
  WHEN "statusDetail" IS NOT NULL THEN 'MARKETPLACE_ERROR'
END)::"SyncErrorReason";

ALTER TABLE "SyncRun" DROP COLUMN "error";
ALTER TABLE "MarketplaceAccount" DROP COLUMN "statusDetail";

-- ---------------------------------------------------------------------------------------------
-- Analytics, kept by the database (docs/performance.md, "Analytics"). Item.firstAnsweredAt is
-- stamped when an item first becomes answered, and AnalyticsDaily counts items received per day and
-- rating, first answers per day and wait bucket, and replies sent per day and member. Statement
-- triggers append deltas and fold them exactly like InboxCount (migration 20261202010604_inbox_read_path):
-- writers never wait on a shared rollup row. Function bodies use \073 for semicolons (our pg
-- adapter splits migrations at every semicolon).

-- The Moscow calendar day of a stored (UTC) timestamp: analytics days are the sellers' days.
CREATE FUNCTION analytics_day(at TIMESTAMP) RETURNS DATE LANGUAGE sql IMMUTABLE PARALLEL SAFE AS E'
  SELECT ((at AT TIME ZONE ''UTC'') AT TIME ZONE ''Europe/Moscow'')::date
';

-- Log-scale wait buckets, 8 per doubling: bucket b holds waits w (seconds) with
-- 2^(b/8) <= 1 + w < 2^((b+1)/8), so a percentile read from the histogram is within 2^(1/16)
-- (4.4 %) of the exact one.
CREATE FUNCTION analytics_wait_bucket(seconds DOUBLE PRECISION) RETURNS INTEGER LANGUAGE sql IMMUTABLE PARALLEL SAFE AS E'
  SELECT floor(8 * ln(1 + greatest(seconds, 0)) / ln(2))::integer
';

-- What one Item row contributes to AnalyticsDaily.
CREATE FUNCTION analytics_item_facts(created TIMESTAMP, rating INTEGER, first_answered TIMESTAMP)
RETURNS TABLE(metric "AnalyticsMetric", day DATE, bucket INTEGER) LANGUAGE sql IMMUTABLE AS E'
  SELECT ''RECEIVED''::"AnalyticsMetric", analytics_day(created), COALESCE(rating, 0)
  UNION ALL
  SELECT ''FIRST_ANSWER''::"AnalyticsMetric", analytics_day(first_answered),
    analytics_wait_bucket(EXTRACT(EPOCH FROM first_answered - created)::double precision)
  WHERE first_answered IS NOT NULL
';

-- Folds a seller's pending deltas into AnalyticsDaily, a no-op while another transaction folds them.
CREATE FUNCTION analytics_compact(seller TEXT) RETURNS VOID LANGUAGE plpgsql AS E'
BEGIN
  IF NOT pg_try_advisory_xact_lock(1230, hashtext(seller)) THEN
    RETURN\073
  END IF\073
  WITH moved AS (
    DELETE FROM "AnalyticsDailyDelta"
    WHERE "id" IN (SELECT "id" FROM "AnalyticsDailyDelta" WHERE "sellerId" = seller FOR UPDATE SKIP LOCKED)
    RETURNING "sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "delta"
  )
  INSERT INTO "AnalyticsDaily" AS a ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "count")
  SELECT "sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", SUM("delta")
  FROM moved
  GROUP BY "sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject"
  ORDER BY "accountId", "channel", "metric", "day", "bucket", "subject"
  ON CONFLICT ("accountId", "channel", "metric", "day", "bucket", "subject") DO UPDATE SET "count" = a."count" + EXCLUDED."count"\073
END\073
';

CREATE FUNCTION analytics_items_inserted() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "AnalyticsDailyDelta" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "delta")
    SELECT n."sellerId", n."accountId", n."marketplace", n."channel", f.metric, f.day, f.bucket, COUNT(*)
    FROM new_items AS n CROSS JOIN LATERAL analytics_item_facts(n."upstreamCreatedAt", n."rating", n."firstAnsweredAt") AS f
    GROUP BY n."sellerId", n."accountId", n."marketplace", n."channel", f.metric, f.day, f.bucket
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM analytics_compact(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE FUNCTION analytics_items_updated() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "AnalyticsDailyDelta" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "delta")
    SELECT "sellerId", "accountId", "marketplace", "channel", metric, day, bucket, SUM(change)
    FROM (
      SELECT n."sellerId", n."accountId", n."marketplace", n."channel", f.metric, f.day, f.bucket, 1 AS change
      FROM new_items AS n CROSS JOIN LATERAL analytics_item_facts(n."upstreamCreatedAt", n."rating", n."firstAnsweredAt") AS f
      UNION ALL
      SELECT o."sellerId", o."accountId", o."marketplace", o."channel", f.metric, f.day, f.bucket, -1 AS change
      FROM old_items AS o CROSS JOIN LATERAL analytics_item_facts(o."upstreamCreatedAt", o."rating", o."firstAnsweredAt") AS f
    ) AS changes
    GROUP BY "sellerId", "accountId", "marketplace", "channel", metric, day, bucket
    HAVING SUM(change) <> 0
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM analytics_compact(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

-- Items deleted with their account need no delta: the account's rollup rows go by the same cascade.
CREATE FUNCTION analytics_items_deleted() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "AnalyticsDailyDelta" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "delta")
    SELECT o."sellerId", o."accountId", o."marketplace", o."channel", f.metric, f.day, f.bucket, -COUNT(*)
    FROM old_items AS o CROSS JOIN LATERAL analytics_item_facts(o."upstreamCreatedAt", o."rating", o."firstAnsweredAt") AS f
    WHERE EXISTS (SELECT 1 FROM "MarketplaceAccount" AS a WHERE a."id" = o."accountId")
    GROUP BY o."sellerId", o."accountId", o."marketplace", o."channel", f.metric, f.day, f.bucket
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM analytics_compact(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER analytics_items_insert AFTER INSERT ON "Item"
  REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION analytics_items_inserted();
CREATE TRIGGER analytics_items_update AFTER UPDATE ON "Item"
  REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION analytics_items_updated();
CREATE TRIGGER analytics_items_delete AFTER DELETE ON "Item"
  REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION analytics_items_deleted();

-- Replies delivered from Inbox, per author and day: a reply counts once it is SENT. Replies removed
-- with their item (account removal) need no delta: the item is gone, and so are the account's rows.
CREATE FUNCTION analytics_replies_inserted() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH c AS (
    SELECT "itemId", "sentAt", COALESCE("authorId", '''') AS subject, 1 AS change
    FROM new_replies WHERE "status" = ''SENT'' AND "sentAt" IS NOT NULL
  ), added AS (
    INSERT INTO "AnalyticsDailyDelta" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "delta")
    SELECT i."sellerId", i."accountId", i."marketplace", i."channel", ''REPLY_SENT''::"AnalyticsMetric", analytics_day(c."sentAt"), 0, c.subject, SUM(c.change)
    FROM c JOIN "Item" AS i ON i."id" = c."itemId"
    GROUP BY i."sellerId", i."accountId", i."marketplace", i."channel", analytics_day(c."sentAt"), c.subject
    HAVING SUM(c.change) <> 0
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM analytics_compact(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE FUNCTION analytics_replies_updated() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH c AS (
    SELECT "itemId", "sentAt", COALESCE("authorId", '''') AS subject, 1 AS change
    FROM new_replies WHERE "status" = ''SENT'' AND "sentAt" IS NOT NULL
    UNION ALL
    SELECT "itemId", "sentAt", COALESCE("authorId", '''') AS subject, -1 AS change
    FROM old_replies WHERE "status" = ''SENT'' AND "sentAt" IS NOT NULL
  ), added AS (
    INSERT INTO "AnalyticsDailyDelta" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "delta")
    SELECT i."sellerId", i."accountId", i."marketplace", i."channel", ''REPLY_SENT''::"AnalyticsMetric", analytics_day(c."sentAt"), 0, c.subject, SUM(c.change)
    FROM c JOIN "Item" AS i ON i."id" = c."itemId"
    GROUP BY i."sellerId", i."accountId", i."marketplace", i."channel", analytics_day(c."sentAt"), c.subject
    HAVING SUM(c.change) <> 0
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM analytics_compact(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE FUNCTION analytics_replies_deleted() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH c AS (
    SELECT "itemId", "sentAt", COALESCE("authorId", '''') AS subject, -1 AS change
    FROM old_replies WHERE "status" = ''SENT'' AND "sentAt" IS NOT NULL
  ), added AS (
    INSERT INTO "AnalyticsDailyDelta" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "delta")
    SELECT i."sellerId", i."accountId", i."marketplace", i."channel", ''REPLY_SENT''::"AnalyticsMetric", analytics_day(c."sentAt"), 0, c.subject, SUM(c.change)
    FROM c JOIN "Item" AS i ON i."id" = c."itemId"
    GROUP BY i."sellerId", i."accountId", i."marketplace", i."channel", analytics_day(c."sentAt"), c.subject
    HAVING SUM(c.change) <> 0
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM analytics_compact(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER analytics_replies_insert AFTER INSERT ON "Reply"
  REFERENCING NEW TABLE AS new_replies FOR EACH STATEMENT EXECUTE FUNCTION analytics_replies_inserted();
CREATE TRIGGER analytics_replies_update AFTER UPDATE ON "Reply"
  REFERENCING OLD TABLE AS old_replies NEW TABLE AS new_replies FOR EACH STATEMENT EXECUTE FUNCTION analytics_replies_updated();
CREATE TRIGGER analytics_replies_delete AFTER DELETE ON "Reply"
  REFERENCING OLD TABLE AS old_replies FOR EACH STATEMENT EXECUTE FUNCTION analytics_replies_deleted();

-- First answers. Reviews and questions: stamped when the item becomes answered (a reply delivered,
-- or a sync that finds it answered elsewhere, at most one sync interval late). Items that arrive
-- already answered keep NULL: when they were answered is unknown. Now is read in UTC, as stored.
CREATE FUNCTION item_first_answer_stamp() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  NEW."firstAnsweredAt" := now() AT TIME ZONE ''UTC''\073
  RETURN NEW\073
END\073
';
CREATE TRIGGER item_first_answer BEFORE UPDATE OF "answered" ON "Item" FOR EACH ROW
  WHEN (NEW."answered" AND NOT OLD."answered" AND NEW."firstAnsweredAt" IS NULL AND NEW."channel" <> 'CHAT')
  EXECUTE FUNCTION item_first_answer_stamp();

-- Chats: the first seller message, from the messages themselves (whenever they arrive).
CREATE FUNCTION item_first_answer_from_messages() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Item" AS i SET "firstAnsweredAt" = o.first_out
  FROM (SELECT "itemId", MIN("sentAt") AS first_out FROM new_messages WHERE "direction" = ''OUT'' GROUP BY "itemId") AS o
  WHERE i."id" = o."itemId" AND i."channel" = ''CHAT''
    AND (i."firstAnsweredAt" IS NULL OR o.first_out < i."firstAnsweredAt")\073
  RETURN NULL\073
END\073
';
CREATE TRIGGER item_first_answer_messages AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION item_first_answer_from_messages();

-- Backfill: first answers known from stored messages and delivered replies, then the rollup.
UPDATE "Item" AS i SET "firstAnsweredAt" = o.first_out
FROM (
  SELECT m."itemId", MIN(m."sentAt") AS first_out FROM "Message" AS m JOIN "Item" AS c ON c."id" = m."itemId"
  WHERE m."direction" = 'OUT' AND c."channel" = 'CHAT'
  GROUP BY m."itemId"
) AS o
WHERE i."id" = o."itemId";

UPDATE "Item" AS i SET "firstAnsweredAt" = r.first_sent
FROM (SELECT "itemId", MIN("sentAt") AS first_sent FROM "Reply" WHERE "status" = 'SENT' AND "sentAt" IS NOT NULL GROUP BY "itemId") AS r
WHERE i."id" = r."itemId" AND i."channel" <> 'CHAT' AND i."answered" AND i."firstAnsweredAt" IS NULL;

DELETE FROM "AnalyticsDailyDelta";
DELETE FROM "AnalyticsDaily";

INSERT INTO "AnalyticsDaily" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "count")
SELECT i."sellerId", i."accountId", i."marketplace", i."channel", f.metric, f.day, f.bucket, '', COUNT(*)
FROM "Item" AS i CROSS JOIN LATERAL analytics_item_facts(i."upstreamCreatedAt", i."rating", i."firstAnsweredAt") AS f
GROUP BY i."sellerId", i."accountId", i."marketplace", i."channel", f.metric, f.day, f.bucket;

INSERT INTO "AnalyticsDaily" ("sellerId", "accountId", "marketplace", "channel", "metric", "day", "bucket", "subject", "count")
SELECT i."sellerId", i."accountId", i."marketplace", i."channel", 'REPLY_SENT'::"AnalyticsMetric", analytics_day(r."sentAt"), 0, COALESCE(r."authorId", ''), COUNT(*)
FROM "Reply" AS r JOIN "Item" AS i ON i."id" = r."itemId"
WHERE r."status" = 'SENT' AND r."sentAt" IS NOT NULL
GROUP BY i."sellerId", i."accountId", i."marketplace", i."channel", analytics_day(r."sentAt"), COALESCE(r."authorId", '');
