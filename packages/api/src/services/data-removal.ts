// Deleting marketplace accounts or whole sellers, with everything they hold (items, messages,
// replies, counters, rollups cascade from them), while the workers keep running.
//
// The app writes rows in one order: a reply, then its item (a trigger keeps Item.replyState), then
// rows that reference the item's account (the counter and analytics deltas its statement triggers
// insert take a key-share lock on the account). A cascade goes the other way (account, items,
// replies), so at the same time the two deadlock. Taking the replies' and then the items' row locks
// before deleting anything puts the removal in the app's order: a write in flight finishes first,
// and one that starts later waits, then finds its rows gone.
//
// Internal notes and history entries (ItemNote, ItemEvent) reference the item and cascade with it: the
// app writes them after the reply row (delivery outcome) or after locking the item (assignment: FOR
// UPDATE; notes: FOR KEY SHARE), so they keep the same order.
import { Prisma, type PrismaClient } from "@inbox/db";

/** A large account's cascade (hundreds of thousands of items, each with triggers) takes minutes. */
const REMOVAL_TIMEOUT_MS = 15 * 60_000;

export function removeAccounts(prisma: PrismaClient, accountIds: string[]): Promise<void> {
  return removeWithReplies(prisma, Prisma.sql`i."accountId"`, accountIds, (tx) =>
    tx.marketplaceAccount.deleteMany({ where: { id: { in: accountIds } } }),
  );
}

export function removeSellers(prisma: PrismaClient, sellerIds: string[]): Promise<void> {
  return removeWithReplies(prisma, Prisma.sql`i."sellerId"`, sellerIds, (tx) => tx.seller.deleteMany({ where: { id: { in: sellerIds } } }));
}

async function removeWithReplies(
  prisma: PrismaClient,
  itemColumn: Prisma.Sql,
  ids: string[],
  remove: (tx: Prisma.TransactionClient) => Promise<unknown>,
): Promise<void> {
  if (ids.length === 0) return;
  await prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`
        SELECT count(*) FROM (
          SELECT 1 FROM "Reply" r JOIN "Item" i ON i."id" = r."itemId"
          WHERE ${itemColumn} = ANY(${ids}::text[]) ORDER BY r."id" FOR UPDATE OF r
        ) AS locked`;
      await tx.$queryRaw`
        SELECT count(*) FROM (SELECT 1 FROM "Item" i WHERE ${itemColumn} = ANY(${ids}::text[]) ORDER BY i."id" FOR UPDATE) AS locked`;
      await remove(tx);
    },
    { timeout: REMOVAL_TIMEOUT_MS },
  );
}
