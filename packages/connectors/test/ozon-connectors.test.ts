// Ozon specifics the shared conformance suite does not cover: uint64 message ids, subscription
// gating, validation order and messages, the 50 rps limit, buyer-vs-support chats and moderation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  MarketplaceAuthError,
  MarketplaceRequestError,
  RateLimitedError,
  getConnector,
  resetSharedBuckets,
  type ConnectorOptions,
} from "../src/index";
import { OzonChatConnector, OzonQuestionsConnector, OzonReviewsConnector } from "../src/ozon/index";
import { startOzonSandbox, type OzonSandbox } from "../src/ozon/sandbox/index";

const BIG_ID = "3000000000118021931";

let sandbox: OzonSandbox;
let options: ConnectorOptions;

beforeAll(async () => {
  // Comments pass moderation at once here; ozon-moderation.test.ts covers the delay.
  sandbox = await startOzonSandbox({ seed: 7, size: { chats: 6, reviews: 25, questions: 8 }, moderationDelayMs: 0 });
  options = { baseUrl: sandbox.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 2 };
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.faults.reset();
  resetSharedBuckets();
});

async function rawPost(path: string, body: unknown, creds = sandbox.credentials) {
  const res = await fetch(sandbox.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", "Client-Id": creds.clientId, "Api-Key": creds.apiKey },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("ozon uint64 message ids", () => {
  it("the sandbox emits 3000000000118021931 as a bare JSON number that JSON.parse would round", async () => {
    const chat = sandbox.account().chats.find((c) => c.messages.some((m) => m.id.toString() === BIG_ID))!;
    const { text } = await rawPost("/v3/chat/history", { chat_id: chat.id, direction: "Backward", limit: 1000 });
    expect(text).toContain(`"message_id":${BIG_ID}`);
    expect(String(Number(BIG_ID))).not.toBe(BIG_ID);
  });

  it("connectors keep message ids exact strings from history to markRead", async () => {
    const chat = sandbox.account().chats.find((c) => c.messages.some((m) => m.id.toString() === BIG_ID))!;
    const connector = new OzonChatConnector(sandbox.credentials, options);
    const item = await connector.getItem({ itemId: chat.id });
    const ids = item!.messages!.map((m) => m.externalId);
    expect(ids).toContain(BIG_ID);
    expect(ids).toEqual(chat.messages.map((m) => m.id.toString()));

    await connector.markRead({ itemId: chat.id });
    // Ozon marks "this and all earlier" read: the exact newest id must have reached the server.
    expect(chat.sellerReadUpTo).toBe(chat.messages.at(-1)!.id);
  });
});

describe("ozon errors", () => {
  const noSubscription = () => ({ clientId: "100002", apiKey: "ozon-sandbox-basic-key" });

  it("a seller without the review subscription gets MarketplaceAuthError(subscription_missing)", async () => {
    const err = await new OzonReviewsConnector(noSubscription(), options).listItems({ take: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect((err as MarketplaceAuthError).reason).toBe("subscription_missing");
    expect((err as MarketplaceAuthError).status).toBe(403);
  });

  it("the same seller can still read questions and chats", async () => {
    const questions = await new OzonQuestionsConnector(noSubscription(), options).listItems({ take: 5 });
    expect(questions.items.length).toBeGreaterThan(0);
    const chats = await new OzonChatConnector(noSubscription(), options).listItems({ take: 5 });
    expect(chats.items.length).toBeGreaterThan(0);
  });

  it("review limit validation (20…100) fires before the subscription check", async () => {
    const res = await rawPost("/v2/review/list", { limit: 10 }, noSubscription());
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ code: 3, message: expect.stringContaining("[20, 100]") });
    const gated = await rawPost("/v2/review/list", { limit: 20 }, noSubscription());
    expect(gated.status).toBe(403);
    expect(JSON.parse(gated.text)).toMatchObject({ code: 7, message: expect.stringContaining("existing subscription") });
  });

  it("the review connector never sends a page size Ozon would reject", async () => {
    const page = await new OzonReviewsConnector(sandbox.credentials, options).listItems({ take: 5 });
    expect(page.items).toHaveLength(20);
  });

  it("an invalid Api-Key is an auth error, not a missing subscription", async () => {
    const err = await new OzonChatConnector({ clientId: "100001", apiKey: "nope" }, options).listItems().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect((err as MarketplaceAuthError).reason).toBe("invalid_token");
  });

  it("credentials are validated locally: Client-Id must be numeric", () => {
    expect(() => new OzonChatConnector({ clientId: "abc", apiKey: "k" }, options)).toThrow(/clientId/);
  });

  it("Ozon's validation message reaches the caller verbatim (question answer shorter than 2 characters)", async () => {
    const q = sandbox.account().questions[0]!;
    const connector = new OzonQuestionsConnector(sandbox.credentials, options);
    const err = await connector.createAnswer(q.id, String(q.sku), "Я").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceRequestError);
    expect((err as MarketplaceRequestError).status).toBe(400);
    expect((err as MarketplaceRequestError).upstreamMessage).toMatch(/value length must be between 2 and 3000/);
    await expect(connector.sendReply({ itemId: q.id, text: "Я" })).rejects.toThrow(/2-3000 characters/);
    expect(sandbox.stats.repliesTo("question", q.id)).toBe(0);
  });

  it("chat reply text over 1000 characters is rejected before any request", async () => {
    const chat = sandbox.account().chats.find((c) => c.type === "BUYER_SELLER" && c.status === "OPENED")!;
    const before = sandbox.stats.requests.total;
    await expect(
      new OzonChatConnector(sandbox.credentials, options).sendReply({ itemId: chat.id, text: "я".repeat(1001) }),
    ).rejects.toThrow(RangeError);
    expect(sandbox.stats.requests.total).toBe(before);
    const raw = await rawPost("/v1/chat/send/message", { chat_id: chat.id, text: "я".repeat(1001) });
    expect(raw.status).toBe(400);
  });

  it("unknown ids answer 404 code 5 and getItem returns null", async () => {
    const raw = await rawPost("/v2/review/info", { review_id: "missing" });
    expect(raw.status).toBe(404);
    expect(JSON.parse(raw.text)).toMatchObject({ code: 5 });
    expect(await new OzonReviewsConnector(sandbox.credentials, options).getItem({ itemId: "missing" })).toBeNull();
  });
});

