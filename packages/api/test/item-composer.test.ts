// The item and composer API: drafts per user, the repetition check, chat message paging, the
// composer state, mark read on open, and domain errors with their stable reasons.
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../src/jobs/queues";
import { createCaller, createTRPCContext } from "../src/index";
import { NEAR_REPEAT_SIMILARITY } from "../src/services/answer-repetition";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
const markReadJobs: string[] = [];
const jobs: JobQueue = {
  enqueueSync: async () => {},
  enqueueReplyDelivery: async () => {},
  enqueueMarkReadUpstream: async (itemIds) => void markReadJobs.push(...itemIds),
  enqueueAutomation: async () => {},
};

let sellerId: string;
let world: Awaited<ReturnType<typeof createSellerWithItems>>;
let other: Awaited<ReturnType<typeof createSellerWithItems>>;
let anna: ReturnType<typeof callerFor>;
let boris: ReturnType<typeof callerFor>;
let viewer: ReturnType<typeof callerFor>;
let outsider: ReturnType<typeof callerFor>;

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

beforeAll(async () => {
  const { prisma } = database();
  const annaUser = await createUser(prisma, "Anna");
  const borisUser = await createUser(prisma, "Boris");
  const viewerUser = await createUser(prisma, "Viewer");
  const outsiderUser = await createUser(prisma, "Outsider");
  world = await createSellerWithItems(prisma, "Shop", [
    { marketplace: "OZON" },
    { marketplace: "OZON" },
    { marketplace: "OZON" },
    { marketplace: "OZON", channel: "CHAT" },
    { marketplace: "OZON", answered: true },
    { marketplace: "WILDBERRIES" },
    { marketplace: "OZON" },
  ]);
  other = await createSellerWithItems(prisma, "Other", [{ marketplace: "OZON" }]);
  sellerId = world.seller.id;
  await addMember(prisma, annaUser.id, sellerId, "AGENT");
  await addMember(prisma, borisUser.id, sellerId, "OWNER");
  await addMember(prisma, viewerUser.id, sellerId, "VIEWER");
  await addMember(prisma, outsiderUser.id, other.seller.id, "OWNER");
  anna = createCaller(createTRPCContext({ userId: annaUser.id, prisma, jobs }));
  boris = createCaller(createTRPCContext({ userId: borisUser.id, prisma, jobs }));
  viewer = callerFor(prisma, viewerUser.id);
  outsider = callerFor(prisma, outsiderUser.id);
});

