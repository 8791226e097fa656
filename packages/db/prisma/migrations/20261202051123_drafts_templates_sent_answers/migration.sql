-- Trigram similarity for the repetition check (SentAnswer). pg_trgm is a trusted extension (PostgreSQL 13+),
-- so the database owner may create it, and the embedded PostgreSQL ships it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateTable
CREATE TABLE "Draft" (
    "itemId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Draft_pkey" PRIMARY KEY ("itemId","userId")
);

-- CreateTable
CREATE TABLE "ReplyTemplate" (
    "id" TEXT NOT NULL,
    "sellerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "channel" "Channel",
    "ratings" INTEGER[],
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReplyTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SentAnswer" (
    "id" TEXT NOT NULL,
    "sellerId" TEXT NOT NULL,
    "replyId" TEXT NOT NULL,
    "normalizedText" TEXT NOT NULL,
    "textHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SentAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReplyTemplate_sellerId_name_idx" ON "ReplyTemplate"("sellerId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "SentAnswer_replyId_key" ON "SentAnswer"("replyId");

-- CreateIndex
CREATE INDEX "SentAnswer_sellerId_textHash_idx" ON "SentAnswer"("sellerId", "textHash");

-- CreateIndex
CREATE INDEX "SentAnswer_sellerId_createdAt_idx" ON "SentAnswer"("sellerId", "createdAt");

-- CreateIndex
CREATE INDEX "SentAnswer_normalizedText_trgm_idx" ON "SentAnswer" USING GIN ("normalizedText" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "Draft" ADD CONSTRAINT "Draft_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Draft" ADD CONSTRAINT "Draft_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplyTemplate" ADD CONSTRAINT "ReplyTemplate_sellerId_fkey" FOREIGN KEY ("sellerId") REFERENCES "Seller"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SentAnswer" ADD CONSTRAINT "SentAnswer_sellerId_fkey" FOREIGN KEY ("sellerId") REFERENCES "Seller"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SentAnswer" ADD CONSTRAINT "SentAnswer_replyId_fkey" FOREIGN KEY ("replyId") REFERENCES "Reply"("id") ON DELETE CASCADE ON UPDATE CASCADE;
