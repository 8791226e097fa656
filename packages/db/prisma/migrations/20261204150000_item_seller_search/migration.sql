-- Search words within sellers, marketplaces and ratings: those columns as keys of the search index
-- (btree_gin, a trusted extension as pg_trgm is), so the matches of words and such conditions come
-- from the index alone, its posting lists intersected, instead of the words' matches of every seller
-- ANDed with a bitmap of all a seller's rows, or a walk of a rating's rows for a word they never hold
-- (docs/performance.md, "Counts beside the filters"). Words alone (several sellers) read their key only.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- DropIndex
DROP INDEX "Item_search_idx";

-- CreateIndex
CREATE INDEX "Item_seller_search_idx" ON "Item" USING GIN ("sellerId", "marketplace", "rating", "searchVector");