describe("drafts", () => {
  it("are kept per item and per user, and an empty text removes the draft", async () => {
    const itemId = world.items[0]!.id;
    await anna.draft.save({ sellerId, itemId, text: "Анна пишет" });
    await boris.draft.save({ sellerId, itemId, text: "Борис пишет" });
    await anna.draft.save({ sellerId, itemId: world.items[1]!.id, text: "Другой отзыв" });
    expect(await anna.draft.get({ sellerId, itemId })).toMatchObject({ text: "Анна пишет" });
    expect(await boris.draft.get({ sellerId, itemId })).toMatchObject({ text: "Борис пишет" });

    await anna.draft.save({ sellerId, itemId, text: "Анна дописала" });
    expect(await anna.draft.get({ sellerId, itemId })).toMatchObject({ text: "Анна дописала" });
    await anna.draft.save({ sellerId, itemId, text: "  " });
    expect(await anna.draft.get({ sellerId, itemId })).toBeNull();
    expect(await boris.draft.get({ sellerId, itemId })).toMatchObject({ text: "Борис пишет" });
  });

  it("disappear when the reply is queued", async () => {
    const itemId = world.items[1]!.id;
    await anna.draft.save({ sellerId, itemId, text: "Спасибо!" });
    await anna.inbox.reply({ sellerId, itemId, text: "Спасибо!", idempotencyKey: "draft-reply-0001" });
    expect(await anna.draft.get({ sellerId, itemId })).toBeNull();
  });

  it("are refused to viewers and to other sellers' members", async () => {
    const itemId = world.items[2]!.id;
    expect((await failure(viewer.draft.save({ sellerId, itemId, text: "Нельзя" }))).code).toBe("FORBIDDEN");
    expect((await failure(outsider.draft.save({ sellerId, itemId, text: "Нельзя" }))).code).toBe("NOT_FOUND");
    // Through the outsider's own seller, the item is not found.
    const error = await failure(outsider.draft.save({ sellerId: other.seller.id, itemId, text: "Нельзя" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(await database().prisma.draft.count({ where: { itemId } })).toBe(0);
  });
});

describe("repetition check", () => {
  it("finds an exact and a near repeat of an answer sent in the last 30 days, only the seller's own and not the item's own", async () => {
    const { prisma } = database();
    const sent = "Анна, спасибо за ваш отзыв! Мы рады, что чайник вам понравился. Ждём вас снова в нашем магазине.";
    await anna.inbox.reply({ sellerId, itemId: world.items[2]!.id, text: sent, idempotencyKey: "repeat-reply-0001" });

    const exact = await anna.template.repetition({
      sellerId,
      text: "анна,  спасибо за ваш ОТЗЫВ!! Мы рады, что чайник вам понравился. Ждём вас снова в нашем магазине",
    });
    expect(exact.repeats[0]).toMatchObject({ similarity: 1, text: sent, itemId: world.items[2]!.id });
    // Editing that item's answer starts from it: its own answers are no repeats.
    expect((await anna.template.repetition({ sellerId, text: sent, itemId: world.items[2]!.id })).repeats).toEqual([]);

    const near = await anna.template.repetition({ sellerId, text: sent.replace("Анна", "Борис").replace("чайник", "утюг") });
    expect(near.repeats[0]?.text).toBe(sent);
    expect(near.repeats[0]!.similarity).toBeGreaterThanOrEqual(NEAR_REPEAT_SIMILARITY);
    expect(near.repeats[0]!.similarity).toBeLessThan(1);

    const different = await anna.template.repetition({
      sellerId,
      text: "Здравствуйте! Проверили заказ: курьер привезёт замену в пятницу.",
    });
    expect(different.repeats).toEqual([]);

    // Another seller never sees this seller's answers.
    expect((await outsider.template.repetition({ sellerId: other.seller.id, text: sent })).repeats).toEqual([]);

    // Older than 30 days: no longer counts.
    await prisma.sentAnswer.updateMany({ where: { sellerId }, data: { createdAt: new Date(Date.now() - 31 * 24 * 3_600_000) } });
    expect((await anna.template.repetition({ sellerId, text: sent })).repeats).toEqual([]);
  });

  it("reads the seller's recent answers through an index, not a scan of every answer", async () => {
    const { prisma } = database();
    const plan = await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      return tx.$queryRaw<Array<{ "QUERY PLAN": string }>>`EXPLAIN SELECT "replyId" FROM "SentAnswer"
        WHERE "sellerId" = ${sellerId} AND ("textHash" = 'x' OR "normalizedText" % 'спасибо за отзыв')`;
    });
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/SentAnswer_normalizedText_trgm_idx|SentAnswer_sellerId_textHash_idx|SentAnswer_sellerId_createdAt_idx/);
    expect(text).not.toMatch(/Seq Scan/);
  });
});

