// Yandex Market chat specifics beyond the shared suite: the 4-parallel-requests limit (HTTP 420),
// hourly quotas, page-size validation, history paging, business scoping and time zones.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MarketplaceAuthError, RateLimitedError, getConnector, resetSharedBuckets, type ConnectorOptions } from "../src/index";
import { YandexMarketChatConnector } from "../src/yandex-market/index";
import { startYandexMarketSandbox, type YandexMarketSandbox } from "../src/yandex-market/sandbox/index";

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
    const statuses = await Promise.all(Array.from({ length: 8 }, () => raw("/v2/businesses/7700001/chats?limit=1").then((r) => r.status)));
    expect(statuses.filter((s) => s === 420).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
  });

  it("concurrent syncs through the default budget never exceed 4 requests in flight", async () => {
    sandbox.stats.reset();
    const before420 = sandbox.stats.requests.status(420);
    const a = new YandexMarketChatConnector(sandbox.credentials, options);
    const b = new YandexMarketChatConnector(sandbox.credentials, options);
    await Promise.all([a.listItems({ take: 20 }), b.listItems({ take: 20 }), a.getUpdates({ cursor: null, take: 5 })]);
    expect(sandbox.stats.maxInFlight()).toBeLessThanOrEqual(4);
    expect(sandbox.stats.requests.status(420) - before420).toBe(0);
  });

  it("an exhausted hourly quota (429) ends in RateLimitedError once retries are spent", async () => {
    const own = await startYandexMarketSandbox({ seed: 1, chats: 2, hourlyLimits: { message: 1 } });
    try {
      const chat = own.business().chats.find((c) => c.status !== "FINISHED")!;
      const connector = new YandexMarketChatConnector(own.credentials, { baseUrl: own.url, maxRetries: 0 });
      await connector.sendReply({ itemId: String(chat.id), text: "Здравствуйте!" });
      await expect(connector.sendReply({ itemId: String(chat.id), text: "Ещё раз" })).rejects.toBeInstanceOf(RateLimitedError);
      expect(own.stats.repliesReceived(chat.id)).toEqual(["Здравствуйте!"]);
    } finally {
      await own.close();
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
