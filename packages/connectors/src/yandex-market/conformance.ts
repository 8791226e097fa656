// Conformance targets of the Yandex Market channels (chat, review, question): the shared suite
// against the Yandex Market sandbox with its 4-parallel-requests limit per business. The hourly
// quotas are off here: the suite lists everything many times over (a full questions read walks
// month windows from 2018), which real use does once; test/yandex-market-*.test.ts cover them.
import type { Channel, ConnectorOptions } from "../core/types";
import { registerConformanceTarget, type ConformanceHarness } from "../testing/conformance";
import { startYandexMarketSandbox, type YandexMarketSandbox, type YmMethod } from "./sandbox/server";

interface ChannelAdapter {
  listMethod: YmMethod;
  driftField: string;
  drift(body: Record<string, unknown>): unknown;
  addItem(s: YandexMarketSandbox): string;
  allItemIds(s: YandexMarketSandbox): string[];
  replyableItemId(s: YandexMarketSandbox): string;
  isRead(s: YandexMarketSandbox, itemId: string): boolean | undefined;
}

function mapFirst(list: unknown, change: (item: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (!Array.isArray(list) || list.length === 0) return list;
  return [change(list[0] as Record<string, unknown>), ...list.slice(1)];
}

const resultOf = (body: Record<string, unknown>) => body.result as Record<string, unknown>;

const ADAPTERS: Record<Channel, ChannelAdapter> = {
  chat: {
    listMethod: "chats",
    driftField: "updatedAt",
    drift: (body) => ({
      ...body,
      result: { ...resultOf(body), chats: mapFirst(resultOf(body).chats, (c) => ({ ...c, updatedAt: 1727740800 })) },
    }),
    addItem: (s) => String(s.addCustomerMessage().chat.id),
    allItemIds: (s) => s.business().chats.map((c) => String(c.id)),
    replyableItemId: (s) => String(s.business().chats.find((c) => c.status !== "FINISHED")!.id),
    // Yandex Market has no read flag for chats.
    isRead: () => undefined,
  },
  review: {
    listMethod: "feedbacks",
    driftField: "rating",
    drift: (body) => ({
      ...body,
      result: {
        ...resultOf(body),
        feedbacks: mapFirst(resultOf(body).feedbacks, (f) => ({ ...f, statistics: { ...(f.statistics as object), rating: "пять" } })),
      },
    }),
    addItem: (s) => String(s.addFeedback().id),
    allItemIds: (s) => s.business().feedbacks.map((f) => String(f.id)),
    replyableItemId: (s) => String((s.business().feedbacks.find((f) => f.needReaction) ?? s.business().feedbacks[0]!).id),
    isRead: (s, id) => {
      const feedback = s.business().feedbacks.find((f) => String(f.id) === id);
      return feedback ? !feedback.needReaction : undefined;
    },
  },
  question: {
    listMethod: "questions",
    driftField: "createdAt",
    drift: (body) => ({
      ...body,
      result: { ...resultOf(body), questions: mapFirst(resultOf(body).questions, (q) => ({ ...q, createdAt: 20261001 })) },
    }),
    addItem: (s) => String(s.addQuestion().id),
    allItemIds: (s) => s.business().questions.map((q) => String(q.id)),
    replyableItemId: (s) => String((s.business().questions.find((q) => q.answers.length === 0) ?? s.business().questions[0]!).id),
    // Yandex Market has no read flag for questions.
    isRead: () => undefined,
  },
};

async function startHarness(channel: Channel, seed: number, size: number): Promise<ConformanceHarness> {
  const adapter = ADAPTERS[channel];
  const sandbox = await startYandexMarketSandbox({
    seed,
    chats: size,
    feedbacks: size,
    questions: size,
    messagesPerChat: 4,
    hourlyLimits: false,
    // Recent data, as a live cabinet has.
    epoch: new Date().toISOString(),
  });
  const options: ConnectorOptions = {
    baseUrl: sandbox.url,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 20,
    maxRetries: 3,
    timeoutMs: 5_000,
    // The hourly buckets are widened for the suite; the 4-parallel limit per business stays.
    rateLimit: { capacity: 1000, refillPerSecond: 1000 },
  };
  return {
    credentials: sandbox.credentials,
    badCredentials: { apiKey: "ACMA:revoked-key:0000", businessId: sandbox.credentials.businessId },
    badCredentialsReason: "invalid_token",
    options,
    // A buyer's item exists before our next request. Yandex Market ends a listing window at the
    // request's own instant, exclusively: an item made in that same millisecond is listed only by the
    // next call, so the harness lets the clock move on before the suite asks.
    addItem: async () => {
      const id = adapter.addItem(sandbox);
      const madeAt = Date.now();
      while (Date.now() <= madeAt) await new Promise((resolve) => setTimeout(resolve, 1));
      return id;
    },
    allItemIds: () => adapter.allItemIds(sandbox),
    replyableItemId: () => adapter.replyableItemId(sandbox),
    repliesReceived: (itemId) => sandbox.stats.repliesReceived(itemId),
    isRead: (itemId) => adapter.isRead(sandbox, itemId),
    faults: sandbox.faults,
    injectSchemaDrift: () => {
      sandbox.setResponseTransform(adapter.listMethod, adapter.drift);
      return { field: adapter.driftField, restore: () => sandbox.setResponseTransform(adapter.listMethod, undefined) };
    },
    // 420 Enhance Your Calm is Yandex Market's rate-limit answer.
    count429: () => sandbox.stats.requests.status(429) + sandbox.stats.requests.status(420),
    sparseResponses: () => {
      sandbox.setSparse(true);
      return { restore: () => sandbox.setSparse(false) };
    },
    close: () => sandbox.close(),
  };
}

for (const channel of ["chat", "review", "question"] as const) {
  registerConformanceTarget({
    marketplace: "yandex-market",
    channel,
    start: ({ seed, size }) => startHarness(channel, seed, size),
  });
}
