-- The buyer's order behind a review (Wildberries orderStatus, Ozon order_status), shown on the item.
-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('BOUGHT', 'REJECTED', 'RETURNED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "orderStatus" "OrderStatus";
