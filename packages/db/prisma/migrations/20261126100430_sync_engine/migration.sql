-- AlterTable
ALTER TABLE "MarketplaceAccount" ADD COLUMN     "lastSyncedAt" TIMESTAMP(3),
ADD COLUMN     "syncIntervalMinutes" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "syncLeaseOwner" TEXT,
ADD COLUMN     "syncLeaseUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Reply" ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'incremental',
ADD COLUMN     "pages" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "SyncState" ADD COLUMN     "lastRescanAt" TIMESTAMP(3),
ADD COLUMN     "rescanCursor" TEXT,
ADD COLUMN     "rescanFrom" TIMESTAMP(3);
