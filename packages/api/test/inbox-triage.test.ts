// The triage inbox's data layer through the tRPC procedures: inbox.list / listAll with every filter
// and sort of inboxFilterSchema, keyset paging, Russian search with highlights, counts beside the
// filters (inbox.counts / countsAll), and bulk mark read over a selection. Every expectation is
// checked against the items themselves, filtered and ordered in plain TypeScript.
import type { Channel, Marketplace, PrismaClient } from "@inbox/db";
import { useTestDatabase } from "@inbox/db/testing/use-test-database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext } from "../src/index";
import type { JobQueue } from "../src/jobs/queues";
import type { InboxFilterInput } from "../src/services/inbox-filter";
import { resolveInboxSelection } from "../src/services/inbox-selection";
import { addMember, createUser } from "./fixtures";

const database = useTestDatabase();

const TEXTS = [
  "Размеры маломерят, берите на размер больше",
  "Доставка быстрая, упаковка целая",
  "Курьер привёз в срок, спасибо за доставку",
  "Цвет не совпадает с фото",
  "Отличный товар, рекомендую",
  "Когда будет поступление размера XL?",
];
const PRODUCTS = [
  { name: "Кроссовки беговые", article: "RUN-42" },
  { name: "Куртка зимняя", article: "WIN-7" },
  { name: "Платье летнее", article: "SUM-1" },
];
const AUTHORS = ["Анна", "Иван П.", "Мария"];

interface Stored {
  id: string;
  sellerId: string;
  marketplace: Marketplace;
  channel: Channel;
  text: string;
  rating: number | null;
  productName: string | null;
  productArticle: string | null;
  authorName: string | null;
  answered: boolean;
  read: boolean;
  lastActivityAt: Date;
}

let prisma: PrismaClient;
let userId: string;
let sellerA: string;
let sellerB: string;
let foreignSeller: string;
let stored: Stored[];
const queuedMarkRead: string[][] = [];

function caller() {
  const jobs: JobQueue = {
    enqueueSync: async () => {},
    enqueueReplyDelivery: async () => {},
    enqueueMarkReadUpstream: async (itemIds) => void queuedMarkRead.push(itemIds),
    enqueueAutomation: async () => {},
  };
  return createCaller(createTRPCContext({ userId, prisma, jobs }));
}

async function seedSeller(name: string, count: number, offset: number) {
  const seller = await prisma.seller.create({ data: { name } });
  const accounts = {
    WILDBERRIES: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "WILDBERRIES", displayName: `${name} WB`, credentialsEncrypted: "v1:a:b:c" },
    }),
    OZON: await prisma.marketplaceAccount.create({
      data: { sellerId: seller.id, marketplace: "OZON", displayName: `${name} Ozon`, credentialsEncrypted: "v1:a:b:c" },
    }),
  };
  const base = Date.parse("2026-11-20T12:00:00Z");
  for (let index = 0; index < count; index += 1) {
    const n = index + offset;
    const channel: Channel = n % 5 === 3 ? "QUESTION" : n % 7 === 6 ? "CHAT" : "REVIEW";
    const marketplace: Marketplace = n % 3 === 0 ? "OZON" : "WILDBERRIES";
    const product = PRODUCTS[n % PRODUCTS.length]!;
    // Every fourth pair of items shares a timestamp: paging must neither lose nor repeat them.
    const at = new Date(base - Math.floor(n / 2) * 3_600_000 * (n % 4 === 0 ? 1 : 1.5));
    await prisma.item.create({
      data: {
        sellerId: seller.id,
        accountId: accounts[marketplace].id,
        marketplace,
        channel,
        externalId: `${name}-${index}`,
        text: TEXTS[n % TEXTS.length]!,
        pros: n % 4 === 1 ? "Удобная колодка" : null,
        rating: channel === "REVIEW" ? 1 + (n % 5) : null,
        authorName: AUTHORS[n % AUTHORS.length]!,
        productName: product.name,
        productArticle: product.article,
        productExternalId: `${9000 + (n % PRODUCTS.length)}`,
        upstreamCreatedAt: at,
        lastActivityAt: at,
        answered: n % 3 === 1,
        read: n % 4 === 2,
      },
    });
  }
  return seller.id;
}

