-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "lastMessageAt" TIMESTAMP(3),
ADD COLUMN     "lastMessageText" TEXT,
ADD COLUMN     "messageCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "InboxCount" (
    "sellerId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "channel" "Channel" NOT NULL,
    "answered" BOOLEAN NOT NULL,
    "read" BOOLEAN NOT NULL,
    "items" INTEGER NOT NULL,

    CONSTRAINT "InboxCount_pkey" PRIMARY KEY ("accountId","channel","answered","read")
);

-- CreateTable
CREATE TABLE "InboxCountDelta" (
    "id" BIGSERIAL NOT NULL,
    "sellerId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "channel" "Channel" NOT NULL,
    "answered" BOOLEAN NOT NULL,
    "read" BOOLEAN NOT NULL,
    "delta" INTEGER NOT NULL,

    CONSTRAINT "InboxCountDelta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboxCount_sellerId_idx" ON "InboxCount"("sellerId");

-- CreateIndex
CREATE INDEX "InboxCountDelta_sellerId_idx" ON "InboxCountDelta"("sellerId");

-- CreateIndex
CREATE INDEX "InboxCountDelta_accountId_idx" ON "InboxCountDelta"("accountId");

-- CreateIndex
CREATE INDEX "Item_bucket_activity_idx" ON "Item"("sellerId", "marketplace", "channel", "answered", "read", "lastActivityAt" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "InboxCount" ADD CONSTRAINT "InboxCount_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboxCountDelta" ADD CONSTRAINT "InboxCountDelta_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "MarketplaceAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Inbox counts, kept by the database (docs/performance.md, "Read path"). Every write to Item
-- (ingest, reply delivery, mark read, account or seller deletion) appends one delta row per changed
-- (account, channel, answered, read) key from STATEMENT-level triggers with transition tables, so no
-- application code can forget them. Writers only append, so concurrent writers never wait on a
-- shared counter row (no lock queue, no deadlock). The writing statement then folds its seller's
-- deltas into InboxCount unless another transaction is folding them (advisory try-lock): the
-- delta table stays a handful of rows, and a count is always InboxCount + pending deltas, exact
-- in any snapshot.

-- Function bodies are E'' strings with \073 for each semicolon: Prisma's pg adapter runs a migration
-- by splitting it at every semicolon, even inside dollar quotes.

-- Folds a seller's pending deltas into InboxCount, a no-op while another transaction holds the fold.
-- Deltas locked by an account deletion in progress are left to it (SKIP LOCKED), so the fold never waits.
CREATE FUNCTION inbox_compact_counts(seller TEXT) RETURNS VOID LANGUAGE plpgsql AS E'
BEGIN
  IF NOT pg_try_advisory_xact_lock(1229, hashtext(seller)) THEN
    RETURN\073
  END IF\073
  WITH moved AS (
    DELETE FROM "InboxCountDelta"
    WHERE "id" IN (SELECT "id" FROM "InboxCountDelta" WHERE "sellerId" = seller FOR UPDATE SKIP LOCKED)
    RETURNING "sellerId", "accountId", "marketplace", "channel", "answered", "read", "delta"
  )
  INSERT INTO "InboxCount" AS c ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "items")
  SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", SUM("delta")
  FROM moved
  GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read"
  ORDER BY "accountId", "channel", "answered", "read"
  ON CONFLICT ("accountId", "channel", "answered", "read") DO UPDATE SET "items" = c."items" + EXCLUDED."items"\073
END\073
';

CREATE FUNCTION inbox_count_inserted_items() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "delta")
    SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", COUNT(*)
    FROM new_items
    GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read"
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM inbox_compact_counts(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE FUNCTION inbox_count_updated_items() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "delta")
    SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", SUM(change)
    FROM (
      SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", 1 AS change FROM new_items
      UNION ALL
      SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", -1 AS change FROM old_items
    ) AS changes
    GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read"
    HAVING SUM(change) <> 0
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM inbox_compact_counts(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

-- Items deleted along with their account (or seller) need no delta: the account's counts and
-- deltas are deleted by the same cascade.
CREATE FUNCTION inbox_count_deleted_items() RETURNS TRIGGER LANGUAGE plpgsql AS E'
DECLARE
  sellers TEXT[]\073
BEGIN
  WITH added AS (
    INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "delta")
    SELECT o."sellerId", o."accountId", o."marketplace", o."channel", o."answered", o."read", -COUNT(*)
    FROM old_items AS o
    WHERE EXISTS (SELECT 1 FROM "MarketplaceAccount" AS a WHERE a."id" = o."accountId")
    GROUP BY o."sellerId", o."accountId", o."marketplace", o."channel", o."answered", o."read"
    RETURNING "sellerId"
  )
  SELECT ARRAY_AGG(DISTINCT "sellerId" ORDER BY "sellerId") INTO sellers FROM added\073
  PERFORM inbox_compact_counts(seller) FROM UNNEST(sellers) AS seller\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER inbox_count_insert AFTER INSERT ON "Item"
  REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION inbox_count_inserted_items();
