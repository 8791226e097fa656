// Yandex Market chat specifics beyond the shared suite: the 4-parallel-requests limit and hourly
// quotas (HTTP 420, X-RateLimit-Resource-* headers), page-size validation, list filters, history
// paging and nullable payloads, incremental sync cost, business scoping and time zones.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MarketplaceAuthError, RateLimitedError, getConnector, resetSharedBuckets, type ConnectorOptions } from "../src/index";
import {
  YANDEX_MARKET_HOURLY_QUOTAS,
  YANDEX_MARKET_LIMITS,
  YandexMarketChatConnector,
  YandexMarketQuestionsConnector,
  YandexMarketReviewsConnector,
  yandexMarketRetryHint,
} from "../src/yandex-market/index";
import { YM_HOURLY_LIMITS, startYandexMarketSandbox, type YandexMarketSandbox } from "../src/yandex-market/sandbox/index";

let sandbox: YandexMarketSandbox;
let options: ConnectorOptions;

beforeAll(async () => {
  sandbox = await startYandexMarketSandbox({
    seed: 11,
    chats: 30,
    latencyMs: 5,
    businesses: [
      { businessId: 7700001, apiKey: "ACMA:key-one:7700001" },
      { businessId: 7700002, apiKey: "ACMA:key-two:7700002", chats: 2 },
    ],
  });
  options = { baseUrl: sandbox.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 2 };
});
afterAll(() => sandbox.close());
beforeEach(() => {
  resetSharedBuckets();
  sandbox.faults.reset();
});

const raw = (path: string, init: { method?: string; apiKey?: string; body?: unknown } = {}) =>
  fetch(sandbox.url + path, {
    method: init.method ?? "POST",
    headers: { "Api-Key": init.apiKey ?? sandbox.credentials.apiKey, "content-type": "application/json" },
    body: init.method === "GET" ? undefined : JSON.stringify(init.body ?? {}),
  });

