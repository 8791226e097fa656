import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
let sellerId: string;
let caller: ReturnType<typeof callerFor>;
let items: Awaited<ReturnType<typeof createSellerWithItems>>["items"];

beforeAll(async () => {
  const { prisma } = database();
  const owner = await createUser(prisma, "Owner");
  const world = await createSellerWithItems(prisma, "Shop", [
    ...Array.from({ length: 23 }, (_, index) => ({ hoursAgo: index, answered: index % 2 === 0, read: index % 3 === 0 })),
    { channel: "QUESTION" as const, hoursAgo: 30, marketplace: "OZON" as const },
    { channel: "CHAT" as const, hoursAgo: 31, marketplace: "OZON" as const },
  ]);
  // Items sharing one timestamp must still page without loss or duplicates.
  const tie = new Date("2026-01-01T00:00:00Z");
  await prisma.item.updateMany({ where: { id: { in: world.items.slice(5, 10).map((item) => item.id) } }, data: { lastActivityAt: tie } });
  await addMember(prisma, owner.id, world.seller.id, "AGENT");
  sellerId = world.seller.id;
  items = world.items;
  caller = callerFor(prisma, owner.id);
});

describe("inbox.list", () => {
  it("pages through every item exactly once, newest first", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.inbox.list>> = await caller.inbox.list({ sellerId, limit: 4, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(items.length);
    expect(new Set(seen).size).toBe(items.length);
  });

  it("filters by status, read state, marketplace and channel, and counts per status", async () => {
    const unanswered = await caller.inbox.list({ sellerId, status: "unanswered", limit: 100 });
    expect(unanswered.items.every((item) => !item.answered)).toBe(true);
    expect(unanswered.counts).toEqual({ all: 25, answered: 12, unanswered: 13, unread: 17 });

    const unread = await caller.inbox.list({ sellerId, read: false, limit: 100 });
    expect(unread.items).toHaveLength(17);

    const ozonChats = await caller.inbox.list({ sellerId, marketplace: "ozon", channel: "chat" });
    expect(ozonChats.items.map((item) => [item.marketplace, item.channel])).toEqual([["ozon", "chat"]]);
    expect(ozonChats.counts.all).toBe(1);
  });

  it("rejects a forged cursor with a clear message", async () => {
    await expect(caller.inbox.list({ sellerId, cursor: "not-a-cursor" })).rejects.toThrow(/cursor is not valid/);
  });
});

describe("inbox.reply", () => {
  it("queues one pending reply per idempotency key", async () => {
    const { prisma } = database();
    const itemId = items[1]!.id;
    const first = await caller.inbox.reply({ sellerId, itemId, text: "  Спасибо за отзыв!  ", idempotencyKey: "reply-key-0001" });
    const again = await caller.inbox.reply({ sellerId, itemId, text: "Спасибо за отзыв!", idempotencyKey: "reply-key-0001" });
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ status: "PENDING", text: "Спасибо за отзыв!" });
    expect(await prisma.reply.count({ where: { itemId } })).toBe(1);
    const detail = await caller.inbox.get({ sellerId, itemId });
    expect(detail.replies.map((reply) => reply.status)).toEqual(["PENDING"]);
  });

  it("enforces the marketplace's text limits with a message that names them", async () => {
    const itemId = items[5]!.id; // an unanswered Wildberries review: 2–5000 characters
    await expect(caller.inbox.reply({ sellerId, itemId, text: "Я", idempotencyKey: "reply-key-0002" })).rejects.toThrow(
      /2–5000 characters/,
    );
    await expect(caller.inbox.reply({ sellerId, itemId, text: "а".repeat(5001), idempotencyKey: "reply-key-0003" })).rejects.toThrow(
      /2–5000 characters/,
    );
    const ozonChat = items.at(-1)!.id; // an Ozon chat: 1–1000
    await expect(
      caller.inbox.reply({ sellerId, itemId: ozonChat, text: "б".repeat(1001), idempotencyKey: "reply-key-0004" }),
    ).rejects.toThrow(/1–1000 characters/);
  });

  it("returns field errors for an empty reply", async () => {
    const error = await caller.inbox
      .reply({ sellerId, itemId: items[3]!.id, text: "   ", idempotencyKey: "reply-key-0005" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/Write a reply first/);
  });

  it("refuses a second answer to an answered review, but a chat takes any number of messages", async () => {
    const answeredReview = items[2]!.id;
    await expect(
      caller.inbox.reply({ sellerId, itemId: answeredReview, text: "Ещё один ответ", idempotencyKey: "reply-key-0006" }),
    ).rejects.toThrow(/already has an answer/);

    const review = items[7]!.id;
    await caller.inbox.reply({ sellerId, itemId: review, text: "Спасибо!", idempotencyKey: "reply-key-0007" });
    await expect(
      caller.inbox.reply({ sellerId, itemId: review, text: "Спасибо ещё раз!", idempotencyKey: "reply-key-0008" }),
    ).rejects.toThrow(/already has an answer/);

    // Concurrent requests with different keys: exactly one gets through.
    const raced = items[9]!.id;
    const results = await Promise.allSettled(
      ["race-a", "race-b", "race-c", "race-d"].map((key) =>
        caller.inbox.reply({ sellerId, itemId: raced, text: "Спасибо!", idempotencyKey: `reply-key-${key}` }),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);

    const chat = items.at(-1)!.id;
    await caller.inbox.reply({ sellerId, itemId: chat, text: "Здравствуйте!", idempotencyKey: "reply-key-0009" });
    await expect(
      caller.inbox.reply({ sellerId, itemId: chat, text: "Чем помочь?", idempotencyKey: "reply-key-0010" }),
    ).resolves.toMatchObject({
      status: "PENDING",
    });
  });
});

describe("inbox.markRead", () => {
  it("marks an item read and unread again", async () => {
    const itemId = items[4]!.id;
    await caller.inbox.markRead({ sellerId, itemId });
    expect((await caller.inbox.get({ sellerId, itemId })).read).toBe(true);
    await caller.inbox.markRead({ sellerId, itemId, read: false });
    expect((await caller.inbox.get({ sellerId, itemId })).read).toBe(false);
  });
});
