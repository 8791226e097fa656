// Ozon Seller API facts from the published spec (vispar-tech/ozon-seller-api-schema), each proven
// against the sandbox over real HTTP: page-size caps and their rpcStatus errors, int64 values sent
// as strings, buyer names, product links, review media, sparse responses and comment moderation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConnector, resetSharedBuckets, type ConnectorOptions } from "../src/index";
import { OzonChatConnector, OzonQuestionsConnector, OzonReviewsConnector } from "../src/ozon/index";
import { startOzonSandbox, type OzonSandbox } from "../src/ozon/sandbox/index";
import { postToOzonSandbox, type OzonResponse } from "./support/ozon-sandbox";

let sandbox: OzonSandbox;
let options: ConnectorOptions;
/** The sandbox's clock: moderation passes when a test moves it. */
let clock = Date.parse("2026-10-05T10:00:00Z");
const MODERATION_MS = 15 * 60_000;

beforeAll(async () => {
  sandbox = await startOzonSandbox({
    seed: 21,
    size: { chats: 130, messagesPerChat: 1, reviews: 45, questions: 120 },
    rateLimit: false,
    moderationDelayMs: MODERATION_MS,
    now: () => clock,
  });
  options = { baseUrl: sandbox.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 1 };
  resetSharedBuckets();
});
afterAll(() => sandbox.close());

const rawPost = (path: string, body: unknown) => postToOzonSandbox(sandbox, path, body);

/** Ozon's validation error: 400 with rpcStatus {code: 3, message, details}. */
function expectValidationError(res: OzonResponse, field: string) {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: 3, message: expect.stringContaining(field) });
  expect(res.body).toHaveProperty("details");
}

describe("ozon page-size caps", () => {
  it("/v3/chat/list rejects limit 0, 101 and 1000 and a missing limit; the connector never asks for more than 100", async () => {
    for (const limit of [0, 101, 1000]) expectValidationError(await rawPost("/v3/chat/list", { limit }), "limit");
    expectValidationError(await rawPost("/v3/chat/list", {}), "limit");
    expect((await rawPost("/v3/chat/list", { limit: 100, filter: { chat_status: "ALL" } })).status).toBe(200);

    const connector = new OzonChatConnector(sandbox.credentials, options);
    const page = await connector.listChats({ limit: 1000 });
    expect(page.chats).toHaveLength(100);
    expect(page.has_next).toBe(true);
  });

  it("/v3/chat/list takes the status filter in the enum's case and in the description's", async () => {
    for (const status of ["OPENED", "Opened"]) {
      const res = await rawPost("/v3/chat/list", { limit: 100, filter: { chat_status: status } });
      const chats = res.body.chats as Array<{ chat: { chat_status: string } }>;
      expect(chats.length).toBeGreaterThan(0);
      expect(new Set(chats.map((c) => c.chat.chat_status))).toEqual(new Set(["OPENED"]));
    }
    expectValidationError(await rawPost("/v3/chat/list", { limit: 100, filter: { chat_status: "ARCHIVED" } }), "chat_status");
  });

  it("the other list methods reject page sizes outside the spec's ranges with the same error shape", async () => {
    const chatId = sandbox.account().chats[0]!.id;
    const review = sandbox.account().reviews[0]!;
    expectValidationError(await rawPost("/v3/chat/history", { chat_id: chatId, limit: 1001 }), "limit");
    expectValidationError(await rawPost("/v3/chat/history", { chat_id: chatId, direction: "Forward", limit: 10 }), "from_message_id");
    expectValidationError(await rawPost("/v2/review/list", { limit: 19 }), "limit");
    expectValidationError(await rawPost("/v2/review/list", { limit: 101 }), "limit");
    expectValidationError(await rawPost("/v1/review/comment/list", { review_id: review.id, limit: 101 }), "limit");
    expectValidationError(await rawPost("/v1/review/comment/list", { review_id: review.id, limit: 19 }), "limit");
    expectValidationError(await rawPost("/v1/question/list", { limit: 101 }), "limit");
  });

  it("every connector lists a large account within the caps, whatever page size the caller asks for", async () => {
    const chats = await new OzonChatConnector(sandbox.credentials, options).listItems({ take: 500 });
    expect(chats.items).toHaveLength(100);
    const reviews = await new OzonReviewsConnector(sandbox.credentials, options).listItems({ take: 500 });
    expect(reviews.items).toHaveLength(Math.min(100, sandbox.account().reviews.length));
    const questions = await new OzonQuestionsConnector(sandbox.credentials, options).listItems({ take: 500 });
    expect(questions.items).toHaveLength(100);
    expect(questions.nextCursor).not.toBeNull();
  });
});