beforeAll(async () => {
  prisma = database().prisma;
  const user = await createUser(prisma, "Triage");
  userId = user.id;
  sellerA = await seedSeller("Альфа", 40, 0);
  sellerB = await seedSeller("Бета", 25, 100);
  foreignSeller = await seedSeller("Чужой", 5, 200);
  await addMember(prisma, userId, sellerA, "AGENT");
  await addMember(prisma, userId, sellerB, "VIEWER");
  // Replies in every state: the reply filters follow the latest reply of each item.
  const items = await prisma.item.findMany({ where: { sellerId: sellerA, answered: false }, orderBy: { id: "asc" }, take: 4 });
  const replies: Array<[number, "PENDING" | "SENDING" | "FAILED" | "SENT"]> = [
    [0, "PENDING"],
    [1, "SENDING"],
    [2, "FAILED"],
    [3, "FAILED"],
    [3, "PENDING"], // a retry after a failure: pending again
  ];
  for (const [position, [index, status]] of replies.entries()) {
    await prisma.reply.create({
      data: {
        itemId: items[index]!.id,
        text: "Спасибо",
        status,
        idempotencyKey: `triage-${position}`,
        createdAt: new Date(Date.now() + position * 1000),
      },
    });
  }
  stored = await prisma.item.findMany({
    select: {
      id: true,
      sellerId: true,
      marketplace: true,
      channel: true,
      text: true,
      rating: true,
      productName: true,
      productArticle: true,
      authorName: true,
      answered: true,
      read: true,
      lastActivityAt: true,
    },
  });
});

type Row = Stored & { replyState: string };

async function withReplyState(): Promise<Row[]> {
  const states = await prisma.item.findMany({ select: { id: true, replyState: true } });
  const byId = new Map(states.map((state) => [state.id, state.replyState]));
  return stored.map((item) => ({ ...item, replyState: byId.get(item.id)! }));
}

const newest = (a: Stored, b: Stored) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || (a.id < b.id ? 1 : -1);
const bySort = {
  newest,
  oldest: (a: Stored, b: Stored) => -newest(a, b),
  rating: (a: Stored, b: Stored) => (a.rating ?? 99) - (b.rating ?? 99) || newest(a, b),
};

async function everyPage(fetch: (cursor: string | null) => Promise<{ items: Array<{ id: string }>; nextCursor: string | null }>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard += 1) {
    const page = await fetch(cursor);
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("paging did not end");
}

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof TRPCError && error.code === code);
}

