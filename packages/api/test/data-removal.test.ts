// Removing an account or a seller while the reply worker writes one of its replies: the removal
// waits for the worker's transaction instead of deadlocking with it, and both complete.
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
