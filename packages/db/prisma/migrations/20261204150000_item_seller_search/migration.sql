-- Search words within one seller: the seller's id as a key of the search index (btree_gin, a trusted
-- extension as pg_trgm is), so one seller's matches come from the index alone instead of the words'
-- matches of every seller ANDed with a bitmap of all the seller's rows (docs/performance.md, "Counts
-- beside the filters"). Words alone (several sellers) still read the searchVector key only.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- DropIndex
DROP INDEX "Item_search_idx";

-- CreateIndex
CREATE INDEX "Item_seller_search_idx" ON "Item" USING GIN ("sellerId", "searchVector");
