// Internal notes on an item: for the seller's members only, never sent to a marketplace (nothing here
// reaches a connector or the reply queue), and no change to the item's answered or read state.
import type { PrismaClient } from "@inbox/db";
import { AppError } from "../errors";
import { recordItemEvent } from "./item-history";

export const NOTE_MAX_LENGTH = 2000;

const noteSelect = { id: true, text: true, createdAt: true, author: { select: { id: true, name: true } } } as const;

async function assertItem(prisma: Pick<PrismaClient, "$queryRaw">, sellerId: string, itemId: string, lock: boolean) {
  const rows = lock
    ? await prisma.$queryRaw<unknown[]>`SELECT 1 FROM "Item" WHERE "id" = ${itemId} AND "sellerId" = ${sellerId} FOR KEY SHARE`
    : await prisma.$queryRaw<unknown[]>`SELECT 1 FROM "Item" WHERE "id" = ${itemId} AND "sellerId" = ${sellerId}`;
  if (rows.length === 0) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
}

/** The item's notes, oldest first. */
export async function listItemNotes(prisma: PrismaClient, sellerId: string, itemId: string) {
  await assertItem(prisma, sellerId, itemId, false);
  return prisma.itemNote.findMany({ where: { itemId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: noteSelect });
}

/**
 * Adds a note and its history entry in one transaction. The item is locked first (key share, as the
 * note's own foreign key would), then the rows that reference it are written: the order
 * data-removal.ts relies on.
 */
export async function addItemNote(prisma: PrismaClient, params: { sellerId: string; itemId: string; authorId: string; text: string }) {
  const text = params.text.trim();
  if (text.length === 0) throw new AppError("note_empty", "Write the note first.");
  if (text.length > NOTE_MAX_LENGTH)
    throw new AppError("note_too_long", `A note holds at most ${NOTE_MAX_LENGTH} characters.`, { details: { max: NOTE_MAX_LENGTH } });
  return prisma.$transaction(async (tx) => {
    await assertItem(tx, params.sellerId, params.itemId, true);
    const note = await tx.itemNote.create({
      data: { itemId: params.itemId, sellerId: params.sellerId, authorId: params.authorId, text },
      select: noteSelect,
    });
    await recordItemEvent(tx, {
      itemId: params.itemId,
      sellerId: params.sellerId,
      kind: "NOTE_ADDED",
      actorId: params.authorId,
      noteId: note.id,
    });
    return note;
  });
}