describe("ozon rate limit (50 rps per Client-Id)", () => {
  it("429 code 8 surfaces as RateLimitedError once retries are spent", async () => {
    const own = await startOzonSandbox({ seed: 3, size: { chats: 1, reviews: 0, questions: 0 } });
    try {
      own.exhaustRateLimit();
      const err = await new OzonChatConnector(own.credentials, { baseUrl: own.url, maxRetries: 0 }).listChats().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitedError);
      const raw = await fetch(own.url + "/v3/chat/list", {
        method: "POST",
        headers: { "Client-Id": own.credentials.clientId, "Api-Key": own.credentials.apiKey },
        body: JSON.stringify({ limit: 1 }),
      });
      expect(raw.status).toBe(429);
      expect(await raw.json()).toMatchObject({ code: 8, message: "You have reached request rate limit per second" });
    } finally {
      await own.close();
    }
  });

  it("the client's default budget keeps a burst of 70 calls under the sandbox's 50 rps without a 429", async () => {
    const own = await startOzonSandbox({ seed: 3, size: { chats: 1, reviews: 0, questions: 0 } });
    try {
      const connector = new OzonChatConnector(own.credentials, { baseUrl: own.url, retryBaseDelayMs: 1 });
      await Promise.all(Array.from({ length: 70 }, () => connector.listChats({ limit: 1 })));
      expect(own.stats.requests.total).toBe(70);
      expect(own.stats.requests.status(429)).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe("ozon chats", () => {
  it("lists buyer chats (BUYER_SELLER and BUYER_SELLER_SELECT) but not support chats, comparing chat_type case-insensitively", async () => {
    const connector = getConnector("ozon", "chat", sandbox.credentials, options);
    const support = sandbox.account().chats.find((c) => c.type === "SELLER_SUPPORT")!;
    const listed = (await connector.listItems({ take: 100 })).items.map((i) => i.externalId);
    const select = sandbox.account().chats.find((c) => c.type === "BUYER_SELLER_SELECT")!;
    expect(listed).not.toContain(support.id);
    expect(listed).toContain(select.id);
    expect(listed).toHaveLength(sandbox.account().chats.length - 1);

    sandbox.setResponseTransform("/v3/chat/list", (body) => ({
      ...body,
      chats: (body.chats as Array<{ chat: Record<string, unknown> }>).map((c) => ({
        ...c,
        // Push payloads and older docs write Buyer_Seller / Buyer_Seller_Select / Opened.
        chat: {
          ...c.chat,
          chat_type: String(c.chat.chat_type)
            .toLowerCase()
            .replace(/(^|_)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase()),
          chat_status: String(c.chat.chat_status).charAt(0) + String(c.chat.chat_status).slice(1).toLowerCase(),
        },
      })),
    }));
    try {
      const mixed = (await connector.listItems({ take: 100 })).items.map((i) => i.externalId);
      expect(mixed).toEqual(listed);
    } finally {
      sandbox.setResponseTransform("/v3/chat/list", undefined);
    }
  });

  it("an Ozon notice or support message after the seller's reply leaves the chat answered, named as theirs", async () => {
    const { chat } = sandbox.addBuyerMessage({ text: "Когда отправите?" });
    const connector = new OzonChatConnector(sandbox.credentials, options);
    await connector.sendReply({ itemId: chat.id, text: "Сегодня вечером." });
    sandbox.addBuyerMessage({ chatId: chat.id, from: "crm", text: "Заказ передан в доставку" });
    sandbox.addBuyerMessage({ chatId: chat.id, from: "support", text: "Поддержка Ozon на связи" });
    const item = await connector.getItem({ itemId: chat.id });
    expect(item).toMatchObject({ answered: true, text: "Когда отправите?", answerText: "Сегодня вечером." });
    expect(item!.messages!.slice(-2)).toMatchObject([
      { direction: "notice", authorName: "Ozon", text: "Заказ передан в доставку" },
      { direction: "notice", authorName: "Ozon support", text: "Поддержка Ozon на связи" },
    ]);
    expect(item!.updatedAt).toBe(item!.messages!.at(-1)!.createdAt);
  });

  it("getUpdates re-delivers a known chat when the buyer writes again", async () => {
    const connector = new OzonChatConnector(sandbox.credentials, options);
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.getUpdates({ cursor, take: 4 });
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const chat = sandbox.account().chats.find((c) => c.type === "BUYER_SELLER")!;
    const { message } = sandbox.addBuyerMessage({ chatId: chat.id, text: "А где мой заказ?" });
    const update = await connector.getUpdates({ cursor, take: 4 });
    expect(update.items.map((i) => i.externalId)).toEqual([chat.id]);
    const item = update.items[0]!;
    expect(item.answered).toBe(false);
    expect(item.read).toBe(false);
    expect(item.messages!.at(-1)).toMatchObject({ externalId: message.id.toString(), direction: "in", text: "А где мой заказ?" });
  });
});

describe("ozon chat updates across several list pages", () => {
  it("getUpdates misses no message that lands on an already-read page while later pages are read", async () => {
    const own = await startOzonSandbox({ seed: 5, size: { chats: 6, reviews: 0, questions: 0 } });
    class SmallPages extends OzonChatConnector {
      protected override scanPageSize = 3;
    }
    try {
      const connector = new SmallPages(own.credentials, { baseUrl: own.url, retryBaseDelayMs: 1 });
      const drain = async (start: string | null) => {
        const ids: string[] = [];
        let cursor = start;
        for (;;) {
          const page = await connector.getUpdates({ cursor, take: 10 });
          ids.push(...page.items.map((i) => i.externalId));
          cursor = page.nextCursor;
          if (!page.hasMore) return { ids, cursor };
        }
      };
      const first = await drain(null);
      const buyers = own
        .account()
        .chats.filter((c) => c.type === "BUYER_SELLER")
        .sort((a, b) => a.seq - b.seq);
      const early = buyers[0]!;
      const late = buyers.at(-1)!;
      let fired = false;
      // Right after the first page is served, the buyer of a chat on it writes, then a chat on a later page.
      own.setResponseTransform("/v3/chat/list", (body) => {
        if (!fired) {
          fired = true;
          own.addBuyerMessage({ chatId: early.id });
          own.addBuyerMessage({ chatId: late.id });
        }
        return body;
      });
      const second = await drain(first.cursor);
      expect(second.ids).toEqual(expect.arrayContaining([early.id, late.id]));
    } finally {
      await own.close();
    }
  });
});

describe("ozon sandbox data", () => {
  it("is deterministic for a seed: same ids, texts and message ids", async () => {
    const a = await startOzonSandbox({ seed: 99, size: { chats: 3, reviews: 3, questions: 3 } });
    const b = await startOzonSandbox({ seed: 99, size: { chats: 3, reviews: 3, questions: 3 } });
    try {
      const shape = (s: OzonSandbox) => JSON.stringify(s.account(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
      expect(shape(a)).toBe(shape(b));
      expect(a.account().reviews[0]!.text).toMatch(/[а-яё]/i);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("ozon reviews and questions", () => {
  it("a reply marks the review processed and getItem reports the seller's comment", async () => {
    const review = sandbox.addReview({ text: "Пришёл без инструкции", rating: 3 });
    const connector = new OzonReviewsConnector(sandbox.credentials, options);
    const before = await connector.getItem({ itemId: review.id });
    expect(before).toMatchObject({ answered: false, read: false, rating: 3, product: { externalId: String(review.sku) } });
    const sent = await connector.sendReply({ itemId: review.id, text: "Отправим инструкцию в чат." });
    expect(sent.externalId).toBeTruthy();
    expect(review.status).toBe("PROCESSED");
    expect(await connector.getItem({ itemId: review.id })).toMatchObject({
      answered: true,
      answerText: "Отправим инструкцию в чат.",
      answerState: "published",
    });
  });

  it("a review's order status comes from the listing: DELIVERED is bought, CANCELLED cancelled", async () => {
    const delivered = sandbox.addReview({ text: "Всё пришло", rating: 5, orderStatus: "DELIVERED" });
    const cancelled = sandbox.addReview({ text: "Заказ отменили, но отзыв оставлю", rating: 2, orderStatus: "CANCELLED" });
    const connector = new OzonReviewsConnector(sandbox.credentials, options);
    const statusOf = async (id: string) => {
      for (let cursor: string | null = null; ;) {
        const page = await connector.listItems({ cursor, take: 100 });
        const found = page.items.find((item) => item.externalId === id);
        if (found || !page.nextCursor) return found?.orderStatus;
        cursor = page.nextCursor;
      }
    };
    expect([await statusOf(delivered.id), await statusOf(cancelled.id)]).toEqual(["bought", "cancelled"]);
    expect((await connector.getItem({ itemId: cancelled.id }))?.orderStatus).toBe("cancelled");
  });

  it("an answer held for moderation still counts as answered, so the reply job does not send twice", async () => {
    sandbox.setModeration("hold");
    try {
      const review = sandbox.addReview();
      const reviews = new OzonReviewsConnector(sandbox.credentials, options);
      await reviews.sendReply({ itemId: review.id, text: "Спасибо!" });
      expect(await reviews.getItem({ itemId: review.id })).toMatchObject({ answered: true, answerState: "moderation" });

      const question = sandbox.addQuestion();
      const questions = new OzonQuestionsConnector(sandbox.credentials, options);
      await questions.sendReply({ itemId: question.id, text: "Да, подходит." });
      expect(await questions.getItem({ itemId: question.id })).toMatchObject({
        answered: true,
        answerText: "Да, подходит.",
        answerState: "AWAITING_MODERATION",
      });
      sandbox.moderateAnswer("question", question.id, "rejected");
      expect(await questions.getItem({ itemId: question.id })).toMatchObject({ answered: false, answerState: "MODERATION_FAILED" });
    } finally {
      sandbox.setModeration("publish");
    }
  });

  it("a question answer is sent with the question's sku", async () => {
    const question = sandbox.addQuestion({ sku: 123456789 });
    await new OzonQuestionsConnector(sandbox.credentials, options).sendReply({ itemId: question.id, text: "Гарантия 12 месяцев." });
    expect(question.answers.at(-1)).toMatchObject({ text: "Гарантия 12 месяцев." });
    expect(sandbox.stats.repliesReceived("question", question.id)).toEqual(["Гарантия 12 месяцев."]);
  });

  it("markRead turns NEW into VIEWED and never downgrades a PROCESSED review", async () => {
    const connector = new OzonReviewsConnector(sandbox.credentials, options);
    const fresh = sandbox.addReview();
    await connector.markRead({ itemId: fresh.id });
    expect(fresh.status).toBe("VIEWED");
    const processed = sandbox.account().reviews.find((r) => r.status === "PROCESSED")!;
    await connector.markRead({ itemId: processed.id });
    expect(processed.status).toBe("PROCESSED");
  });

  it("markRead accepts an empty 200 from change-status, which the schema declares without a body", async () => {
    const review = sandbox.addReview();
    const question = sandbox.account().questions.find((q) => q.status === "NEW")!;
    sandbox.setResponseTransform("/v2/review/change-status", () => undefined);
    sandbox.setResponseTransform("/v1/question/change-status", () => undefined);
    try {
      await new OzonReviewsConnector(sandbox.credentials, options).markRead({ itemId: review.id });
      await new OzonQuestionsConnector(sandbox.credentials, options).markRead({ itemId: question.id });
    } finally {
      sandbox.setResponseTransform("/v2/review/change-status", undefined);
      sandbox.setResponseTransform("/v1/question/change-status", undefined);
    }
    expect(review.status).toBe("VIEWED");
    expect(question.status).toBe("VIEWED");
  });
});