describe("inbox.listAll and inbox.list", () => {
  it.each(["newest", "oldest", "rating"] as const)("pages through every item of the caller's sellers once, in %s order", async (sort) => {
    const ids = await everyPage((cursor) => caller().inbox.listAll({ sort, cursor, limit: 7 }));
    const expected = stored.filter((item) => item.sellerId !== foreignSeller).sort(bySort[sort]);
    expect(ids).toEqual(expected.map((item) => item.id));
  });

  it("shows each row's seller, product, author and reply state", async () => {
    const page = await caller().inbox.listAll({ limit: 100 });
    const row = page.items.find((item) => item.seller.id === sellerB)!;
    expect(row.seller).toEqual({ id: sellerB, name: "Бета" });
    expect(row.product.article).toMatch(/^(RUN-42|WIN-7|SUM-1)$/);
    expect(row.authorName).toMatch(/^(Анна|Иван П\.|Мария)$/);
    expect(page.items.filter((item) => item.replyState === "pending")).toHaveLength(3);
    expect(page.items.filter((item) => item.replyState === "failed")).toHaveLength(1);
    expect(page.items.every((item) => item.highlight === null)).toBe(true);
  });

  it("previews a text cut to 280 characters with an ellipsis and a chat by its newest message, and highlights words past the cut", async () => {
    const [review, exactReview] = stored.filter((item) => item.sellerId === sellerA && item.channel === "REVIEW");
    const chat = stored.find((item) => item.sellerId === sellerA && item.channel === "CHAT")!;
    // Astral characters count twice in JavaScript and once in PostgreSQL: the cut must still be the same.
    const long = `${"Очень длинный отзыв 👟 ".repeat(14)}застёжка сломалась`;
    expect(long.length).toBeGreaterThan(300);
    await prisma.item.update({ where: { id: review!.id }, data: { text: long } });
    await prisma.item.update({ where: { id: exactReview!.id }, data: { text: "я".repeat(280) } });
    await prisma.item.update({ where: { id: chat.id }, data: { lastMessageText: "ю".repeat(281) } });
    try {
      const rows = new Map((await caller().inbox.list({ sellerId: sellerA, limit: 100 })).items.map((row) => [row.id, row]));
      expect(rows.get(review!.id)!.text).toBe(`${long.slice(0, 279)}…`);
      expect(rows.get(exactReview!.id)!.text).toBe("я".repeat(280));
      expect(rows.get(chat.id)!.text).toBe(`${"ю".repeat(279)}…`);
      const found = await caller().inbox.list({ sellerId: sellerA, q: "застёжка", limit: 10 });
      const snippet = found.items.find((row) => row.id === review!.id)!.highlight!.snippet!;
      expect(snippet.filter((segment) => segment.match).map((segment) => segment.text)).toEqual(["застёжка"]);
    } finally {
      await prisma.item.update({ where: { id: review!.id }, data: { text: review!.text } });
      await prisma.item.update({ where: { id: exactReview!.id }, data: { text: exactReview!.text } });
      await prisma.item.update({ where: { id: chat.id }, data: { lastMessageText: null } });
    }
  });

  it("refuses sellers the caller does not belong to", async () => {
    await expectCode(caller().inbox.listAll({ sellerIds: [sellerA, foreignSeller] }), "FORBIDDEN");
    await expectCode(caller().inbox.countsAll({ sellerIds: [foreignSeller] }), "FORBIDDEN");
    await expectCode(caller().inbox.list({ sellerId: foreignSeller }), "NOT_FOUND");
  });

  const FILTERS: Array<{ name: string; filter: InboxFilterInput; match: (item: Row) => boolean }> = [
    { name: "marketplaces", filter: { marketplaces: ["ozon"] }, match: (item) => item.marketplace === "OZON" },
    {
      name: "channels",
      filter: { channels: ["question", "chat"] },
      match: (item) => item.channel === "QUESTION" || item.channel === "CHAT",
    },
    { name: "unanswered", filter: { status: "unanswered" }, match: (item) => !item.answered },
    { name: "answered", filter: { status: "answered" }, match: (item) => item.answered },
    { name: "reply pending", filter: { status: "reply_pending" }, match: (item) => item.replyState === "PENDING" },
    { name: "reply failed", filter: { status: "reply_failed" }, match: (item) => item.replyState === "FAILED" },
    { name: "unread", filter: { unread: true }, match: (item) => !item.read },
    { name: "read", filter: { unread: false }, match: (item) => item.read },
    { name: "several ratings", filter: { ratings: [1, 2] }, match: (item) => item.rating === 1 || item.rating === 2 },
    { name: "product article", filter: { product: "WIN-7" }, match: (item) => item.productArticle === "WIN-7" },
    { name: "product id", filter: { product: "9002" }, match: (item) => item.productArticle === "SUM-1" },
    {
      name: "words of the product name",
      filter: { product: "кроссовками беговыми" },
      match: (item) => item.productName === "Кроссовки беговые",
    },
    {
      name: "date range",
      filter: { from: new Date("2026-11-19T00:00:00Z"), to: new Date("2026-11-20T00:00:00Z") },
      match: (item) => item.lastActivityAt >= new Date("2026-11-19T00:00:00Z") && item.lastActivityAt < new Date("2026-11-20T00:00:00Z"),
    },
    {
      name: "every dimension at once",
      filter: { marketplaces: ["wildberries"], channels: ["review"], status: "unanswered", unread: true, ratings: [2, 3, 5] },
      match: (item) =>
        item.marketplace === "WILDBERRIES" &&
        item.channel === "REVIEW" &&
        !item.answered &&
        !item.read &&
        [2, 3, 5].includes(item.rating ?? 0),
    },
    {
      name: "search words with other filters",
      filter: { q: "доставку", marketplaces: ["wildberries"] },
      match: (item) => /доставк/i.test(item.text) && item.marketplace === "WILDBERRIES",
    },
  ];

  it.each(FILTERS)("filters by $name, in every sort, across sellers, with exact or bounded counts", async ({ filter, match }) => {
    const rows = (await withReplyState()).filter((item) => item.sellerId !== foreignSeller);
    for (const sort of ["newest", "oldest", "rating"] as const) {
      const ids = await everyPage((cursor) => caller().inbox.listAll({ ...filter, sort, cursor, limit: 4 }));
      expect(ids, sort).toEqual(
        rows
          .filter(match)
          .sort(bySort[sort])
          .map((item) => item.id),
      );
    }
    const perSeller = await everyPage((cursor) => caller().inbox.list({ sellerId: sellerA, ...filter, cursor, limit: 5 }));
    expect(perSeller).toEqual(
      rows
        .filter((item) => item.sellerId === sellerA && match(item))
        .sort(newest)
        .map((item) => item.id),
    );
    const counts = await caller().inbox.countsAll(filter);
    expect(counts.total).toEqual({ count: rows.filter(match).length, more: false });
  });
});

