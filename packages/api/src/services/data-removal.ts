// Deleting marketplace accounts or whole sellers, with everything they hold (items, messages,
// replies, counters, rollups cascade from them), while the workers keep running.
//
// The reply worker writes a reply first and its item after (a trigger keeps Item.replyState), and a
// cascade deletes items first and their replies after: at the same time, the two deadlock. Taking
// the replies' row locks first puts the delete in the worker's order: an attempt in flight finishes
// first, and one that starts later waits, then finds its reply gone.
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
        SELECT r."id" FROM "Reply" r JOIN "Item" i ON i."id" = r."itemId"
        WHERE ${itemColumn} = ANY(${ids}::text[]) ORDER BY r."id" FOR UPDATE OF r`;
      await remove(tx);
    },
    { timeout: REMOVAL_TIMEOUT_MS },
  );
}
