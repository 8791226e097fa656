// inbox.get reads an item, its replies and its messages in several statements. A delivery committing
// between them must not show one reply twice (as pending and as a sent message) or as sent beside an
// item not yet answered: every statement sees the same snapshot.
import type { PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { expect, it } from "vitest";
import { getInboxItem } from "../src/services/inbox";
import { createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();

/** What deliver-reply.ts commits for a chat reply: SENT, and the message of the thread it became. */
async function deliverChatReply(prisma: PrismaClient, reply: { id: string; itemId: string; text: string }) {
  await prisma.$transaction([
    prisma.reply.update({ where: { id: reply.id }, data: { status: "SENT", sentAt: new Date() } }),
    prisma.item.update({ where: { id: reply.itemId }, data: { answered: true } }),
    prisma.message.create({
      data: {
        itemId: reply.itemId,
        externalId: `inbox-reply:${reply.id}`,
        direction: "OUT",
        text: reply.text,
        sentAt: new Date(),
        replyId: reply.id,
      },
    }),
  ]);
}

it("a chat reply delivered while the item is being read shows once: still queued, not also as a message", async () => {
  const { prisma } = database();
  const { seller, items } = await createSellerWithItems(prisma, "snapshot", [{ channel: "CHAT" }]);
  const chat = items[0]!;
  const author = await createUser(prisma, "snapshot-agent");
  const reply = await prisma.reply.create({
    data: { itemId: chat.id, authorId: author.id, text: "Уже в пути!", idempotencyKey: "snapshot-1" },
  });

  // The delivery commits right after the item and its replies are read, before the messages are.
  let delivered = false;
  const reading = prisma.$extends({
    query: {
      item: {
        async findFirst({ args, query }) {
          const found = await query(args);
          if (!delivered) {
            delivered = true;
            await deliverChatReply(prisma, reply);
          }
          return found;
        },
      },
    },
  }) as unknown as PrismaClient;

  const shown = await getInboxItem(reading, seller.id, chat.id);
  expect(delivered).toBe(true);
  const asReply = shown.replies.filter((entry) => entry.text === reply.text);
  const asMessage = shown.messages.filter((message) => message.text === reply.text);
  expect({ asReply: asReply.map((entry) => entry.status), asMessage: asMessage.length, answered: shown.answered }).toEqual({
    asReply: ["PENDING"],
    asMessage: 0,
    answered: false,
  });

  // Read again: the delivered state, whole.
  const after = await getInboxItem(prisma, seller.id, chat.id);
  expect(after.replies.filter((entry) => entry.text === reply.text)).toEqual([]);
  expect(after.messages.filter((message) => message.text === reply.text)).toHaveLength(1);
});
