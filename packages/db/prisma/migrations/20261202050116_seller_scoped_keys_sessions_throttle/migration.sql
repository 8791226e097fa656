-- DropIndex
DROP INDEX "Reply_idempotencyKey_key";

-- AlterTable
ALTER TABLE "Reply" ADD COLUMN     "sellerId" TEXT;

-- Existing replies take the seller of their item. Keys were unique across all sellers until now,
-- so they stay unique within each.
UPDATE "Reply" r SET "sellerId" = i."sellerId" FROM "Item" i WHERE i."id" = r."itemId";

-- Every new reply takes the seller of its item, whoever inserts it. The body is an E-string with
-- \073 for each semicolon (see 20261202010604_inbox_read_path).
CREATE FUNCTION reply_set_seller() RETURNS TRIGGER LANGUAGE plpgsql AS E'
BEGIN
  SELECT "sellerId" INTO NEW."sellerId" FROM "Item" WHERE "id" = NEW."itemId"\073
  RETURN NEW\073
END\073
';

CREATE TRIGGER "Reply_set_seller" BEFORE INSERT OR UPDATE OF "itemId" ON "Reply" FOR EACH ROW EXECUTE FUNCTION reply_set_seller();

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "SignInFailure" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInFailure_email_createdAt_idx" ON "SignInFailure"("email", "createdAt");

-- CreateIndex
CREATE INDEX "SignInFailure_ip_createdAt_idx" ON "SignInFailure"("ip", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reply_sellerId_idempotencyKey_key" ON "Reply"("sellerId", "idempotencyKey");
