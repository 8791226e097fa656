// An item's history in Inbox: read, assigned, note added, replied, delivered or failed. Each entry is
// written in the transaction of the change it records (services/assignment.ts, item-notes.ts,
// replies.ts, inbox-read.ts, sync/deliver-reply.ts); "arrived" is no row but the item's own times,
// so ingesting thousands of items writes nothing here.
import { Prisma, type ItemEventKind, type PrismaClient } from "@inbox/db";
import { AppError } from "../errors";

type Writer = Pick<PrismaClient, "$executeRaw">;

/**
 * The time of an entry written in SQL: the statement's clock in UTC, like the times Prisma writes
 * (the column has no time zone, and the session's may not be UTC).
 */
export const EVENT_TIME = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/**
 * One entry about a reply (REPLIED, DELIVERED, FAILED), its actor the reply's author. Written after
 * the reply row changed and before anything else locks the item, the order data-removal.ts keeps.
 */
export async function recordReplyEvent(
  tx: Writer,
  replyId: string,
  kind: Extract<ItemEventKind, "REPLIED" | "DELIVERED" | "FAILED">,
  reason?: string,
) {
  await tx.$executeRaw`
    INSERT INTO "ItemEvent" ("id", "itemId", "sellerId", "kind", "actorId", "replyId", "reason", "createdAt")
    SELECT gen_random_uuid()::text, r."itemId", i."sellerId", ${kind}::"ItemEventKind", r."authorId", r."id", ${reason ?? null}, ${EVENT_TIME}
    FROM "Reply" r JOIN "Item" i ON i."id" = r."itemId" WHERE r."id" = ${replyId}`;
}

/** One entry about `itemId` of `sellerId` (ASSIGNED, NOTE_ADDED), stamped by the database clock like the others. */
export async function recordItemEvent(
  tx: Writer,
  entry: {
    itemId: string;
    sellerId: string;
    kind: "ASSIGNED" | "NOTE_ADDED";
    /** Null when an automation rule assigned it. */
    actorId: string | null;
    assigneeId?: string | null;
    noteId?: string;
  },
) {
  await tx.$executeRaw`
    INSERT INTO "ItemEvent" ("id", "itemId", "sellerId", "kind", "actorId", "assigneeId", "noteId", "createdAt")
    VALUES (gen_random_uuid()::text, ${entry.itemId}, ${entry.sellerId}, ${entry.kind}::"ItemEventKind", ${entry.actorId},
      ${entry.assigneeId ?? null}, ${entry.noteId ?? null}, ${EVENT_TIME})`;
}

/** READ entries for items whose read state `actorId` just changed (one statement for a bulk change). */
export async function recordReadEvents(tx: Writer, itemIds: string[], read: boolean, actorId: string | null) {
  if (itemIds.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "ItemEvent" ("id", "itemId", "sellerId", "kind", "actorId", "read", "createdAt")
    SELECT gen_random_uuid()::text, i."id", i."sellerId", 'READ', ${actorId}, ${read}, ${EVENT_TIME}
    FROM "Item" i WHERE i."id" = ANY(${itemIds}::text[])`;
}

export type HistoryEntry =
  | { kind: "arrived"; at: Date; receivedAt: Date }
  | { kind: "read"; at: Date; actor: Person | null; read: boolean }
  | { kind: "assigned"; at: Date; actor: Person | null; assignee: Person | null }
  | { kind: "note_added"; at: Date; actor: Person | null; noteId: string | null }
  | { kind: "replied"; at: Date; actor: Person | null; replyId: string | null; rule: RuleRef | null }
  | { kind: "delivered"; at: Date; actor: Person | null; replyId: string | null }
  | { kind: "failed"; at: Date; actor: Person | null; replyId: string | null; reason: string | null };

export interface Person {
  id: string;
  name: string;
}

/** The automation rule that wrote a reply (docs/automation.md). */
export interface RuleRef {
  id: string;
  name: string;
}

/** The newest entries kept on the page; an item's history is short, this only bounds a pathological one. */
export const HISTORY_LIMIT = 200;

/** The item's history, oldest first (newest last), with `truncated` when older entries were left out. */
export async function readItemHistory(prisma: PrismaClient, sellerId: string, itemId: string) {
  const item = await prisma.item.findFirst({ where: { id: itemId, sellerId }, select: { upstreamCreatedAt: true, createdAt: true } });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
  const rows = await prisma.itemEvent.findMany({
    where: { itemId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: HISTORY_LIMIT + 1,
    select: {
      kind: true,
      createdAt: true,
      read: true,
      replyId: true,
      noteId: true,
      reason: true,
      actor: { select: { id: true, name: true } },
      assignee: { select: { id: true, name: true } },
    },
  });
  const truncated = rows.length > HISTORY_LIMIT;
  // Replies with no author were written by an automation rule: the entry names it.
  const automatic = rows.filter((row) => row.kind === "REPLIED" && !row.actor && row.replyId).map((row) => row.replyId!);
  const rules = new Map(
    automatic.length === 0
      ? []
      : (
          await prisma.reply.findMany({
            where: { id: { in: automatic }, automationRuleId: { not: null } },
            select: { id: true, automationRule: { select: { id: true, name: true } } },
          })
        ).map((reply) => [reply.id, reply.automationRule]),
  );
  const events = rows
    .slice(0, HISTORY_LIMIT)
    .reverse()
    .map((row) => toEntry(row, (row.replyId && rules.get(row.replyId)) || null));
  const arrived: HistoryEntry = { kind: "arrived", at: item.upstreamCreatedAt, receivedAt: item.createdAt };
  return { entries: truncated ? events : [arrived, ...events], truncated };
}

function toEntry(
  row: {
    kind: ItemEventKind;
    createdAt: Date;
    read: boolean | null;
    replyId: string | null;
    noteId: string | null;
    reason: string | null;
    actor: Person | null;
    assignee: Person | null;
  },
  rule: RuleRef | null,
): HistoryEntry {
  const base = { at: row.createdAt, actor: row.actor };
  switch (row.kind) {
    case "READ":
      return { kind: "read", ...base, read: row.read ?? true };
    case "ASSIGNED":
      return { kind: "assigned", ...base, assignee: row.assignee };
    case "NOTE_ADDED":
      return { kind: "note_added", ...base, noteId: row.noteId };
    case "REPLIED":
      return { kind: "replied", ...base, replyId: row.replyId, rule };
    case "DELIVERED":
      return { kind: "delivered", ...base, replyId: row.replyId };
    case "FAILED":
      return { kind: "failed", ...base, replyId: row.replyId, reason: row.reason };
  }
}
