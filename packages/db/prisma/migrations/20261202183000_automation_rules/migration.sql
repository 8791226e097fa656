-- Automation rules: a seller's conditions and an action (reply with a template, assign, mark read) that the
-- workers apply once per matching item. AutomationRun records each application, unique per rule and
-- item, so an item is never acted on twice by one rule. Reply.automationRuleId marks the replies a
-- rule wrote.

-- CreateEnum
CREATE TYPE "AutomationAction" AS ENUM ('REPLY', 'ASSIGN', 'MARK_READ');

-- CreateEnum
CREATE TYPE "TextPresence" AS ENUM ('ANY', 'WITH_TEXT', 'WITHOUT_TEXT');

-- CreateEnum
CREATE TYPE "AutomationOutcome" AS ENUM ('REPLIED', 'ASSIGNED', 'MARKED_READ', 'SKIPPED');

-- AlterTable
ALTER TABLE "Reply" ADD COLUMN "automationRuleId" TEXT;

-- CreateTable
CREATE TABLE "AutomationRule" (
    "id" TEXT NOT NULL,
    "sellerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "marketplaces" "Marketplace"[],
    "channels" "Channel"[],
    "ratings" INTEGER[],
    "textPresence" "TextPresence" NOT NULL DEFAULT 'ANY',
    "product" TEXT,
    "keywords" TEXT[],
    "action" "AutomationAction" NOT NULL,
    "templateId" TEXT,
    "assigneeId" TEXT,
    "delayMinutes" INTEGER NOT NULL DEFAULT 0,
    "dailyCap" INTEGER,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutomationRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationRun" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "outcome" "AutomationOutcome" NOT NULL,
    "replyId" TEXT,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AutomationRule_sellerId_name_idx" ON "AutomationRule"("sellerId", "name");

-- CreateIndex
CREATE INDEX "AutomationRule_enabled_idx" ON "AutomationRule"("enabled");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationRun_ruleId_itemId_key" ON "AutomationRun"("ruleId", "itemId");

-- CreateIndex
CREATE INDEX "AutomationRun_ruleId_createdAt_idx" ON "AutomationRun"("ruleId", "createdAt");

-- CreateIndex
CREATE INDEX "AutomationRun_itemId_idx" ON "AutomationRun"("itemId");

-- AddForeignKey
ALTER TABLE "Reply" ADD CONSTRAINT "Reply_automationRuleId_fkey" FOREIGN KEY ("automationRuleId") REFERENCES "AutomationRule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRule" ADD CONSTRAINT "AutomationRule_sellerId_fkey" FOREIGN KEY ("sellerId") REFERENCES "Seller"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRule" ADD CONSTRAINT "AutomationRule_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "ReplyTemplate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRule" ADD CONSTRAINT "AutomationRule_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AutomationRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationRun" ADD CONSTRAINT "AutomationRun_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;
