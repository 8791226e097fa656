// Conformance targets for the three WB connectors: each starts a fresh WB sandbox with a
// time-scaled rate limiter and gives the suite matching client options.
import type { Channel, ConnectorOptions } from "../core/types";
import { registerConformanceTarget, type ConformanceHarness } from "../testing/conformance";
import { startWildberriesSandbox, type WildberriesSandbox } from "./sandbox/index";

/** Sandbox clock runs 20x faster so the documented limits cost 1/20 of real time. */
const TIME_SCALE = 20;

function testOptions(baseUrl: string, capacity: number, perSecond: number): ConnectorOptions {
  return {
    baseUrl,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 50,
    maxRetries: 3,
    timeoutMs: 3000,
    // The documented budget, time-scaled like the sandbox, with a margin: the server's bucket starts
    // at the first arrival and its 20x clock magnifies connection-setup latency.
    rateLimit: { capacity: Math.max(1, Math.floor(capacity / 2)), refillPerSecond: perSecond * TIME_SCALE * 0.8 },
  };
}

function harness(sb: WildberriesSandbox, channel: Channel): ConformanceHarness {
  const w = sb.world;
  const group = channel === "chat" ? "chat" : "feedbacks";
  const base = {
    credentials: { apiToken: sb.issueToken({ type: "personal", categories: channel === "chat" ? ["chat"] : ["feedbacks"] }) },
    // Right shape, wrong category bit: WB answers 401.
    badCredentials: { apiToken: sb.issueToken({ type: "personal", categories: channel === "chat" ? ["feedbacks"] : ["chat"] }) },
    badCredentialsReason: "token_category" as const,
    faults: sb.faults[group],
    count429: () => sb.count429(group),
    sparseResponses: () => {
      sb.mode.sparse = true;
      return { restore: () => void (sb.mode.sparse = false) };
    },
    close: () => sb.close(),
  };
  if (channel === "review") {
    return {
      ...base,
      options: testOptions(sb.feedbacksUrl, 6, 3),
      addItem: () => w.addFeedback().id,
      allItemIds: () => w.feedbacks.map((f) => f.id),
      replyableItemId: () => (w.feedbacks.find((f) => !f.answer) ?? w.feedbacks[0]!).id,
      repliesReceived: (id) => w.answers.get(id) ?? [],
      isRead: () => undefined,
      injectSchemaDrift: () => {
        sb.drift.feedbacks = "createdDate";
        return { field: "createdDate", restore: () => void (sb.drift.feedbacks = undefined) };
      },
    };
  }
  if (channel === "question") {
    return {
      ...base,
      options: testOptions(sb.feedbacksUrl, 6, 3),
      addItem: () => w.addQuestion().id,
      allItemIds: () => w.questions.map((q) => q.id),
      replyableItemId: () => (w.questions.find((q) => !q.answer) ?? w.questions[0]!).id,
      repliesReceived: (id) => w.answers.get(id) ?? [],
      isRead: (id) => w.questions.find((q) => q.id === id)?.wasViewed,
      injectSchemaDrift: () => {
        sb.drift.questions = "createdDate";
        return { field: "createdDate", restore: () => void (sb.drift.questions = undefined) };
      },
    };
  }
  return {
    ...base,
    options: testOptions(sb.chatUrl, 10, 1),
    addItem: () => w.addChatMessage().chatID,
    allItemIds: () => [...w.chats.keys()],
    replyableItemId: () => [...w.chats.keys()][0]!,
    repliesReceived: (id) => w.messagesSent.get(id) ?? [],
    isRead: () => undefined,
    injectSchemaDrift: () => {
      sb.drift.chats = "replySign";
      return { field: "replySign", restore: () => void (sb.drift.chats = undefined) };
    },
  };
}

for (const channel of ["review", "question", "chat"] as const) {
  registerConformanceTarget({
    marketplace: "wildberries",
    channel,
    async start({ seed, size }) {
      const sb = await startWildberriesSandbox({ seed, size, timeScale: TIME_SCALE, eventsPageSize: 10, moderation: "instant" });
      return harness(sb, channel);
    },
  });
}
