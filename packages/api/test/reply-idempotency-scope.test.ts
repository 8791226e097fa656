// Reply idempotency keys belong to a seller (review finding 11): the same key used by two sellers
// makes two replies, each seller finds only its own, and a key stays single-use within a seller.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { describe, expect, it } from "vitest";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();

describe("reply idempotency keys", () => {
  it("are scoped to the seller: another seller's identical key neither collides nor returns its reply", async () => {
    const { prisma } = database();
    const a = await createSellerWithItems(prisma, "KeyA", [{}, {}]);
    const b = await createSellerWithItems(prisma, "KeyB", [{}]);
    const [agentA, agentB] = await Promise.all([createUser(prisma, "AgentA"), createUser(prisma, "AgentB")]);
    await addMember(prisma, agentA.id, a.seller.id, "AGENT");
    await addMember(prisma, agentB.id, b.seller.id, "AGENT");
    const key = "shared-key-123456";

    const replyA = await callerFor(prisma, agentA.id).inbox.reply({
      sellerId: a.seller.id,
      itemId: a.items[0]!.id,
      text: "Спасибо, A!",
      idempotencyKey: key,
    });
    const replyB = await callerFor(prisma, agentB.id).inbox.reply({
      sellerId: b.seller.id,
      itemId: b.items[0]!.id,
      text: "Спасибо, B!",
      idempotencyKey: key,
    });
    expect(replyB.id).not.toBe(replyA.id);
    expect(replyB).toMatchObject({ itemId: b.items[0]!.id, text: "Спасибо, B!", sellerId: b.seller.id });
    expect(replyA.sellerId).toBe(a.seller.id);

    // Within seller A the key is still single-use: on another item it is a conflict, not a new reply.
    await expect(
      callerFor(prisma, agentA.id).inbox.reply({ sellerId: a.seller.id, itemId: a.items[1]!.id, text: "Ещё раз", idempotencyKey: key }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await prisma.reply.count({ where: { idempotencyKey: key } })).toBe(2);
  });

  it("take the item's seller on every insert, also when written directly", async () => {
    const { prisma } = database();
    const c = await createSellerWithItems(prisma, "KeyC", [{}]);
    const reply = await prisma.reply.create({ data: { itemId: c.items[0]!.id, text: "Прямая запись", idempotencyKey: "direct-000001" } });
    expect(reply.sellerId).toBe(c.seller.id);
  });
});