describe("chat message paging", () => {
  it("opens with the latest page and walks back to the first message, each once, in time order", async () => {
    const { prisma } = database();
    const chat = world.items[3]!;
    const start = Date.now() - 10_000 * 60_000;
    await prisma.message.createMany({
      data: Array.from({ length: 125 }, (_, index) => ({
        itemId: chat.id,
        externalId: `m-${index}`,
        direction: index % 3 === 0 ? ("OUT" as const) : ("IN" as const),
        text: `Сообщение ${index}`,
        // Two messages share each timestamp: the cursor must still not lose or repeat any.
        sentAt: new Date(start + Math.floor(index / 2) * 60_000),
      })),
    });
    const first = await anna.inbox.get({ sellerId, itemId: chat.id, messageLimit: 40 });
    expect(first.messages).toHaveLength(40);
    expect(first.messages.at(-1)?.text).toBe("Сообщение 124");
    const seen = [...first.messages];
    let cursor = first.olderMessagesCursor;
    let pages = 1;
    while (cursor) {
      const page = await anna.inbox.messages({ sellerId, itemId: chat.id, before: cursor, limit: 40 });
      seen.unshift(...page.messages);
      cursor = page.olderCursor;
      pages += 1;
    }
    expect(pages).toBe(4);
    expect(seen.map((m) => m.text)).toEqual(Array.from({ length: 125 }, (_, index) => `Сообщение ${index}`));
    expect(new Set(seen.map((m) => m.id)).size).toBe(125);
    expect(seen.filter((m) => m.direction === "out")).toHaveLength(42);
  });

  it("refuses another seller's chat and a forged cursor with stable reasons", async () => {
    const chat = world.items[3]!;
    const first = await anna.inbox.get({ sellerId, itemId: chat.id, messageLimit: 10 });
    const error = await failure(
      outsider.inbox.messages({ sellerId: other.seller.id, itemId: chat.id, before: first.olderMessagesCursor! }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(error.cause).toMatchObject({ reason: "item_not_found" });
    const forged = await failure(anna.inbox.messages({ sellerId, itemId: chat.id, before: "bm90LWEtY3Vyc29y" }));
    expect(forged.code).toBe("BAD_REQUEST");
    expect(forged.cause).toMatchObject({ reason: "cursor_invalid" });
  });
});

describe("composer state and errors", () => {
  it("offers the composer on unanswered reviews and chats, and explains why not on answered ones", async () => {
    expect((await anna.inbox.get({ sellerId, itemId: world.items[6]!.id })).composer).toEqual({ open: true, kind: "answer" });
    expect((await anna.inbox.get({ sellerId, itemId: world.items[3]!.id })).composer).toEqual({ open: true, kind: "message" });
    expect((await anna.inbox.get({ sellerId, itemId: world.items[4]!.id })).composer).toEqual({ open: false, why: "answered" });
    // items[1] got a reply above (still PENDING).
    expect((await anna.inbox.get({ sellerId, itemId: world.items[1]!.id })).composer).toEqual({ open: false, why: "reply_on_its_way" });
  });

  it("answers a too-long reply and a second answer with codes and reasons the UI translates", async () => {
    const tooLong = await failure(
      anna.inbox.reply({ sellerId, itemId: world.items[6]!.id, text: "а".repeat(3001), idempotencyKey: "error-reply-0001" }),
    );
    expect(tooLong.code).toBe("BAD_REQUEST");
    expect(tooLong.cause).toMatchObject({ reason: "reply_too_long", details: { min: 1, max: 3000, length: 3001 } });
    const answered = await failure(
      anna.inbox.reply({ sellerId, itemId: world.items[4]!.id, text: "Ещё ответ", idempotencyKey: "error-reply-0002" }),
    );
    expect(answered.code).toBe("CONFLICT");
    expect(answered.cause).toMatchObject({ reason: "already_answered" });
  });
});

describe("inbox.markRead", () => {
  it("marks read at once and queues the marketplace's mark-read only where the connector can", async () => {
    const { prisma } = database();
    const ozonReview = world.items[6]!.id;
    const wbReview = world.items[5]!.id; // Wildberries feedbacks have no mark-read method
    expect(await anna.inbox.markRead({ sellerId, itemId: ozonReview })).toMatchObject({ read: true, upstream: "queued" });
    expect(await anna.inbox.markRead({ sellerId, itemId: wbReview })).toMatchObject({ read: true, upstream: "unsupported" });
    expect(markReadJobs).toEqual([ozonReview]);
    expect(await prisma.item.findUniqueOrThrow({ where: { id: ozonReview } })).toMatchObject({ read: true });
    // Marking unread never goes upstream.
    await anna.inbox.markRead({ sellerId, itemId: ozonReview, read: false });
    expect(markReadJobs).toEqual([ozonReview]);
  });
});
