-- Live updates (docs/architecture.md, "Live updates"): every write to an item or a reply stamps the
-- row with the writing transaction's id, and each statement tells the listening app processes which
-- sellers it touched, once per seller, on commit.

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "liveVersion" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "Reply" ADD COLUMN     "liveVersion" BIGINT NOT NULL DEFAULT 0;

-- The replay after a reconnect: the rows a seller's transactions wrote since a watermark, one range
-- seek per seller.
CREATE INDEX "Item_sellerId_liveVersion_idx" ON "Item"("sellerId", "liveVersion");
CREATE INDEX "Reply_sellerId_liveVersion_idx" ON "Reply"("sellerId", "liveVersion");

-- The transaction id (xid8, never wraps around), not a sequence or a clock: a stream's cursor is the
-- oldest transaction still running when it last read (pg_snapshot_xmin), and every row a later
-- commit writes carries an id at or above it, however commits interleave.
CREATE FUNCTION live_version_stamp() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  NEW."liveVersion" := pg_current_xact_id()::text::bigint\073
  RETURN NEW\073
END\073
';

CREATE TRIGGER item_live_version BEFORE INSERT OR UPDATE ON "Item" FOR EACH ROW EXECUTE FUNCTION live_version_stamp();
CREATE TRIGGER reply_live_version BEFORE INSERT OR UPDATE ON "Reply" FOR EACH ROW EXECUTE FUNCTION live_version_stamp();

-- One notification per seller and statement, however many rows it wrote (an ingest of 50,000 items
-- is one). The payload is the seller id only: listeners read what changed from the rows. PostgreSQL
-- delivers it on commit and folds identical ones of a transaction into one.
CREATE FUNCTION live_notify_sellers() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''inbox_live'', seller) FROM (SELECT DISTINCT "sellerId" FROM changed_rows WHERE "sellerId" IS NOT NULL) AS touched(seller)\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER item_live_notify_insert AFTER INSERT ON "Item"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION live_notify_sellers();
CREATE TRIGGER item_live_notify_update AFTER UPDATE ON "Item"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION live_notify_sellers();
CREATE TRIGGER reply_live_notify_insert AFTER INSERT ON "Reply"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION live_notify_sellers();
CREATE TRIGGER reply_live_notify_update AFTER UPDATE ON "Reply"
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION live_notify_sellers();