CREATE TRIGGER inbox_count_update AFTER UPDATE ON "Item"
  REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION inbox_count_updated_items();
CREATE TRIGGER inbox_count_delete AFTER DELETE ON "Item"
  REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION inbox_count_deleted_items();

INSERT INTO "InboxCount" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "items")
SELECT "sellerId", "accountId", "marketplace", "channel", "answered", "read", COUNT(*)
FROM "Item"
GROUP BY "sellerId", "accountId", "marketplace", "channel", "answered", "read";

-- ---------------------------------------------------------------------------------------------
-- Item.messageCount and the newest message (chat previews), kept by statement triggers on Message.
-- Newest = greatest (sentAt, id), the order the item page shows messages in.

CREATE FUNCTION item_messages_inserted() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Item" AS i
  SET "messageCount" = i."messageCount" + added.messages,
      "lastMessageAt" = CASE WHEN i."lastMessageAt" IS NULL OR added.newest_at >= i."lastMessageAt" THEN added.newest_at ELSE i."lastMessageAt" END,
      "lastMessageText" = CASE WHEN i."lastMessageAt" IS NULL OR added.newest_at >= i."lastMessageAt" THEN added.newest_text ELSE i."lastMessageText" END
  FROM (
    SELECT DISTINCT ON ("itemId") "itemId", COUNT(*) OVER (PARTITION BY "itemId") AS messages, "sentAt" AS newest_at, "text" AS newest_text
    FROM new_messages
    ORDER BY "itemId", "sentAt" DESC, "id" DESC
  ) AS added
  WHERE i."id" = added."itemId"\073
  RETURN NULL\073
END\073
';

-- Rare (messages go with their item), recomputed from what is left so the summary stays exact.
CREATE FUNCTION item_messages_deleted() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Item" AS i
  SET "messageCount" = (SELECT COUNT(*) FROM "Message" AS m WHERE m."itemId" = i."id"),
      "lastMessageAt" = newest."sentAt",
      "lastMessageText" = newest."text"
  FROM (SELECT DISTINCT "itemId" FROM old_messages) AS touched
  LEFT JOIN LATERAL (
    SELECT m."sentAt", m."text" FROM "Message" AS m WHERE m."itemId" = touched."itemId" ORDER BY m."sentAt" DESC, m."id" DESC LIMIT 1
  ) AS newest ON TRUE
  WHERE i."id" = touched."itemId"\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER item_messages_insert AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION item_messages_inserted();
CREATE TRIGGER item_messages_delete AFTER DELETE ON "Message"
  REFERENCING OLD TABLE AS old_messages FOR EACH STATEMENT EXECUTE FUNCTION item_messages_deleted();

UPDATE "Item" AS i
SET "messageCount" = summary.messages, "lastMessageAt" = summary.newest_at, "lastMessageText" = summary.newest_text
FROM (
  SELECT DISTINCT ON ("itemId") "itemId", COUNT(*) OVER (PARTITION BY "itemId") AS messages, "sentAt" AS newest_at, "text" AS newest_text
  FROM "Message"
  ORDER BY "itemId", "sentAt" DESC, "id" DESC
) AS summary
WHERE i."id" = summary."itemId";
