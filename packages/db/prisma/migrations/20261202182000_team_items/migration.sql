-- CreateEnum
CREATE TYPE "ItemEventKind" AS ENUM ('READ', 'ASSIGNED', 'NOTE_ADDED', 'REPLIED', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "assigneeId" TEXT;

-- CreateTable
CREATE TABLE "ItemNote" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "sellerId" TEXT NOT NULL,
    "authorId" TEXT,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemEvent" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "sellerId" TEXT NOT NULL,
    "kind" "ItemEventKind" NOT NULL,
    "actorId" TEXT,
    "assigneeId" TEXT,
    "read" BOOLEAN,
    "replyId" TEXT,
    "noteId" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ItemNote_itemId_createdAt_idx" ON "ItemNote"("itemId", "createdAt");

-- CreateIndex
CREATE INDEX "ItemEvent_itemId_createdAt_id_idx" ON "ItemEvent"("itemId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Item_assignee_activity_idx" ON "Item"("sellerId", "assigneeId", "lastActivityAt" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemNote" ADD CONSTRAINT "ItemNote_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemNote" ADD CONSTRAINT "ItemNote_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemEvent" ADD CONSTRAINT "ItemEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemEvent" ADD CONSTRAINT "ItemEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemEvent" ADD CONSTRAINT "ItemEvent_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- "Unassigned" pages: one ordered range per seller. Partial, because an "assigneeId" IS NULL key
-- condition does not let the planner read Item_assignee_activity_idx in the list's order.
CREATE INDEX "Item_unassigned_activity_idx" ON "Item"("sellerId", "lastActivityAt" DESC, "id" DESC) WHERE "assigneeId" IS NULL;

-- A member who leaves a seller is no longer the assignee of its items (the assignee is always a member).
CREATE FUNCTION item_unassign_departed_member() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Item" SET "assigneeId" = NULL WHERE "sellerId" = OLD."sellerId" AND "assigneeId" = OLD."userId"\073
  RETURN NULL\073
END\073
';
CREATE TRIGGER item_unassign_departed_member AFTER DELETE ON "Membership"
  FOR EACH ROW EXECUTE FUNCTION item_unassign_departed_member();
