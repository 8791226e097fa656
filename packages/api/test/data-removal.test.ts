// Removing an account or a seller while the app writes its rows (the reply worker writes a reply, an
// agent marks an item read): the removal waits for the writer's transaction instead of deadlocking
// with it, and both complete.
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { removeAccounts, removeSellers } from "../src/services/data-removal";
import { createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();

async function sellerWithQueuedReply(prisma: PrismaClient, name: string) {
  const world = await createSellerWithItems(prisma, name, [{ channel: "REVIEW" }]);
  const author = await createUser(prisma, `${name}-agent`);
  const [item] = world.items;
  const reply = await prisma.reply.create({
    data: { itemId: item!.id, authorId: author.id, text: "Спасибо!", idempotencyKey: `${name}-key` },
  });
  return { ...world, item: item!, reply };
}

/** Resolves once some backend waits on a row lock (the removal, blocked by the worker). */
async function someoneWaitsForALock(prisma: PrismaClient) {
  for (;;) {
    const [row] = await prisma.$queryRaw<{ waiting: bigint }[]>`
      SELECT count(*) AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row && row.waiting > 0n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The reply worker's order of locks (services in sync/deliver-reply.ts): its reply first, then its
 * item (the trigger that keeps Item.replyState). Between the two, the removal starts and the item
 * write comes only once the removal waits on a lock. Resolves when both have committed.
 */
async function removeWhileWorkerWrites(prisma: PrismaClient, replyId: string, itemId: string, remove: () => Promise<void>) {
  let removal: Promise<void> = Promise.resolve();
  await prisma.$transaction(async (tx) => {
    await tx.reply.update({ where: { id: replyId }, data: { error: "checking upstream" } });
    removal = remove();
    await someoneWaitsForALock(prisma);
    await tx.item.update({ where: { id: itemId }, data: { read: true } });
  });
  await removal;
}

describe("removing data the reply worker is writing", () => {
  it("a seller's removal waits for the worker's reply transaction, then deletes everything", async () => {
    const { prisma } = database();
    const { seller, item, reply } = await sellerWithQueuedReply(prisma, "removal-seller");
    await removeWhileWorkerWrites(prisma, reply.id, item.id, () => removeSellers(prisma, [seller.id]));
    expect(await prisma.seller.findUnique({ where: { id: seller.id } })).toBeNull();
    expect(await prisma.item.count({ where: { sellerId: seller.id } })).toBe(0);
    expect(await prisma.reply.count({ where: { id: reply.id } })).toBe(0);
  });

  it("an account's removal waits for the worker's reply transaction and leaves the seller's other account", async () => {
    const { prisma } = database();
    const { seller, accounts, item, reply } = await sellerWithQueuedReply(prisma, "removal-account");
    await removeWhileWorkerWrites(prisma, reply.id, item.id, () => removeAccounts(prisma, [accounts.WILDBERRIES.id]));
    expect(await prisma.marketplaceAccount.findMany({ where: { sellerId: seller.id }, select: { id: true } })).toEqual([
      { id: accounts.OZON.id },
    ]);
    expect(await prisma.item.count({ where: { id: item.id } })).toBe(0);
  });
});

/**
 * Marking an item read (inbox-read.ts): the UPDATE locks the item row first, and its statement
 * triggers then insert counter deltas that reference the account (a key-share lock on it). The
 * removal starts between the two; the trigger's write comes once the removal waits on a lock.
 */
async function removeWhileItemIsMarkedRead(prisma: PrismaClient, itemId: string, accountId: string, remove: () => Promise<void>) {
  let removal: Promise<void> = Promise.resolve();
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "id" FROM "Item" WHERE "id" = ${itemId} FOR NO KEY UPDATE`;
    removal = remove();
    await someoneWaitsForALock(prisma);
    await tx.$executeRaw`
      INSERT INTO "InboxCountDelta" ("sellerId", "accountId", "marketplace", "channel", "answered", "read", "replyState", "rating", "delta")
      SELECT "sellerId", "accountId", "marketplace", "channel", "answered", true, "replyState", COALESCE("rating", 0), 0
      FROM "Item" WHERE "id" = ${itemId} AND "accountId" = ${accountId}`;
  });
  await removal;
}

describe("removing data an agent is marking read", () => {
  it("a seller's removal waits for the mark-read transaction, then deletes everything", async () => {
    const { prisma } = database();
    const { seller, accounts, items } = await createSellerWithItems(prisma, "removal-read-seller", [{ channel: "REVIEW" }]);
    await removeWhileItemIsMarkedRead(prisma, items[0]!.id, accounts.WILDBERRIES.id, () => removeSellers(prisma, [seller.id]));
    expect(await prisma.seller.findUnique({ where: { id: seller.id } })).toBeNull();
    expect(await prisma.item.count({ where: { sellerId: seller.id } })).toBe(0);
  });

  it("an account's removal waits for the mark-read transaction, then deletes the account's items", async () => {
    const { prisma } = database();
    const { accounts, items } = await createSellerWithItems(prisma, "removal-read-account", [{ channel: "REVIEW" }]);
    await removeWhileItemIsMarkedRead(prisma, items[0]!.id, accounts.WILDBERRIES.id, () =>
      removeAccounts(prisma, [accounts.WILDBERRIES.id]),
    );
    expect(await prisma.marketplaceAccount.count({ where: { id: accounts.WILDBERRIES.id } })).toBe(0);
    expect(await prisma.item.count({ where: { id: items[0]!.id } })).toBe(0);
  });
});
