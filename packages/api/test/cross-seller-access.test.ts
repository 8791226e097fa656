// A member of one seller can neither read nor change anything of another seller, through any
// procedure, and a VIEWER cannot change anything.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
let world: Awaited<ReturnType<typeof buildWorld>>;

async function buildWorld() {
  const { prisma } = database();
  const alice = await createUser(prisma, "Alice");
  const bob = await createUser(prisma, "Bob");
  const viewer = await createUser(prisma, "Vera");
  const sellerA = await createSellerWithItems(prisma, "A", [{}, { answered: true }]);
  const sellerB = await createSellerWithItems(prisma, "B", [{}, { channel: "CHAT" }]);
  await addMember(prisma, alice.id, sellerA.seller.id, "OWNER");
  await addMember(prisma, bob.id, sellerB.seller.id, "OWNER");
  await addMember(prisma, viewer.id, sellerA.seller.id, "VIEWER");
  return { alice, bob, viewer, sellerA, sellerB };
}

beforeAll(async () => {
  world = await buildWorld();
});

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof TRPCError && error.code === code);
}

describe("access from another seller", () => {
  it("lists only the caller's own sellers", async () => {
    const sellers = await callerFor(database().prisma, world.alice.id).seller.list();
    expect(sellers.map((seller) => seller.id)).toEqual([world.sellerA.seller.id]);
  });

  it("cannot list another seller's inbox", async () => {
    await expectCode(callerFor(database().prisma, world.alice.id).inbox.list({ sellerId: world.sellerB.seller.id }), "NOT_FOUND");
  });

  it("cannot open another seller's item, neither under that seller nor under its own", async () => {
    const caller = callerFor(database().prisma, world.alice.id);
    const foreignItem = world.sellerB.items[0]!.id;
    await expectCode(caller.inbox.get({ sellerId: world.sellerB.seller.id, itemId: foreignItem }), "NOT_FOUND");
    await expectCode(caller.inbox.get({ sellerId: world.sellerA.seller.id, itemId: foreignItem }), "NOT_FOUND");
  });

  it("cannot reply to or mark read another seller's item, and the item stays untouched", async () => {
    const { prisma } = database();
    const caller = callerFor(prisma, world.alice.id);
    const foreignItem = world.sellerB.items[0]!.id;
    for (const sellerId of [world.sellerA.seller.id, world.sellerB.seller.id]) {
      await expectCode(
        caller.inbox.reply({ sellerId, itemId: foreignItem, text: "Спасибо за отзыв!", idempotencyKey: `cross-${sellerId}` }),
        "NOT_FOUND",
      );
      await expectCode(caller.inbox.markRead({ sellerId, itemId: foreignItem }), "NOT_FOUND");
    }
    expect(await prisma.reply.count({ where: { itemId: foreignItem } })).toBe(0);
    expect((await prisma.item.findUniqueOrThrow({ where: { id: foreignItem } })).read).toBe(false);
  });

  it("rejects every seller procedure without a session", async () => {
    const caller = callerFor(database().prisma, null);
    await expectCode(caller.seller.list(), "UNAUTHORIZED");
    await expectCode(caller.inbox.list({ sellerId: world.sellerA.seller.id }), "UNAUTHORIZED");
    await expectCode(caller.inbox.get({ sellerId: world.sellerA.seller.id, itemId: world.sellerA.items[0]!.id }), "UNAUTHORIZED");
  });
});

describe("viewer role", () => {
  it("can read the inbox and open items", async () => {
    const caller = callerFor(database().prisma, world.viewer.id);
    const page = await caller.inbox.list({ sellerId: world.sellerA.seller.id });
    expect(page.items).toHaveLength(2);
    await expect(caller.inbox.get({ sellerId: world.sellerA.seller.id, itemId: page.items[0]!.id })).resolves.toBeTruthy();
  });

  it("cannot reply or mark read", async () => {
    const { prisma } = database();
    const caller = callerFor(prisma, world.viewer.id);
    const itemId = world.sellerA.items[0]!.id;
    await expectCode(
      caller.inbox.reply({ sellerId: world.sellerA.seller.id, itemId, text: "Спасибо!", idempotencyKey: "viewer-reply-1" }),
      "FORBIDDEN",
    );
    await expectCode(caller.inbox.markRead({ sellerId: world.sellerA.seller.id, itemId }), "FORBIDDEN");
    expect(await prisma.reply.count({ where: { itemId } })).toBe(0);
  });
});
