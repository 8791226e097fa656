-- The triage inbox (docs/performance.md, "Read path", and docs/inbox-api.md): reply state and Russian
-- full-text search on Item, indexes for every list the inbox offers, and counters keyed by every
-- cheap filter dimension (account, channel, answered, read, reply state, rating).

-- CreateEnum
CREATE TYPE "ReplyState" AS ENUM ('NONE', 'PENDING', 'FAILED');

-- Counters get the new key columns, and their rows are recomputed below, after the triggers are replaced.
ALTER TABLE "InboxCount" DROP CONSTRAINT "InboxCount_pkey",
ADD COLUMN     "rating" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "replyState" "ReplyState" NOT NULL DEFAULT 'NONE',
ADD CONSTRAINT "InboxCount_pkey" PRIMARY KEY ("accountId", "channel", "answered", "read", "replyState", "rating");

ALTER TABLE "InboxCountDelta" ADD COLUMN     "rating" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "replyState" "ReplyState" NOT NULL DEFAULT 'NONE';

-- The search document: product name (weight A, so the product filter can match its words alone),
-- author (B), the item's own words and the newest chat message (C), our answer (D). Generated, so no
-- writer can forget it.
ALTER TABLE "Item" ADD COLUMN     "replyState" "ReplyState" NOT NULL DEFAULT 'NONE',
ADD COLUMN     "searchVector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('russian'::regconfig, coalesce("productName", '')), 'A') ||
  setweight(to_tsvector('russian'::regconfig, coalesce("authorName", '')), 'B') ||
  setweight(to_tsvector('russian'::regconfig, coalesce("text", '') || ' ' || coalesce("pros", '') || ' ' || coalesce("cons", '') || ' ' || coalesce("lastMessageText", '')), 'C') ||
  setweight(to_tsvector('russian'::regconfig, coalesce("answerText", '')), 'D')
) STORED;

-- CreateIndex
CREATE INDEX "Item_rating_activity_idx" ON "Item"("sellerId", "rating", "lastActivityAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Item_reply_state_activity_idx" ON "Item"("sellerId", "replyState", "lastActivityAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Item_product_article_activity_idx" ON "Item"("sellerId", "productArticle", "lastActivityAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Item_product_id_activity_idx" ON "Item"("sellerId", "productExternalId", "lastActivityAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Item_search_idx" ON "Item" USING GIN ("searchVector");

-- ---------------------------------------------------------------------------------------------
-- Counters keyed by (account, channel, answered, read, replyState, rating), the same design as in
-- 20261202010604_inbox_read_path (append-only deltas from statement triggers, folded under an
-- advisory try-lock), with the two new key columns. A missing rating counts as 0.

CREATE OR REPLACE FUNCTION inbox_compact_counts(seller TEXT) RETURNS VOID LANGUAGE plpgsql AS E'
BEGIN
  IF NOT pg_try_advisory_xact_lock(1229, hashtext(seller)) THEN
    RETURN\073
  END IF\073
  WITH moved AS (
    DELETE FROM "InboxCountDelta"
    WHERE "id" IN (SELECT "id" FROM "InboxCountDelta" WHERE "sellerId" = seller FOR UPDATE SKIP LOCKED)
    RETURNING "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "delta"
  )
  INSERT INTO "InboxCount" AS c ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "items")
  SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", SUM("delta")
  FROM moved
  GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating"
  ORDER BY "accountId", "channel", "answered", "read", "replyState", "rating"
  ON CONFLICT ("accountId", "channel", "answered", "read", "replyState", "rating") DO UPDATE SET "items" = c."items" + EXCLUDED."items"\073
END\073
';

CREATE OR REPLACE FUNCTION inbox_count_inserted_items() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "delta")
    SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", COALESCE("rating", 0), COUNT(*)
    FROM new_items
    GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", COALESCE("rating", 0)
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM inbox_compact_counts(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE OR REPLACE FUNCTION inbox_count_updated_items() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "delta")
    SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", SUM(change)
    FROM (
      SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", COALESCE("rating", 0) AS "rating", 1 AS change FROM new_items
      UNION ALL
      SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", COALESCE("rating", 0) AS "rating", -1 AS change FROM old_items
    ) AS changes
    GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating"
    HAVING SUM(change) <> 0
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM inbox_compact_counts(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE OR REPLACE FUNCTION inbox_count_deleted_items() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "delta")
    SELECT o."sellerId", o."accountId", o."marketplace", o."channel", o."answered", o."read", o."replyState", COALESCE(o."rating", 0), -COUNT(*)
    FROM old_items AS o
    WHERE EXISTS (SELECT 1 FROM "MarketplaceAccount" AS a WHERE a."id" = o."accountId")
    GROUP BY o."sellerId", o."accountId", o."marketplace", o."channel", o."answered", o."read", o."replyState", COALESCE(o."rating", 0)
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM inbox_compact_counts(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

-- ---------------------------------------------------------------------------------------------
-- Item.replyState follows the item's latest reply (greatest createdAt, then id): PENDING while it is
-- queued or being sent, FAILED when it failed, NONE otherwise. Only changed rows are written, so the
-- counters above see exactly the moves between states.

CREATE FUNCTION item_reply_state_refresh() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Item" AS i
  SET "replyState" = latest.state
  FROM (
    SELECT touched."itemId",
      COALESCE((
        SELECT CASE r."status" WHEN ''PENDING'' THEN ''PENDING'' WHEN ''SENDING'' THEN ''PENDING'' WHEN ''FAILED'' THEN ''FAILED'' ELSE ''NONE'' END
        FROM "Reply" AS r WHERE r."itemId" = touched."itemId" ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1
      ), ''NONE'')::"ReplyState" AS state
    FROM (SELECT DISTINCT "itemId" FROM changed_replies) AS touched
  ) AS latest
  WHERE i."id" = latest."itemId" AND i."replyState" IS DISTINCT FROM latest.state\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER item_reply_state_insert AFTER INSERT ON "Reply"
  REFERENCING NEW TABLE AS changed_replies FOR EACH STATEMENT EXECUTE FUNCTION item_reply_state_refresh();
CREATE TRIGGER item_reply_state_update AFTER UPDATE ON "Reply"
  REFERENCING NEW TABLE AS changed_replies FOR EACH STATEMENT EXECUTE FUNCTION item_reply_state_refresh();
CREATE TRIGGER item_reply_state_delete AFTER DELETE ON "Reply"
  REFERENCING OLD TABLE AS changed_replies FOR EACH STATEMENT EXECUTE FUNCTION item_reply_state_refresh();

-- Existing rows: reply state from their latest reply, then the counters from scratch.
UPDATE "Item" AS i
SET "replyState" = latest.state
FROM (
  SELECT DISTINCT ON ("itemId") "itemId",
    (CASE "status" WHEN 'PENDING' THEN 'PENDING' WHEN 'SENDING' THEN 'PENDING' WHEN 'FAILED' THEN 'FAILED' ELSE 'NONE' END)::"ReplyState" AS state
  FROM "Reply"
  ORDER BY "itemId", "createdAt" DESC, "id" DESC
) AS latest
WHERE i."id" = latest."itemId" AND latest.state <> 'NONE';

DELETE FROM "InboxCountDelta";
DELETE FROM "InboxCount";
INSERT INTO "InboxCount" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "items")
SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", COALESCE("rating", 0), COUNT(*)
FROM "Item"
GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", COALESCE("rating", 0);
