// Conformance targets of the three Ozon channels: each starts the Ozon sandbox with one seller
// and exposes its ground truth (items, replies received, read flags) to the shared suite.
import type { Channel, ConnectorOptions } from "../core/types";
import { registerConformanceTarget, type ConformanceHarness } from "../testing/conformance";
import { isBuyerChatType, unreadCount } from "./sandbox/model";
import { startOzonSandbox, type OzonSandbox } from "./sandbox/server";

/** The sandbox runs faster than Ozon's 50 rps so the suite stays quick; the client matches it. */
const SUITE_RPS = 1000;

const CLIENT_ID = "100001";
const API_KEY = "ozon-sandbox-demo-key";

interface ChannelAdapter {
  listPath: string;
  /** A field of list items that the drift makes wrong-typed. */
  driftField: string;
  drift(body: Record<string, unknown>): unknown;
  addItem(s: OzonSandbox): string;
  allItemIds(s: OzonSandbox): string[];
  replyableItemId(s: OzonSandbox): string;
  isRead(s: OzonSandbox, itemId: string): boolean | undefined;
}

function mapFirst(list: unknown, change: (item: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (!Array.isArray(list) || list.length === 0) return list;
  return [change(list[0] as Record<string, unknown>), ...list.slice(1)];
}

const ADAPTERS: Record<Channel, ChannelAdapter> = {
  chat: {
    listPath: "/v3/chat/list",
    driftField: "created_at",
    drift: (body) => ({
      ...body,
      chats: mapFirst(body.chats, (c) => ({ ...c, chat: { ...(c.chat as object), created_at: 1727740800 } })),
    }),
    addItem: (s) => s.addBuyerMessage().chat.id,
    allItemIds: (s) =>
      s
        .account()
        .chats.filter((c) => isBuyerChatType(c.type))
        .map((c) => c.id),
    replyableItemId: (s) => s.account().chats.find((c) => c.type === "BUYER_SELLER" && c.status === "OPENED")!.id,
    isRead: (s, id) => {
      const chat = s.account().chats.find((c) => c.id === id);
      return chat ? unreadCount(chat) === 0 : undefined;
    },
  },
  review: {
    listPath: "/v2/review/list",
    driftField: "rating",
    drift: (body) => ({ ...body, reviews: mapFirst(body.reviews, (r) => ({ ...r, rating: "пять" })) }),
    addItem: (s) => s.addReview().id,
    allItemIds: (s) => s.account().reviews.map((r) => r.id),
    replyableItemId: (s) => (s.account().reviews.find((r) => r.status === "NEW") ?? s.account().reviews[0]!).id,
    isRead: (s, id) => {
      const review = s.account().reviews.find((r) => r.id === id);
      return review ? review.status !== "NEW" : undefined;
    },
  },
  question: {
    listPath: "/v1/question/list",
    driftField: "published_at",
    drift: (body) => ({ ...body, questions: mapFirst(body.questions, (q) => ({ ...q, published_at: 20261001 })) }),
    addItem: (s) => s.addQuestion().id,
    allItemIds: (s) => s.account().questions.map((q) => q.id),
    replyableItemId: (s) => (s.account().questions.find((q) => q.status === "NEW") ?? s.account().questions[0]!).id,
    isRead: (s, id) => {
      const question = s.account().questions.find((q) => q.id === id);
      return question ? question.status !== "NEW" : undefined;
    },
  },
};

async function startHarness(channel: Channel, seed: number, size: number): Promise<ConformanceHarness> {
  const adapter = ADAPTERS[channel];
  const sandbox = await startOzonSandbox({
    seed,
    accounts: [{ clientId: CLIENT_ID, apiKey: API_KEY }],
    size: { chats: size, reviews: size, questions: size, messagesPerChat: 4 },
    rateLimit: { perSecond: SUITE_RPS },
    // The suite checks a sent answer through getItem at once; moderation is tested on its own.
    moderationDelayMs: 0,
  });
  const options: ConnectorOptions = {
    baseUrl: sandbox.url,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 20,
    maxRetries: 3,
    timeoutMs: 5_000,
    rateLimit: { capacity: SUITE_RPS, refillPerSecond: SUITE_RPS },
  };
  return {
    credentials: sandbox.credentials,
    badCredentials: { clientId: CLIENT_ID, apiKey: "revoked-key-0000" },
    options,
    addItem: () => adapter.addItem(sandbox),
    allItemIds: () => adapter.allItemIds(sandbox),
    replyableItemId: () => adapter.replyableItemId(sandbox),
    repliesReceived: (itemId) => sandbox.stats.repliesReceived(channel, itemId),
    isRead: (itemId) => adapter.isRead(sandbox, itemId),
    faults: sandbox.faults,
    injectSchemaDrift: () => {
      sandbox.setResponseTransform(adapter.listPath, adapter.drift);
      return { field: adapter.driftField, restore: () => sandbox.setResponseTransform(adapter.listPath, undefined) };
    },
    count429: () => sandbox.stats.requests.status(429),
    sparseResponses: () => {
      sandbox.setSparse(true);
      return { restore: () => sandbox.setSparse(false) };
    },
    close: () => sandbox.close(),
  };
}

for (const channel of ["chat", "review", "question"] as const) {
  registerConformanceTarget({
    marketplace: "ozon",
    channel,
    start: ({ seed, size }) => startHarness(channel, seed, size),
  });
}
