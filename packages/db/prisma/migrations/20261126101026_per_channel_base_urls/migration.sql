-- AlterTable
ALTER TABLE "MarketplaceAccount" DROP COLUMN "baseUrl",
ADD COLUMN     "baseUrls" JSONB;