describe("Russian full-text search", () => {
  it("finds other forms of a word: «размер» finds «размеры», «доставку» finds «доставка»", async () => {
    const sizes = await caller().inbox.listAll({ q: "размер", limit: 100 });
    expect(sizes.items.length).toBeGreaterThan(0);
    expect(sizes.items.some((item) => item.text.startsWith("Размеры маломерят"))).toBe(true);
    expect(sizes.items.some((item) => item.text.includes("размера XL"))).toBe(true);
    const delivery = await caller().inbox.listAll({ q: "доставку", limit: 100 });
    expect(delivery.items.some((item) => item.text.startsWith("Доставка быстрая"))).toBe(true);
  });

  it("searches pros, author and product name too, and highlights the matches as plain segments", async () => {
    const byPros = await caller().inbox.listAll({ q: "колодка", limit: 100 });
    expect(byPros.items.length).toBeGreaterThan(0);
    expect(byPros.items[0]!.highlight!.snippet!.some((segment) => segment.match && /колодка/i.test(segment.text))).toBe(true);
    const byAuthor = await caller().inbox.listAll({ q: "Мария", limit: 100 });
    expect(byAuthor.items.every((item) => item.authorName === "Мария")).toBe(true);
    expect(byAuthor.items[0]!.highlight!.authorName).toEqual([{ text: "Мария", match: true }]);
    const byProduct = await caller().inbox.listAll({ q: "куртка", limit: 100 });
    expect(byProduct.items.every((item) => item.productName === "Куртка зимняя")).toBe(true);
    expect(byProduct.items[0]!.highlight!.productName).toEqual([
      { text: "Куртка", match: true },
      { text: " зимняя", match: false },
    ]);
  });

  it("returns marked-up text in a buyer's words as text, never as markup", async () => {
    const item = stored.find((candidate) => candidate.sellerId === sellerA)!;
    await prisma.item.update({ where: { id: item.id }, data: { cons: "<b>Ужасный</b> \uE000запах\uE001 <script>x</script>" } });
    const page = await caller().inbox.listAll({ q: "запах", limit: 10 });
    const snippet = page.items.find((row) => row.id === item.id)!.highlight!.snippet!;
    // The buyer's text comes back as written, tags as literal text; its own private-use marks fake nothing.
    expect(snippet.map((segment) => segment.text).join("")).toContain("<b>Ужасный</b> \uE000запах\uE001 <script>x</script>");
    expect(snippet.filter((segment) => segment.match).map((segment) => segment.text)).toEqual(["запах"]);
    await prisma.item.update({ where: { id: item.id }, data: { cons: null } });
  });
});

describe("inbox.counts and inbox.countsAll", () => {
  it("count per status, unread and channel, each apart from its own filter, from the counters", async () => {
    const rows = (await withReplyState()).filter((item) => item.sellerId !== foreignSeller);
    const filter: InboxFilterInput = { marketplaces: ["wildberries"], status: "unanswered", unread: true };
    const counts = await caller().inbox.countsAll(filter);
    const wb = rows.filter((item) => item.marketplace === "WILDBERRIES");
    const exact = (count: number) => ({ count, more: false });
    expect(counts.exact).toBe(true);
    expect(counts.total).toEqual(exact(wb.filter((item) => !item.answered && !item.read).length));
    expect(counts.status).toEqual({
      unanswered: exact(wb.filter((item) => !item.answered && !item.read).length),
      answered: exact(wb.filter((item) => item.answered && !item.read).length),
      reply_pending: exact(wb.filter((item) => item.replyState === "PENDING" && !item.read).length),
      reply_failed: exact(wb.filter((item) => item.replyState === "FAILED" && !item.read).length),
    });
    expect(counts.unread).toEqual(exact(wb.filter((item) => !item.answered && !item.read).length));
    expect(counts.channels).toEqual({
      review: exact(wb.filter((item) => item.channel === "REVIEW" && !item.answered && !item.read).length),
      question: exact(wb.filter((item) => item.channel === "QUESTION" && !item.answered && !item.read).length),
      chat: exact(wb.filter((item) => item.channel === "CHAT" && !item.answered && !item.read).length),
    });
    const one = await caller().inbox.counts({ sellerId: sellerB });
    expect(one.total).toEqual(exact(rows.filter((item) => item.sellerId === sellerB).length));
  });

  it("with search words, counts the matches exactly below the cap", async () => {
    const rows = (await withReplyState()).filter((item) => item.sellerId !== foreignSeller && /доставк/i.test(item.text));
    const counts = await caller().inbox.countsAll({ q: "доставка" });
    expect(counts.exact).toBe(false);
    expect(counts.total).toEqual({ count: rows.length, more: false });
    expect(counts.status.answered).toEqual({ count: rows.filter((item) => item.answered).length, more: false });
  });
});