describe("yandex market limits", () => {
  it("the sandbox answers 420 Enhance Your Calm beyond 4 parallel requests per business", async () => {
    // Slow enough that all eight requests are in flight together, however busy the machine is.
    const own = await startYandexMarketSandbox({ seed: 2, chats: 2, latencyMs: 300 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${own.url}/v2/businesses/7700001/chats?limit=1`, {
            method: "POST",
            headers: { "Api-Key": own.credentials.apiKey, "content-type": "application/json" },
            body: "{}",
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 420)).toHaveLength(4);
      expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    } finally {
      await own.close();
    }
  });

  it("concurrent syncs of all three channels share one limit of 4 requests in flight per business", async () => {
    sandbox.stats.reset();
    const before420 = sandbox.stats.requests.status(420);
    const a = new YandexMarketChatConnector(sandbox.credentials, options);
    const b = new YandexMarketChatConnector(sandbox.credentials, options);
    const reviews = new YandexMarketReviewsConnector(sandbox.credentials, options);
    const questions = new YandexMarketQuestionsConnector(sandbox.credentials, options);
    const since = new Date(Date.now() - 200 * 24 * 3600_000).toISOString();
    await Promise.all([
      a.listItems({ take: 20 }),
      b.listItems({ take: 20 }),
      a.getUpdates({ cursor: null, take: 5 }),
      reviews.listItems({ take: 50, since }),
      questions.listItems({ take: 50, since }),
    ]);
    expect(sandbox.stats.maxInFlight()).toBeLessThanOrEqual(4);
    expect(sandbox.stats.maxInFlight()).toBeGreaterThan(1);
    expect(sandbox.stats.requests.status(420) - before420).toBe(0);
  });

  it("every response carries X-RateLimit-Resource-Limit/Remaining/Until with the method's hourly quota", async () => {
    const list = await raw("/v2/businesses/7700001/chats?limit=1");
    expect(list.headers.get("x-ratelimit-resource-limit")).toBe("5000");
    expect(Number(list.headers.get("x-ratelimit-resource-remaining"))).toBeLessThan(5000);
    const until = list.headers.get("x-ratelimit-resource-until")!;
    expect(until).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/); // RFC 822
    expect(Date.parse(until)).toBeGreaterThan(Date.now());
    // GET …/chat has its own, smaller quota of 1 000 an hour.
    const chat = await raw(`/v2/businesses/7700001/chat?chatId=${sandbox.business().chats[0]!.id}`, { method: "GET" });
    expect(chat.headers.get("x-ratelimit-resource-limit")).toBe("1000");
    const rejected = await raw("/v2/businesses/7700001/chats?limit=21");
    expect(rejected.status).toBe(400);
    expect(rejected.headers.get("x-ratelimit-resource-limit")).toBe("5000");
  });

  it("a spent hourly quota is answered 420 with Remaining 0, and the connector waits until X-RateLimit-Resource-Until", async () => {
    const own = await startYandexMarketSandbox({ seed: 1, chats: 2, hourlyLimits: { message: 1 }, quotaWindowMs: 400 });
    try {
      const chat = own.business().chats.find((c) => c.status !== "FINISHED")!;
      // A 1 ms backoff: only honouring Until makes the retry wait for the new window.
      const connector = new YandexMarketChatConnector(own.credentials, { baseUrl: own.url, maxRetries: 2, retryBaseDelayMs: 1 });
      await connector.sendReply({ itemId: String(chat.id), text: "Здравствуйте!" });
      await connector.sendReply({ itemId: String(chat.id), text: "Ещё раз" });
      expect(own.stats.requests.status(420)).toBe(1);
      const [first, , retried] = own.stats.arrivals("message");
      expect(retried).toBeGreaterThanOrEqual(Math.ceil((first! + 400) / 1000) * 1000);
      expect(own.stats.repliesReceived(chat.id)).toEqual(["Здравствуйте!", "Ещё раз"]);
    } finally {
      await own.close();
    }
  });

  it("a quota that resets in an hour ends in RateLimitedError naming the wait, and other methods go on", async () => {
    const own = await startYandexMarketSandbox({ seed: 1, chats: 2, hourlyLimits: { message: 1 } });
    try {
      const chat = own.business().chats.find((c) => c.status !== "FINISHED")!;
      const connector = new YandexMarketChatConnector(own.credentials, { baseUrl: own.url });
      await connector.sendReply({ itemId: String(chat.id), text: "Здравствуйте!" });
      const err = await connector.sendReply({ itemId: String(chat.id), text: "Ещё раз" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitedError);
      expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(3500_000);
      expect(own.stats.requests.status(420)).toBe(1); // not retried against a spent quota
      expect(own.stats.repliesReceived(chat.id)).toEqual(["Здравствуйте!"]);
      // The message bucket is paused for the hour; the chat list has its own budget.
      const started = Date.now();
      expect((await connector.listItems({ take: 2 })).items).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await own.close();
    }
  });

  it("a 420 for parallel requests (quota left) is retried with backoff, not held until the quota resets", () => {
    const headers = new Headers({
      "X-RateLimit-Resource-Limit": "5000",
      "X-RateLimit-Resource-Remaining": "4990",
      "X-RateLimit-Resource-Until": new Date(Date.now() + 3600_000).toUTCString(),
    });
    expect(yandexMarketRetryHint(headers)).toBeUndefined();
    headers.set("X-RateLimit-Resource-Remaining", "0");
    expect(yandexMarketRetryHint(headers)).toBeGreaterThan(3500_000);
  });

  it("each documented method has its own client-side bucket with its hourly quota", () => {
    expect(YANDEX_MARKET_HOURLY_QUOTAS).toEqual({
      chats: 5000,
      chat: 1000,
      history: 10000,
      message: 1000,
      feedbacks: 5000,
      feedbackComments: 5000,
      feedbackCommentUpdate: 1000,
      feedbackSkipReaction: 500,
      questions: 1000,
      questionAnswers: 1000,
      questionUpdate: 500,
    });
    for (const [group, perHour] of Object.entries(YANDEX_MARKET_HOURLY_QUOTAS)) {
      expect(YANDEX_MARKET_LIMITS[group as keyof typeof YANDEX_MARKET_LIMITS].refillPerSecond * 3600).toBeCloseTo(perHour);
    }
    for (const [method, perHour] of Object.entries(YM_HOURLY_LIMITS)) {
      expect(YANDEX_MARKET_HOURLY_QUOTAS[method as keyof typeof YANDEX_MARKET_HOURLY_QUOTAS]).toBe(perHour);
    }
  });
});

describe("yandex market validation and auth", () => {
  it("rejects a chat page larger than 20 with the documented bound, and the connector never asks for one", async () => {
    const res = await raw("/v2/businesses/7700001/chats?limit=50");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: "ERROR",
      errors: [{ code: "BAD_REQUEST", message: "limit: must be less than or equal to 20" }],
    });
    const page = await new YandexMarketChatConnector(sandbox.credentials, options).listItems({ take: 50 });
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it("a key of another business is refused with MarketplaceAuthError(forbidden)", async () => {
    const connector = new YandexMarketChatConnector({ apiKey: "ACMA:key-two:7700002", businessId: 7700001 }, options);
    const err = await connector.listItems().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect((err as MarketplaceAuthError).reason).toBe("forbidden");
  });

  it("an invalid key is MarketplaceAuthError(invalid_token)", async () => {
    const err = await getConnector("yandex-market", "chat", { apiKey: "nope", businessId: "7700001" }, options)
      .listItems()
      .catch((e: unknown) => e);
    expect((err as MarketplaceAuthError).reason).toBe("invalid_token");
  });

  it("a reply over 4096 characters is refused before any request", async () => {
    const chat = sandbox.business().chats[0]!;
    const before = sandbox.stats.requests.total;
    await expect(
      new YandexMarketChatConnector(sandbox.credentials, options).sendReply({ itemId: String(chat.id), text: "я".repeat(4097) }),
    ).rejects.toThrow(RangeError);
    expect(sandbox.stats.requests.total).toBe(before);
  });
});

describe("yandex market chats", () => {
  it("reads a long history completely across pages of 100, oldest first, with ISO UTC times", async () => {
    const { chat } = sandbox.addCustomerMessage({ text: "Начало" });
    for (let i = 0; i < 149; i++) sandbox.addCustomerMessage({ chatId: chat.id, text: `Сообщение ${i}` });
    const item = await new YandexMarketChatConnector(sandbox.credentials, options).getItem({ itemId: String(chat.id) });
    expect(item!.messages).toHaveLength(150);
    expect(item!.messages![0]!.text).toBe("Начало");
    expect(item!.messages!.map((m) => m.externalId)).toEqual(chat.messages.map((m) => String(m.id)));
    expect(chat.createdAt).toMatch(/\+03:00$/);
    expect(item!.createdAt).toBe(new Date(chat.createdAt).toISOString());
  });

  it("getUpdates re-delivers a chat after the customer writes again, with the new message", async () => {
    const connector = new YandexMarketChatConnector(sandbox.credentials, options);
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.getUpdates({ cursor, take: 10 });
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const chat = sandbox.business().chats[3]!;
    sandbox.addCustomerMessage({ chatId: chat.id, text: "Когда вернёте деньги?" });
    const update = await connector.getUpdates({ cursor, take: 10 });
    expect(update.items.map((i) => i.externalId)).toEqual([String(chat.id)]);
    expect(update.items[0]).toMatchObject({ answered: false, text: "Когда вернёте деньги?" });
  });

  it("getUpdates misses no message that lands on an already-read page while later pages are read", async () => {
    const own = await startYandexMarketSandbox({ seed: 4, chats: 25 });
    try {
      const connector = new YandexMarketChatConnector(own.credentials, { baseUrl: own.url, retryBaseDelayMs: 1 });
      let cursor: string | null = null;
      for (;;) {
        const page = await connector.getUpdates({ cursor, take: 50 });
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      const chats = [...own.business().chats].sort((a, b) => a.seq - b.seq);
      const early = chats[0]!;
      const late = chats.at(-1)!;
      let fired = false;
      // Right after the first page of 20 is served, a chat on it changes, then one on the second page.
      own.setResponseTransform("chats", (body) => {
        if (!fired) {
          fired = true;
          own.addCustomerMessage({ chatId: early.id });
          own.addCustomerMessage({ chatId: late.id });
        }
        return body;
      });
      const update = await connector.getUpdates({ cursor, take: 50 });
      expect(update.items.map((i) => i.externalId)).toEqual(expect.arrayContaining([String(early.id), String(late.id)]));
    } finally {
      await own.close();
    }
  });

  it("a sent reply shows up in getItem as an outgoing message and marks the chat answered", async () => {
    const chat = sandbox.business().chats.find((c) => c.status !== "FINISHED")!;
    const connector = new YandexMarketChatConnector(sandbox.credentials, options);
    await connector.sendReply({ itemId: String(chat.id), text: "Вернём в течение 3 дней." });
    const item = await connector.getItem({ itemId: String(chat.id) });
    expect(item).toMatchObject({ answered: true, answerText: "Вернём в течение 3 дней." });
    expect(chat.status).toBe("WAITING_FOR_CUSTOMER");
  });

  it("a notice from Market or its support after the seller's reply leaves the chat answered, named as theirs", async () => {
    const { chat } = sandbox.addCustomerMessage({ text: "Где заказ?" });
    const connector = new YandexMarketChatConnector(sandbox.credentials, options);
    await connector.sendReply({ itemId: String(chat.id), text: "Передали в доставку." });
    sandbox.addMarketMessage({ chatId: chat.id, text: "Заказ передан в службу доставки" });
    sandbox.addMarketMessage({ chatId: chat.id, text: "Здравствуйте, это поддержка Маркета", sender: "SUPPORT" });
    const item = await connector.getItem({ itemId: String(chat.id) });
    expect(item).toMatchObject({ answered: true, text: "Где заказ?", answerText: "Передали в доставку." });
    expect(item!.messages!.slice(-2)).toMatchObject([
      { direction: "notice", authorName: "Yandex Market", text: "Заказ передан в службу доставки" },
      { direction: "notice", authorName: "Yandex Market support", text: "Здравствуйте, это поддержка Маркета" },
    ]);
    expect(chat.status).toBe("WAITING_FOR_CUSTOMER");
  });

  it("markRead is not offered: the Partner API has no such method", () => {
    expect(new YandexMarketChatConnector(sandbox.credentials, options).capabilities).toMatchObject({
      markRead: false,
      sendReply: true,
      getUpdates: true,
      getItem: true,
      replyText: { min: 1, max: 4096 },
    });
  });
});

describe("yandex market chat history and list filters as the spec has them", () => {
  it("reads a history whose text messages carry payload: null and whose photo messages carry no text", async () => {
    const { chat } = sandbox.addCustomerMessage({ text: "Пришёл не тот цвет" });
    sandbox.addCustomerMessage({ chatId: chat.id, files: [{ name: "photo_1.jpg", url: "https://example.test/p1.jpg", size: 123456 }] });
    const history = (await (await raw(`/v2/businesses/7700001/chats/history?chatId=${chat.id}`)).json()) as {
      result: { messages: Array<Record<string, unknown>> };
    };
    expect(history.result.messages.find((m) => m.message === "Пришёл не тот цвет")).toMatchObject({ payload: null });
    const item = await new YandexMarketChatConnector(sandbox.credentials, options).getItem({ itemId: String(chat.id) });
    expect(item!.messages!.map((m) => m.text)).toEqual(["Пришёл не тот цвет", ""]);
    expect(item!.messages![1]!.attachments).toEqual([
      { kind: "image", url: "https://example.test/p1.jpg", name: "photo_1.jpg", sizeBytes: 123456 },
    ]);
  });

  it("filters the chat list by contextTypes (ORDER/RETURN/DIRECT), types (CHAT/ARBITRAGE), orderIds and contexts", async () => {
    const business = sandbox.business();
    const list = async (body: unknown) => {
      const res = await raw("/v2/businesses/7700001/chats?limit=20", { body });
      return {
        status: res.status,
        body: (await res.json()) as { result?: { chats: Array<{ chatId: number; context: { type: string } }> } },
      };
    };
    const returns = await list({ contextTypes: ["RETURN"] });
    expect(returns.body.result!.chats.length).toBeGreaterThan(0);
    expect(returns.body.result!.chats.every((c) => c.context.type === "RETURN")).toBe(true);
    expect((await list({ types: ["ORDER"] })).status).toBe(400); // ORDER is a context type, not a ChatType
    expect((await list({ types: ["CHAT"] })).body.result!.chats).toHaveLength(20);
    expect((await list({ types: ["ARBITRAGE"] })).body.result!.chats).toHaveLength(0);
    const withOrder = business.chats.find((c) => c.type === "ORDER")!;
    expect((await list({ orderIds: [withOrder.orderId] })).body.result!.chats.map((c) => c.chatId)).toEqual([withOrder.id]);
    const withReturn = business.chats.find((c) => c.type === "RETURN")!;
    expect((await list({ contexts: [{ type: "RETURN", id: withReturn.returnId }] })).body.result!.chats.map((c) => c.chatId)).toEqual([
      withReturn.id,
    ]);
    const viaConnector = await new YandexMarketChatConnector(sandbox.credentials, options).listChats({ contextTypes: ["DIRECT"] });
    expect(viaConnector.chats.every((c) => c.context.type === "DIRECT")).toBe(true);
  });

  it("incremental sync reads the chat list once and the history of changed chats only", async () => {
    const own = await startYandexMarketSandbox({ seed: 5, chats: 60 });
    try {
      const connector = new YandexMarketChatConnector(own.credentials, { baseUrl: own.url, retryBaseDelayMs: 1 });
      const drain = async (cursor: string | null) => {
        const items: string[] = [];
        for (;;) {
          const page = await connector.getUpdates({ cursor, take: 7 });
          items.push(...page.items.map((i) => i.externalId));
          cursor = page.nextCursor;
          if (!page.hasMore) return { items, cursor };
        }
      };
      const listRoute = "POST /v2/businesses/7700001/chats";
      const historyRoute = "POST /v2/businesses/7700001/chats/history";
      own.stats.reset();
      const first = await drain(null);
      expect(new Set(first.items).size).toBe(60);
      // 60 chats are 3 pages of 20; delivering them 7 at a time reuses the one scan.
      expect(own.stats.requests.count(listRoute)).toBeLessThanOrEqual(3 * 2);
      expect(own.stats.requests.count(historyRoute)).toBe(60);

      const changed = own.business().chats.slice(10, 12);
      for (const chat of changed) own.addCustomerMessage({ chatId: chat.id, text: "Есть новости?" });
      own.stats.reset();
      const second = await drain(first.cursor);
      expect(second.items.sort()).toEqual(changed.map((c) => String(c.id)).sort());
      expect(own.stats.requests.count(historyRoute)).toBe(2);
      expect(own.stats.requests.count(listRoute)).toBeLessThanOrEqual(3 * 2);
    } finally {
      await own.close();
    }
  });
});
