// Replies being written, one per item and user, on the server: they survive navigation, reload and
// a change of device, and teammates never see each other's drafts.
import type { PrismaClient } from "@inbox/db";
import { AppError } from "../errors";

async function assertItemOfSeller(prisma: PrismaClient, sellerId: string, itemId: string) {
  const item = await prisma.item.findFirst({ where: { id: itemId, sellerId }, select: { id: true } });
  if (!item) throw new AppError("item_not_found", "This item does not exist or belongs to another seller.");
}

export async function getDraft(prisma: PrismaClient, params: { sellerId: string; itemId: string; userId: string }) {
  await assertItemOfSeller(prisma, params.sellerId, params.itemId);
  const draft = await prisma.draft.findUnique({ where: { itemId_userId: { itemId: params.itemId, userId: params.userId } } });
  return draft ? { text: draft.text, updatedAt: draft.updatedAt } : null;
}

/** Saves the text; an empty (or blank) text removes the draft. */
export async function saveDraft(prisma: PrismaClient, params: { sellerId: string; itemId: string; userId: string; text: string }) {
  await assertItemOfSeller(prisma, params.sellerId, params.itemId);
  const key = { itemId: params.itemId, userId: params.userId };
  if (params.text.trim() === "") {
    await prisma.draft.deleteMany({ where: key });
    return null;
  }
  const draft = await prisma.draft.upsert({
    where: { itemId_userId: key },
    create: { ...key, text: params.text },
    update: { text: params.text },
  });
  return { text: draft.text, updatedAt: draft.updatedAt };
}