describe("bulk selection and inbox.setReadBulk", () => {
  it("marks picked items read with one result each, queues the upstream mark for channels that have it", async () => {
    const targets = stored.filter((item) => item.sellerId === sellerA && !item.read).slice(0, 5);
    const alreadyRead = stored.find((item) => item.sellerId === sellerA && item.read)!;
    queuedMarkRead.length = 0;
    const results = await caller().inbox.setReadBulk({
      selection: {
        itemRefs: [
          ...targets.map((item) => ({ sellerId: sellerA, itemId: item.id })),
          { sellerId: sellerA, itemId: alreadyRead.id },
          { sellerId: sellerA, itemId: "no-such-item" },
        ],
      },
      read: true,
    });
    expect(results).toHaveLength(7);
    for (const item of targets) {
      const result = results.find((candidate) => candidate.itemId === item.id)!;
      // Ozon marks reviews, questions and chats read; Wildberries only questions.
      const upstream = item.marketplace === "OZON" || item.channel === "QUESTION" ? "queued" : "unsupported";
      expect(result).toMatchObject({ ok: true, changed: true, read: true, upstream });
    }
    expect(results.find((result) => result.itemId === alreadyRead.id)).toMatchObject({ ok: true, changed: false, upstream: "none" });
    expect(results.find((result) => result.itemId === "no-such-item")).toMatchObject({ ok: false, error: "not_found" });
    expect(queuedMarkRead.flat().sort()).toEqual(
      results
        .filter((result) => result.upstream === "queued")
        .map((r) => r.itemId)
        .sort(),
    );
    const now = await prisma.item.findMany({ where: { id: { in: targets.map((item) => item.id) } }, select: { read: true } });
    expect(now.every((item) => item.read)).toBe(true);
    await caller().inbox.setReadBulk({
      selection: { itemRefs: targets.map((item) => ({ sellerId: sellerA, itemId: item.id })) },
      read: false,
    });
  });

  it("selects all items matching a filter, only in sellers where the caller may act", async () => {
    const filter: InboxFilterInput = { sellerIds: [sellerA], channels: ["question"], unread: true };
    const expected = stored.filter((item) => item.sellerId === sellerA && item.channel === "QUESTION" && !item.read);
    const results = await caller().inbox.setReadBulk({ selection: { filter }, read: true });
    expect(results.map((result) => result.itemId).sort()).toEqual(expected.map((item) => item.id).sort());
    expect((await caller().inbox.counts({ sellerId: sellerA, channels: ["question"], unread: true })).total.count).toBe(0);
    // A VIEWER of seller B: naming it is refused, and "all my sellers" leaves it out.
    await expectCode(caller().inbox.setReadBulk({ selection: { filter: { sellerIds: [sellerB] } }, read: true }), "FORBIDDEN");
    await expectCode(
      caller().inbox.setReadBulk({ selection: { itemRefs: [{ sellerId: sellerB, itemId: stored[0]!.id }] }, read: true }),
      "FORBIDDEN",
    );
    const everything = await resolveInboxSelection(
      prisma,
      [
        { id: sellerA, name: "", role: "AGENT" },
        { id: sellerB, name: "", role: "VIEWER" },
      ],
      { filter: { sort: "newest" } },
      { minRole: "AGENT" },
    );
    expect(new Set(everything.items.map((item) => item.sellerId))).toEqual(new Set([sellerA]));
  });

  it("refuses a selection above the cap instead of acting on part of it", async () => {
    const memberships = [{ id: sellerA, name: "", role: "AGENT" as const }];
    await expect(
      resolveInboxSelection(prisma, memberships, { filter: { sort: "newest" } }, { minRole: "AGENT", cap: 10 }),
    ).rejects.toSatisfy(
      (error: unknown) => error instanceof TRPCError && error.code === "PAYLOAD_TOO_LARGE" && /More than 10 items/.test(error.message),
    );
    const within = await resolveInboxSelection(
      prisma,
      memberships,
      { filter: { sort: "newest", status: "reply_failed" } },
      { minRole: "AGENT", cap: 10 },
    );
    expect(within.items).toHaveLength(1);
  });
});
