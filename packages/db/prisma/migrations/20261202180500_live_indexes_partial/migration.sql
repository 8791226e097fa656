-- The live replay indexes of migration live_updates become partial ("liveVersion" > 0, which the
-- live reads state, services/live.ts): as the smallest index that starts with "sellerId" the full
-- one was the planner's pick for the inbox's own seller lookups (a rare search word over several
-- sellers), which the read path's plans keep on their own indexes (test/inbox-query-plans.test.ts).
DROP INDEX "Item_sellerId_liveVersion_idx";
CREATE INDEX "Item_sellerId_liveVersion_idx" ON "Item"("sellerId", "liveVersion") WHERE "liveVersion" > 0;
DROP INDEX "Reply_sellerId_liveVersion_idx";
CREATE INDEX "Reply_sellerId_liveVersion_idx" ON "Reply"("sellerId", "liveVersion") WHERE "liveVersion" > 0;