describe("ozon values as the spec and real responses write them", () => {
  it("int64 values and has_next sent as strings are read like numbers and booleans", async () => {
    sandbox.setResponseTransform("/v2/review/list", (body) => ({
      ...body,
      has_next: String(body.has_next),
      reviews: (body.reviews as Array<Record<string, unknown>>).map((r) => ({
        ...r,
        sku: String(r.sku),
        comments_amount: String(r.comments_amount),
        rating: String(r.rating),
      })),
    }));
    try {
      const connector = new OzonReviewsConnector(sandbox.credentials, options);
      const first = await connector.listItems({ take: 20 });
      expect(first.nextCursor).not.toBeNull();
      const upstream = sandbox.account().reviews[0]!;
      expect(first.items[0]).toMatchObject({
        externalId: upstream.id,
        rating: upstream.rating,
        product: { externalId: String(upstream.sku), url: `https://www.ozon.ru/product/${upstream.sku}/` },
      });
      const answered = sandbox.account().reviews.filter((r) => r.comments.length > 0 && r.seq <= sandbox.account().reviews[19]!.seq);
      for (const r of answered) expect(first.items.find((i) => i.externalId === r.id)?.answered).toBe(true);
    } finally {
      sandbox.setResponseTransform("/v2/review/list", undefined);
    }
  });

  it("questions carry the buyer's name, the product sku and its Ozon link (int64 sku and answers_count arrive as strings)", async () => {
    const raw = await rawPost("/v1/question/list", { limit: 1 });
    const sent = (raw.body.questions as Array<Record<string, unknown>>)[0]!;
    expect(typeof sent.sku).toBe("string");
    expect(typeof sent.answers_count).toBe("string");

    const question = sandbox.addQuestion({ authorName: "Анна К.", sku: 812345678 });
    const item = await new OzonQuestionsConnector(sandbox.credentials, options).getItem({ itemId: question.id });
    expect(item).toMatchObject({
      authorName: "Анна К.",
      product: { externalId: "812345678", url: "https://www.ozon.ru/product/812345678/" },
    });
    expect(item?.authorName).not.toBe("customer");
  });

  it("the review list reports only photo and video counts; getAttachments and getItem read their URLs from /v2/review/info", async () => {
    const withMedia = sandbox.account().reviews.filter((r) => r.photos.length > 0 || r.videos.length > 0);
    expect(withMedia.length).toBeGreaterThan(0);
    const connector = new OzonReviewsConnector(sandbox.credentials, options);
    const listed = (await connector.listItems({ take: 100 })).items;
    for (const review of withMedia) {
      const expected = [...review.photos, ...review.videos];
      const fromList = listed.find((i) => i.externalId === review.id);
      expect(fromList?.media).toEqual({ images: review.photos.length, videos: review.videos.length });
      expect(fromList?.attachments).toBeUndefined();
      expect((await connector.getAttachments({ itemId: review.id }))?.map((a) => a.url)).toEqual(expected);
      const item = await connector.getItem({ itemId: review.id });
      expect(item?.attachments?.map((a) => a.url)).toEqual(expected);
      expect(item?.attachments?.filter((a) => a.kind === "image")).toHaveLength(review.photos.length);
    }
    const plain = sandbox.account().reviews.find((r) => r.photos.length === 0 && r.videos.length === 0)!;
    expect(listed.find((i) => i.externalId === plain.id)).toMatchObject({ media: { images: 0, videos: 0 } });
    expect(await connector.getAttachments({ itemId: "no-such-review" })).toBeNull();
  });

  it("a sparse sandbox really leaves out every optional field but ids, types and paging", async () => {
    sandbox.setSparse(true);
    try {
      const reviews = await rawPost("/v2/review/list", { limit: 20 });
      expect(Object.keys((reviews.body.reviews as object[])[0]!)).toEqual(["id"]);
      expect(reviews.body).toHaveProperty("has_next", true);
      const chats = await rawPost("/v3/chat/list", { limit: 100 });
      const chat = (chats.body.chats as Array<Record<string, Record<string, unknown>>>)[0]!;
      expect(Object.keys(chat)).toEqual(["chat"]);
      expect(Object.keys(chat.chat!).sort()).toEqual(["chat_id", "chat_type"]);
      // The connector still reads each chat's newest message to place it in getUpdates.
      const updates = await new OzonChatConnector(sandbox.credentials, options).getUpdates({ cursor: null, take: 3 });
      expect(updates.items).toHaveLength(3);
      for (const item of updates.items) expect(item.messages?.length).toBeGreaterThan(0);
    } finally {
      sandbox.setSparse(false);
    }
  });

  it("chat items from listItems carry their messages, newest last, with no made-up buyer name", async () => {
    const { chat, message } = sandbox.addBuyerMessage({ text: "Когда отправите?" });
    const items = [];
    for (let cursor: string | null = null; ;) {
      const page = await new OzonChatConnector(sandbox.credentials, options).listItems({ cursor, take: 100 });
      items.push(...page.items);
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    const item = items.find((i) => i.externalId === chat.id)!;
    expect(item.messages!.at(-1)).toMatchObject({ externalId: message.id.toString(), direction: "in", createdAt: message.createdAt });
    expect(item.messages!.at(-1)!.authorName).toBeUndefined();
  });

  it("markRead reports that Ozon accepted it", async () => {
    const review = sandbox.addReview();
    expect(await new OzonReviewsConnector(sandbox.credentials, options).markRead({ itemId: review.id })).toBe(true);
    expect(review.status).toBe("VIEWED");
  });
});

describe("ozon review comment moderation", () => {
  it("declares which channels hide a sent answer until moderation", () => {
    expect(getConnector("ozon", "review", sandbox.credentials, options).capabilities.answerVisibility).toBe("after-moderation");
    expect(getConnector("ozon", "question", sandbox.credentials, options).capabilities.answerVisibility).toBe("immediate");
    expect(getConnector("ozon", "chat", sandbox.credentials, options).capabilities.answerVisibility).toBe("immediate");
  });

  it("a new comment is hidden from comment/list and comments_amount until the moderation delay passes; the review reads answered meanwhile", async () => {
    const review = sandbox.addReview({ text: "Не подошёл размер", rating: 3 });
    const connector = new OzonReviewsConnector(sandbox.credentials, options);
    await connector.sendReply({ itemId: review.id, text: "Обменяем на другой размер." });
    expect(sandbox.stats.repliesTo("review", review.id)).toBe(1);

    const hidden = await rawPost("/v1/review/comment/list", { review_id: review.id, limit: 100 });
    expect(hidden.body.comments).toEqual([]);
    expect((await rawPost("/v2/review/info", { review_id: review.id })).body).toMatchObject({ comments_amount: 0, status: "PROCESSED" });
    const during = await connector.getItem({ itemId: review.id });
    expect(during).toMatchObject({ answered: true, answerState: "moderation" });
    expect(during?.answerText).toBeUndefined();

    clock += MODERATION_MS - 1;
    expect((await rawPost("/v1/review/comment/list", { review_id: review.id, limit: 100 })).body.comments).toEqual([]);
    clock += 1;
    expect((await rawPost("/v2/review/info", { review_id: review.id })).body).toMatchObject({ comments_amount: 1 });
    expect(await connector.getItem({ itemId: review.id })).toMatchObject({
      answered: true,
      answerText: "Обменяем на другой размер.",
      answerState: "published",
    });
  });
});
