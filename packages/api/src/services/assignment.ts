// Who takes care of an item: a member of the item's seller, or nobody. Owners and agents assign
// (the routers check the role); the assignee's membership is checked here, in the transaction that
// assigns, with its row share-locked so a member cannot leave meanwhile and stay assignee (the
// Membership delete trigger of migration team_items clears assignments of members who leave).
// Locks are taken membership first, then items: the order of that trigger (membership deleted, then
// its items updated), so the two never deadlock.
import { Prisma, type PrismaClient, type Role } from "@inbox/db";
import { AppError } from "../errors";
import type { ResolvedSelection, SelectedItem } from "./inbox-selection";
import { EVENT_TIME, recordItemEvent } from "./item-history";

export interface Assignee {
  id: string;
  name: string;
}

/** Everyone an item of the seller can be assigned to: its members, by name. */
export async function listAssignableMembers(prisma: PrismaClient, sellerId: string): Promise<Array<Assignee & { role: Role }>> {
  // One join, one snapshot: Prisma's relation query reads memberships and users in two statements,
  // and a user deleted between them came back as a null user (a 500).
  return prisma.$queryRaw<Array<Assignee & { role: Role }>>`
    SELECT u."id", u."name", m."role"::text AS "role"
    FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."sellerId" = ${sellerId}
    ORDER BY u."name", m."userId"`;
}

async function lockMember(tx: Prisma.TransactionClient, sellerId: string, userId: string): Promise<Assignee | null> {
  const [member] = await tx.$queryRaw<Assignee[]>`
    SELECT u."id", u."name" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."sellerId" = ${sellerId} AND m."userId" = ${userId} FOR SHARE OF m`;
  return member ?? null;
}

function notMember(): AppError {
  return new AppError("assignee_not_member", "The assignee must be a member of the item's seller.");
}

/** Assigns one item of `sellerId` to `assigneeId` (null: unassigns) and records it in the item's history. */
export async function assignItem(
  prisma: PrismaClient,
  params: { sellerId: string; itemId: string; assigneeId: string | null; actorId: string },
): Promise<{ itemId: string; assignee: Assignee | null; changed: boolean }> {
  return prisma.$transaction(async (tx) => {
    const assignee = params.assigneeId === null ? null : await lockMember(tx, params.sellerId, params.assigneeId);
    if (params.assigneeId !== null && !assignee) throw notMember();
    const [item] = await tx.$queryRaw<Array<{ assigneeId: string | null }>>`
      SELECT "assigneeId" FROM "Item" WHERE "id" = ${params.itemId} AND "sellerId" = ${params.sellerId} FOR UPDATE`;
    if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
    if (item.assigneeId === params.assigneeId) return { itemId: params.itemId, assignee, changed: false };
    await tx.item.update({ where: { id: params.itemId }, data: { assigneeId: params.assigneeId } });
    await recordItemEvent(tx, {
      itemId: params.itemId,
      sellerId: params.sellerId,
      kind: "ASSIGNED",
      actorId: params.actorId,
      assigneeId: params.assigneeId,
    });
    return { itemId: params.itemId, assignee, changed: true };
  });
}

export interface AssignResult extends SelectedItem {
  ok: boolean;
  /** not_found: no such item in that seller; assignee_not_member: the assignee is not a member of it. */
  error: "not_found" | "assignee_not_member" | null;
  /** false when it was so already. */
  changed: boolean;
}

/**
 * Assigns the (already authorised) selected items: per seller, one transaction that checks the
 * assignee belongs to it, changes the items in one statement and records one history entry each.
 * Items of a seller the assignee is not a member of are left unchanged and reported.
 */
export async function assignItems(
  prisma: PrismaClient,
  selection: ResolvedSelection,
  assigneeId: string | null,
  actorId: string,
): Promise<AssignResult[]> {
  const bySeller = new Map<string, string[]>();
  for (const item of selection.items) bySeller.set(item.sellerId, [...(bySeller.get(item.sellerId) ?? []), item.itemId]);
  const outcome = new Map<string, AssignResult["error"] | "changed" | "unchanged">();
  for (const [sellerId, itemIds] of bySeller) {
    await prisma.$transaction(async (tx) => {
      if (assigneeId !== null && !(await lockMember(tx, sellerId, assigneeId))) {
        for (const id of itemIds) outcome.set(id, "assignee_not_member");
        return;
      }
      const changed = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
        WITH changed AS (
          UPDATE "Item" SET "assigneeId" = ${assigneeId}, "updatedAt" = now()
          WHERE "id" = ANY(${itemIds}::text[]) AND "sellerId" = ${sellerId} AND "assigneeId" IS DISTINCT FROM ${assigneeId}
          RETURNING "id"
        ), recorded AS (
          INSERT INTO "ItemEvent" ("id", "itemId", "sellerId", "kind", "actorId", "assigneeId", "createdAt")
          SELECT gen_random_uuid()::text, "id", ${sellerId}, 'ASSIGNED', ${actorId}, ${assigneeId}, ${EVENT_TIME} FROM changed
        )
        SELECT "id" FROM changed`);
      for (const id of itemIds) outcome.set(id, "unchanged");
      for (const row of changed) outcome.set(row.id, "changed");
    });
  }
  return [
    ...selection.items.map((item): AssignResult => {
      const result = outcome.get(item.itemId);
      if (result === "assignee_not_member") return { ...item, ok: false, error: result, changed: false };
      return { ...item, ok: true, error: null, changed: result === "changed" };
    }),
    ...selection.missing.map((item): AssignResult => ({ ...item, ok: false, error: "not_found", changed: false })),
  ];
}
