// Conformance target of Yandex Market chats: the shared suite against the Yandex Market sandbox.
import type { ConnectorOptions } from "../core/types";
import { registerConformanceTarget } from "../testing/conformance";
import { startYandexMarketSandbox } from "./sandbox/server";

registerConformanceTarget({
  marketplace: "yandex-market",
  channel: "chat",
  async start({ seed, size }) {
    const sandbox = await startYandexMarketSandbox({ seed, chats: size, messagesPerChat: 4 });
    const options: ConnectorOptions = {
      baseUrl: sandbox.url,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 20,
      maxRetries: 3,
      timeoutMs: 5_000,
      // The sandbox enforces the real limits: 4 parallel requests and hourly quotas far above the suite's use.
      rateLimit: { capacity: 1000, refillPerSecond: 1000, maxConcurrent: 4 },
    };
    const isSendable = (status: string) => status !== "FINISHED";
    return {
      credentials: sandbox.credentials,
      badCredentials: { apiKey: "ACMA:revoked-key:0000", businessId: sandbox.credentials.businessId },
      options,
      addItem: () => String(sandbox.addCustomerMessage().chat.id),
      allItemIds: () => sandbox.business().chats.map((c) => String(c.id)),
      replyableItemId: () => String(sandbox.business().chats.find((c) => isSendable(c.status))!.id),
      repliesReceived: (itemId) => sandbox.stats.repliesReceived(itemId),
      // Yandex Market has no read flag for chats.
      isRead: () => undefined,
      faults: sandbox.faults,
      injectSchemaDrift: () => {
        sandbox.setResponseTransform("chats", (body) => {
          const result = body.result as { chats: Array<Record<string, unknown>> };
          return { ...body, result: { ...result, chats: result.chats.map((c, i) => (i === 0 ? { ...c, updatedAt: 1727740800 } : c)) } };
        });
        return { field: "updatedAt", restore: () => sandbox.setResponseTransform("chats", undefined) };
      },
      // 420 Enhance Your Calm is Yandex Market's rate-limit answer; hourly quotas give 429.
      count429: () => sandbox.stats.requests.status(429) + sandbox.stats.requests.status(420),
      sparseResponses: () => {
        throw new Error("TODO(issue 8): the sandbox does not model sparse responses yet");
      },

      close: () => sandbox.close(),
    };
  },
});
