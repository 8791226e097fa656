import type { JobQueue } from "../src/jobs/queues";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext } from "../src/index";
import { fillTemplate } from "../src/services/templates";
import { addMember, callerFor, createSellerWithItems, createUser } from "./fixtures";

const database = useTestDatabase();
const queued: string[] = [];
const jobs: JobQueue = {
  enqueueSync: async () => {},
  enqueueReplyDelivery: async (replyId) => void queued.push(replyId),
  enqueueMarkReadUpstream: async () => {},
  enqueueAutomation: async () => {},
};

let sellerId: string;
let otherSellerId: string;
let items: Awaited<ReturnType<typeof createSellerWithItems>>["items"];
let agent: ReturnType<typeof callerFor>;
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
  const agentUser = await createUser(prisma, "Agent");
  const viewerUser = await createUser(prisma, "Viewer");
  const outsiderUser = await createUser(prisma, "Outsider");
  const world = await createSellerWithItems(prisma, "Ромашка", [
    { marketplace: "OZON" },
    { marketplace: "OZON" },
    { marketplace: "OZON", answered: true },
    { marketplace: "OZON", channel: "CHAT" },
    { marketplace: "OZON" },
  ]);
  await prisma.item.update({ where: { id: world.items[0]!.id }, data: { authorName: "Анна", productName: "Чайник", rating: 5 } });
  await prisma.item.update({ where: { id: world.items[1]!.id }, data: { authorName: null, productName: "Утюг", rating: 2 } });
  const other = await createSellerWithItems(prisma, "Чужой", [{ marketplace: "OZON" }]);
  await addMember(prisma, agentUser.id, world.seller.id, "AGENT");
  await addMember(prisma, viewerUser.id, world.seller.id, "VIEWER");
  await addMember(prisma, outsiderUser.id, other.seller.id, "OWNER");
  sellerId = world.seller.id;
  otherSellerId = other.seller.id;
  items = world.items;
  agent = createCaller(createTRPCContext({ userId: agentUser.id, prisma, jobs }));
  viewer = callerFor(prisma, viewerUser.id);
  outsider = callerFor(prisma, outsiderUser.id);
});

