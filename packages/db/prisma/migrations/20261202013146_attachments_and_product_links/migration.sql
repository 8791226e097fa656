-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "attachments" JSONB,
ADD COLUMN     "productUrl" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "attachments" JSONB;