describe("template CRUD", () => {
  it("an agent creates, lists, edits and deletes a seller's templates", async () => {
    const created = await agent.template.create({
      sellerId,
      name: "  Благодарность  ",
      text: "Спасибо, {buyer}!",
      channel: "review",
      ratings: [5, 4, 5],
    });
    expect(created).toMatchObject({ name: "Благодарность", channel: "review", ratings: [4, 5] });
    expect((await agent.template.list({ sellerId })).map((t) => t.id)).toContain(created.id);

    const updated = await agent.template.update({
      sellerId,
      templateId: created.id,
      name: "Спасибо",
      text: "Благодарим!",
      channel: null,
      ratings: [],
    });
    expect(updated).toMatchObject({ name: "Спасибо", text: "Благодарим!", channel: null, ratings: [] });

    await agent.template.delete({ sellerId, templateId: created.id });
    expect((await agent.template.list({ sellerId })).map((t) => t.id)).not.toContain(created.id);
  });

  it("a viewer reads templates but cannot create, edit or delete them", async () => {
    const template = await agent.template.create({ sellerId, name: "Видна всем", text: "Здравствуйте!" });
    expect((await viewer.template.list({ sellerId })).map((t) => t.id)).toContain(template.id);
    expect((await failure(viewer.template.create({ sellerId, name: "Нельзя", text: "Нет" }))).code).toBe("FORBIDDEN");
    expect((await failure(viewer.template.update({ sellerId, templateId: template.id, name: "x", text: "y" }))).code).toBe("FORBIDDEN");
    expect((await failure(viewer.template.delete({ sellerId, templateId: template.id }))).code).toBe("FORBIDDEN");
    expect(await database().prisma.replyTemplate.count({ where: { id: template.id, name: "Видна всем" } })).toBe(1);
  });

  it("another seller's member can neither see nor change the templates, even through their own seller", async () => {
    const template = await agent.template.create({ sellerId, name: "Секрет", text: "Только наш" });
    expect((await failure(outsider.template.list({ sellerId }))).code).toBe("NOT_FOUND");
    expect((await failure(outsider.template.create({ sellerId, name: "Чужой", text: "Текст" }))).code).toBe("NOT_FOUND");
    // Through the seller they own: the template id is not found there.
    const error = await failure(outsider.template.update({ sellerId: otherSellerId, templateId: template.id, name: "Взлом", text: "x" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.cause).toMatchObject({ reason: "template_not_found" });
    expect((await failure(outsider.template.delete({ sellerId: otherSellerId, templateId: template.id }))).code).toBe("NOT_FOUND");
    expect(await database().prisma.replyTemplate.findUniqueOrThrow({ where: { id: template.id } })).toMatchObject({ name: "Секрет" });
  });

  it("rejects an empty name and an over-long text with field messages", async () => {
    const error = await failure(agent.template.create({ sellerId, name: " ", text: "а".repeat(5001) }));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("template variables and suggestions", () => {
  it("fills buyer, product and seller, and leaves out a missing buyer with its comma", () => {
    const values = { buyer: "Анна", product: "Чайник", seller: "Ромашка" };
    expect(fillTemplate("Здравствуйте, {buyer}! Спасибо за отзыв о «{product}». {seller}", values)).toBe(
      "Здравствуйте, Анна! Спасибо за отзыв о «Чайник». Ромашка",
    );
    expect(fillTemplate("Здравствуйте, {buyer}! Ваш {seller}", { ...values, buyer: null })).toBe("Здравствуйте! Ваш Ромашка");
    expect(fillTemplate("{buyer}, спасибо за отзыв!", { ...values, buyer: null })).toBe("Спасибо за отзыв!");
  });

  it("suggests templates that fit the item's channel and rating, the most specific first, filled for the item", async () => {
    const { prisma } = database();
    await prisma.replyTemplate.deleteMany({ where: { sellerId } });
    const any = await agent.template.create({ sellerId, name: "Любой", text: "Спасибо, {buyer}!" });
    const fiveStars = await agent.template.create({
      sellerId,
      name: "Пять звёзд",
      text: "Рады, что {product} понравился!",
      channel: "review",
      ratings: [5],
    });
    await agent.template.create({ sellerId, name: "Плохой отзыв", text: "Простите", channel: "review", ratings: [1, 2] });
    await agent.template.create({ sellerId, name: "Для чата", text: "Здравствуйте", channel: "chat" });

    const forFiveStars = await agent.template.suggest({ sellerId, itemId: items[0]!.id });
    expect(forFiveStars.map((t) => t.id)).toEqual([fiveStars.id, any.id]);
    expect(forFiveStars.map((t) => t.filledText)).toEqual(["Рады, что Чайник понравился!", "Спасибо, Анна!"]);

    const forTwoStars = await agent.template.suggest({ sellerId, itemId: items[1]!.id });
    expect(forTwoStars.map((t) => t.name)).toEqual(["Плохой отзыв", "Любой"]);
    expect(forTwoStars.at(-1)?.filledText).toBe("Спасибо!");
  });
});

describe("template.replyBulk", () => {
  it("queues one filled reply per item, reports answered items, and a repeated request queues nothing twice", async () => {
    const { prisma } = database();
    const template = await agent.template.create({ sellerId, name: "Массовый", text: "Спасибо за отзыв, {buyer}! Ваш {seller}" });
    const itemRefs = [items[0]!, items[1]!, items[2]!, items[3]!].map((item) => ({ sellerId, itemId: item.id }));
    itemRefs.push({ sellerId: otherSellerId, itemId: "foreign-item" });
    const request = { sellerId, templateId: template.id, requestId: "bulk-request-0001", selection: { itemRefs } };

    const first = await agent.template.replyBulk(request);
    const status = (result: (typeof first.results)[number]) => [
      result.itemId,
      result.status,
      "reason" in result ? result.reason : undefined,
    ];
    expect(first.results.map(status)).toEqual([
      [items[0]!.id, "queued", undefined],
      [items[1]!.id, "queued", undefined],
      [items[2]!.id, "skipped", "already_answered"],
      [items[3]!.id, "queued", undefined],
      ["foreign-item", "skipped", "other_seller"],
    ]);
    const replies = await prisma.reply.findMany({
      where: { itemId: { in: itemRefs.map((ref) => ref.itemId) } },
      orderBy: { createdAt: "asc" },
    });
    expect(replies.map((reply) => reply.text).sort()).toEqual(
      ["Спасибо за отзыв, Анна! Ваш Ромашка", "Спасибо за отзыв! Ваш Ромашка", "Спасибо за отзыв! Ваш Ромашка"].sort(),
    );
    expect(queued).toEqual(expect.arrayContaining(replies.map((reply) => reply.id)));
    const queuedBefore = queued.length;

    // The same request again (a retry after a lost response): the same replies, none new, none re-queued.
    const again = await agent.template.replyBulk(request);
    expect(again.results.filter((r) => r.status === "already_queued").map((r) => r.itemId)).toEqual([
      items[0]!.id,
      items[1]!.id,
      items[3]!.id,
    ]);
    expect(await prisma.reply.count({ where: { itemId: { in: itemRefs.map((ref) => ref.itemId) } } })).toBe(3);
    expect(queued.length).toBe(queuedBefore);

    // Both at once: still one reply per item.
    const chat = items[3]!.id;
    const raced = { ...request, requestId: "bulk-request-0002", selection: { itemRefs: [{ sellerId, itemId: chat }] } };
    await Promise.all([agent.template.replyBulk(raced), agent.template.replyBulk(raced)]);
    expect(await prisma.reply.count({ where: { itemId: chat } })).toBe(2); // the first request's and this one's
  });

  it("resolves a filter selection to the items the user may reply to, and replies to them in batches", async () => {
    const { prisma } = database();
    const template = await agent.template.create({ sellerId, name: "По фильтру", text: "Спасибо, что написали!" });
    const source = items[4]!;
    await prisma.item.create({
      data: {
        ...source,
        id: undefined,
        externalId: `${source.externalId}-fresh`,
        attachments: undefined,
        mediaCount: undefined,
        createdAt: undefined,
        updatedAt: undefined,
      },
    });
    const targets = await agent.template.selectionTargets({
      selection: { filter: { sellerIds: [sellerId], status: "unanswered", channels: ["review"] } },
    });
    const unanswered = await prisma.item.findMany({
      where: { sellerId, channel: "REVIEW", answered: false },
      select: { id: true, replies: { select: { id: true } } },
    });
    expect(targets.items.map((ref) => ref.itemId).sort()).toEqual(unanswered.map((item) => item.id).sort());
    expect(targets.items.length).toBeGreaterThan(0);
    // items[4] is kept for the next test.
    const chosen = targets.items.filter((ref) => ref.itemId !== items[4]!.id);
    const { results } = await agent.template.replyBulk({
      sellerId,
      templateId: template.id,
      requestId: "filter-request-0001",
      selection: { itemRefs: chosen },
    });
    // Items with a reply on its way already are reported, the others queued.
    const hadReply = new Set(unanswered.filter((item) => item.replies.length > 0).map((item) => item.id));
    expect(results.map((result) => [result.itemId, result.status])).toEqual(
      chosen.map((ref) => [ref.itemId, hadReply.has(ref.itemId) ? "skipped" : "queued"]),
    );
    expect(results.some((result) => result.status === "queued")).toBe(true);
    // A viewer's selection resolves to nothing it may reply to.
    expect((await failure(viewer.template.selectionTargets({ selection: { filter: { sellerIds: [sellerId] } } }))).code).toBe("FORBIDDEN");
  });

  it("is refused to a viewer and to another seller's template", async () => {
    const template = await agent.template.create({ sellerId, name: "Для проверки", text: "Спасибо!" });
    const selection = { itemRefs: [{ sellerId, itemId: items[4]!.id }] };
    expect(
      (await failure(viewer.template.replyBulk({ sellerId, templateId: template.id, requestId: "viewer-request", selection }))).code,
    ).toBe("FORBIDDEN");
    expect(
      (
        await failure(
          outsider.template.replyBulk({ sellerId: otherSellerId, templateId: template.id, requestId: "outsider-request", selection }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect(await database().prisma.reply.count({ where: { itemId: items[4]!.id } })).toBe(0);
  });
});
