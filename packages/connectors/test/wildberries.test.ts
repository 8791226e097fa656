// Wildberries specifics beyond the conformance suite: sandbox fidelity to the reference and the
// connectors' WB-only behaviour (unknown-id 204 guard, replySign refresh, base-token limits).
import { afterEach, describe, expect, it } from "vitest";
import { MarketplaceAuthError, MarketplaceRequestError, RateLimitedError, resetSharedBuckets } from "../src/core/index";
import { groupEvents, WBChatConnector, WBFeedbacksConnector, WBQuestionsConnector, wbTokenType } from "../src/wildberries/index";
import { createWildberriesSandbox, startWildberriesSandbox, type WildberriesSandbox } from "../src/wildberries/sandbox/index";

const fast = { retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 2, rateLimit: false as const };
let sb: WildberriesSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
  resetSharedBuckets();
});

async function start(opts: Parameters<typeof startWildberriesSandbox>[0] = {}) {
  sb = await startWildberriesSandbox({ seed: 7, size: 12, ...opts });
  return sb;
}

async function get(url: string, token: string) {
  const res = await fetch(url, { headers: { Authorization: token } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe("WB sandbox: query validation and error bodies", () => {
  it("rejects next=0 and non-numeric next on /seller/events with the chat error body", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["chat"] });
    for (const next of ["0", "abc"]) {
      const r = await get(`${s.chatUrl}/api/v1/seller/events?next=${next}`, t);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ status: 400, origin: "proxy-chats", detail: 'Invalid value for "next"' });
      expect(r.body).toHaveProperty("requestId");
      expect(r.body).toHaveProperty("title");
      expect(r.body).toHaveProperty("error");
    }
  });

  it("enforces feedbacks take ≤ 5000, skip ≤ 199 990 and required params with the feedbacks envelope", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["feedbacks"] });
    const base = `${s.feedbacksUrl}/api/v1/feedbacks`;
    for (const q of [
      "isAnswered=false&take=5001&skip=0",
      "isAnswered=false&take=10&skip=199991",
      "take=10&skip=0",
      "isAnswered=true&skip=0",
    ]) {
      const r = await get(`${base}?${q}`, t);
      expect(r.status, q).toBe(400);
      expect(Object.keys(r.body!).sort()).toEqual(["additionalErrors", "data", "error", "errorText", "requestId"]);
      expect(r.body).toMatchObject({ data: null, error: true, additionalErrors: null });
    }
    expect((await get(`${base}?isAnswered=false&take=5000&skip=199990`, t)).status).toBe(200);
  });

  it("enforces take + skip ≤ 10 000 on questions", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["feedbacks"] });
    expect((await get(`${s.feedbacksUrl}/api/v1/questions?isAnswered=false&take=5000&skip=5001`, t)).status).toBe(400);
    expect((await get(`${s.feedbacksUrl}/api/v1/questions?isAnswered=false&take=5000&skip=5000`, t)).status).toBe(200);
  });

  it("answers 401 problem+json for a token without the host's category, and the connector calls it token_category", async () => {
    const s = await start();
    const chatOnly = s.issueToken({ categories: ["chat"] });
    const r = await get(`${s.feedbacksUrl}/api/v1/feedbacks?isAnswered=false&take=1&skip=0`, chatOnly);
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body).toMatchObject({ title: "unauthorized", status: 401 });
    const err = await new WBFeedbacksConnector({ apiToken: chatOnly }, { ...fast, baseUrl: s.feedbacksUrl })
      .listItems()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect(err).toMatchObject({ reason: "token_category", status: 401 });
    const forged = await new WBFeedbacksConnector({ apiToken: "a.b.c" }, { ...fast, baseUrl: s.feedbacksUrl })
      .listItems()
      .catch((e: unknown) => e);
    expect(forged).toMatchObject({ reason: "invalid_token" });
  });

  it("rejects writes with a read-only token", async () => {
    const s = await start();
    const ro = s.issueToken({ categories: ["feedbacks", "readonly"] });
    const c = new WBQuestionsConnector({ apiToken: ro }, { ...fast, baseUrl: s.feedbacksUrl });
    await expect(c.listItems({ take: 2 })).resolves.toBeDefined();
    await expect(c.markRead({ itemId: s.world.questions[0]!.id })).rejects.toBeInstanceOf(MarketplaceAuthError);
  });
});

describe("WB sandbox: rate limits", () => {
  it("sends X-Ratelimit-Remaining normally and X-Ratelimit-Retry/Limit/Reset on 429 past the burst of 6", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["feedbacks"] });
    const url = `${s.feedbacksUrl}/api/v1/feedbacks/count-unanswered`;
    const statuses: number[] = [];
    let last429: Awaited<ReturnType<typeof get>> | undefined;
    for (let i = 0; i < 8; i++) {
      const r = await get(url, t);
      statuses.push(r.status);
      if (r.status === 200) expect(r.headers.get("x-ratelimit-remaining")).not.toBeNull();
      else last429 = r;
    }
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(last429!.headers.get("x-ratelimit-limit")).toBe("6");
    expect(Number(last429!.headers.get("x-ratelimit-retry"))).toBeGreaterThan(0);
    expect(Number(last429!.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    expect(last429!.body).toMatchObject({ title: "too many requests", status: 429 });
  });

  it("limits a base token to its hourly budget and the connector ends with RateLimitedError instead of sleeping", async () => {
    const s = await start();
    const base = s.issueToken({ type: "base", categories: ["feedbacks"] });
    expect(wbTokenType(base)).toBe("base");
    // Client-side limiting off, so the sandbox's 429 (retry in 12 min) is what the client meets.
    const c = new WBQuestionsConnector({ apiToken: base }, { ...fast, baseUrl: s.feedbacksUrl });
    await c.listQuestions({ isAnswered: false, take: 1, skip: 0 });
    const started = Date.now();
    const err = await c.listQuestions({ isAnswered: false, take: 1, skip: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(10 * 60_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("with its documented base-token budget the client stops with RateLimitedError before sending a doomed request", async () => {
    const s = await start();
    const base = s.issueToken({ type: "base", categories: ["feedbacks"] });
    // No rateLimit override: the token type is read from the JWT (acc=1) → 5 req/h, burst 1.
    const c = new WBFeedbacksConnector({ apiToken: base }, { baseUrl: s.feedbacksUrl, retryBaseDelayMs: 1 });
    await c.listFeedbacks({ isAnswered: false, take: 1, skip: 0 });
    const err = await c.listFeedbacks({ isAnswered: false, take: 1, skip: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(10 * 60_000);
    expect(s.stats.feedbacks.count("GET /api/v1/feedbacks")).toBe(1);
  });

  it("the client's documented budget keeps a burst of 12 requests free of 429 (time-scaled sandbox)", async () => {
    const s = await start({ timeScale: 20 });
    const t = s.issueToken({ categories: ["feedbacks"] });
    // Scaled like the sandbox (3 req/s x 20) with a margin: the server's bucket starts when the first
    // request arrives, and the 20x clock turns a few ms of connection setup into a real debt.
    const c = new WBFeedbacksConnector({ apiToken: t }, { baseUrl: s.feedbacksUrl, rateLimit: { capacity: 3, refillPerSecond: 48 } });
    await Promise.all(Array.from({ length: 12 }, () => c.listFeedbacks({ isAnswered: false, take: 1, skip: 0 })));
    expect(s.count429()).toBe(0);
  });
});

describe("WB feedbacks semantics", () => {
  it("answers 204 for an unknown feedback id, so the connector checks the id and sends nothing", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["feedbacks"] });
    const raw = await fetch(`${s.feedbacksUrl}/api/v1/feedbacks/answer`, {
      method: "POST",
      headers: { Authorization: t, "content-type": "application/json" },
      body: JSON.stringify({ id: "nope", text: "Спасибо!" }),
    });
    expect(raw.status).toBe(204);
    expect(s.world.answersToUnknownIds).toHaveLength(1);
    const c = new WBFeedbacksConnector({ apiToken: t }, { ...fast, baseUrl: s.feedbacksUrl });
    await expect(c.sendReply({ itemId: "typo-id", text: "Спасибо!" })).rejects.toBeInstanceOf(MarketplaceRequestError);
    expect(s.world.answersToUnknownIds).toHaveLength(1);
    expect(s.stats.feedbacks.count("POST /api/v1/feedbacks/answer")).toBe(1);
  });

  it("does not re-send an identical answer (safe retry after a crash)", async () => {
    const s = await start({ moderation: "instant" });
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    const id = s.world.feedbacks.find((f) => !f.answer)!.id;
    await c.sendReply({ itemId: id, text: "Спасибо за отзыв!" });
    await c.sendReply({ itemId: id, text: "Спасибо за отзыв!" });
    expect(s.world.answers.get(id)).toEqual(["Спасибо за отзыв!"]);
  });

  it("edits an answer once through PATCH: an identical edit sends nothing, a second edit is refused before any write", async () => {
    const s = await start({ moderation: "instant" });
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    const id = s.world.feedbacks.find((f) => !f.answer)!.id;
    await expect(c.editReply({ itemId: id, text: "Исправленный ответ" })).rejects.toThrow(/has no answer to edit/);
    // The write says what the answer allows next: a new answer has its one edit left, an edit uses it up.
    expect(await c.sendReply({ itemId: id, text: "Спасибо за отзыв!" })).toEqual({ answerEditable: true });
    expect(await c.getItem({ itemId: id })).toMatchObject({ answerText: "Спасибо за отзыв!", answerEditable: true });
    // An answer never replaces another one: that is an edit.
    await expect(c.sendReply({ itemId: id, text: "Другой ответ" })).rejects.toThrow(/already has an answer/);
    // Written against another answer than WB shows (changed in the portal meanwhile): nothing is written.
    await expect(c.editReply({ itemId: id, text: "Правка", replacing: "Ответ, которого там уже нет" })).rejects.toThrow(
      /changed meanwhile/,
    );
    expect(await c.editReply({ itemId: id, text: "Спасибо! Размер уточнили в карточке.", replacing: "Спасибо  за отзыв!" })).toEqual({
      answerEditable: false,
    });
    // Retried after an unknown outcome: WB shows the text already (spacing aside), nothing is sent.
    await c.editReply({ itemId: id, text: "Спасибо!  Размер уточнили в карточке. ", replacing: "Спасибо за отзыв!" });
    expect(await c.getItem({ itemId: id })).toMatchObject({ answerText: "Спасибо! Размер уточнили в карточке.", answerEditable: false });
    await expect(c.editReply({ itemId: id, text: "Третья версия" })).rejects.toThrow(/no longer lets edit/);
    // One answer and one edit reached WB (a 429 from its rate limit may make the client repeat a request).
    expect(s.world.answers.get(id)).toEqual(["Спасибо за отзыв!", "Спасибо! Размер уточнили в карточке."]);
    expect(c.capabilities).toMatchObject({ sendReply: true, editReply: true });
  });

  it("the sandbox refuses a second edit of a feedback answer with the spec's 400 body", async () => {
    const s = await start({ moderation: "instant" });
    const t = s.issueToken();
    const id = s.world.feedbacks.find((f) => !f.answer)!.id;
    const send = (method: string, text: string) =>
      fetch(`${s.feedbacksUrl}/api/v1/feedbacks/answer`, {
        method,
        headers: { Authorization: t, "content-type": "application/json" },
        body: JSON.stringify({ id, text }),
      });
    expect((await send("PATCH", "Правка без ответа")).status).toBe(400);
    expect((await send("POST", "Спасибо!")).status).toBe(204);
    expect((await send("PATCH", "Первая правка")).status).toBe(204);
    const second = await send("PATCH", "Вторая правка");
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ title: "invalid request", detail: expect.stringContaining("один раз") });
  });

  it("moves an answer from reviewRequired to wbRu after moderation", async () => {
    let now = Date.UTC(2026, 10, 1);
    const s = await start({ now: () => now, moderation: "review", moderationDelayMs: 60_000 });
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    const id = s.world.feedbacks.find((f) => !f.answer)!.id;
    await c.sendReply({ itemId: id, text: "Благодарим!" });
    expect(await c.getItem({ itemId: id })).toMatchObject({ answered: true, answerText: "Благодарим!", answerState: "reviewRequired" });
    now += 61_000;
    expect((await c.getItem({ itemId: id }))?.answerState).toBe("wbRu");
  });

  it("lists feedbacks auto-archived after 30 days under isAnswered=true but maps them as unanswered", async () => {
    const now = Date.UTC(2026, 10, 1);
    const s = await start({ now: () => now });
    const old = s.world.addFeedback({ createdMs: now - 40 * 24 * 3600_000, answer: null });
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    const archived = await c.listFeedbacks({ isAnswered: true, take: 5000, skip: 0 });
    const raw = archived.feedbacks!.find((f) => f.id === old.id);
    expect(raw?.answer).toBeNull();
    expect((await c.getItem({ itemId: old.id }))?.answered).toBe(false);
  });

  it("maps the buyer's order status of a feedback, and says nothing for notSpecified", async () => {
    const s = await start();
    const statuses = { buyout: "bought", rejected: "rejected", returned: "returned", notSpecified: undefined } as const;
    const ids = Object.keys(statuses).map((orderStatus) => s.world.addFeedback({ orderStatus: orderStatus as keyof typeof statuses }).id);
    const c = new WBFeedbacksConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    const listed = await c.listItems({ take: 100 });
    expect(ids.map((id) => listed.items.find((item) => item.externalId === id)?.orderStatus)).toEqual(Object.values(statuses));
  });

  it("generates the same data for the same seed and different data for another", () => {
    const now = () => Date.UTC(2026, 10, 1);
    const a = createWildberriesSandbox({ seed: 3, size: 5, now });
    const b = createWildberriesSandbox({ seed: 3, size: 5, now });
    const c = createWildberriesSandbox({ seed: 4, size: 5, now });
    const snap = (x: typeof a) => JSON.stringify([x.world.feedbacks, x.world.questions, [...x.world.chats.values()], x.world.events]);
    expect(snap(a)).toBe(snap(b));
    expect(snap(a)).not.toBe(snap(c));
    expect(a.world.feedbacks.some((f) => /[а-яё]/i.test(f.text))).toBe(true);
  });
});

describe("WB list paging", () => {
  it.each([
    ["included", false],
    ["excluded", true],
  ])("delivers every feedback and question once, five sharing each second, with the dateFrom second %s", async (_, exclusive) => {
    const s = await start({ feedbacks: 0, questions: 0, chats: 0, rateLimits: false, dateFromExclusive: exclusive });
    const base = Math.floor(Date.now() / 1000 - 3600) * 1000;
    for (let i = 0; i < 40; i++) {
      const at = base + Math.floor(i / 5) * 1000;
      const feedback = s.world.addFeedback({ createdMs: at });
      const question = s.world.addQuestion({ createdMs: at });
      if (i % 3 === 0) feedback.answer = question.answer = { text: "Спасибо!", answeredAt: at + 1000, edited: false };
    }
    const token = s.issueToken();
    const connectors = [
      new WBFeedbacksConnector({ apiToken: token }, { ...fast, baseUrl: s.feedbacksUrl }),
      new WBQuestionsConnector({ apiToken: token }, { ...fast, baseUrl: s.feedbacksUrl }),
    ];
    // Pages ending inside a second, on its edge, and spanning several.
    for (const [connector, take] of connectors.flatMap((c) => [3, 4, 5, 7, 12].map((t) => [c, t] as const))) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof connector.listItems>> = await connector.listItems({ cursor, take });
        seen.push(...page.items.map((item) => item.externalId));
        cursor = page.nextCursor;
      } while (cursor);
      const upstream = connector instanceof WBFeedbacksConnector ? s.world.feedbacks : s.world.questions;
      expect(seen.filter((id, i) => seen.indexOf(id) !== i)).toEqual([]);
      expect(seen.sort()).toEqual(upstream.map((item) => item.id).sort());
    }
  });
});

describe("WB questions semantics", () => {
  it("answers and edits through the same PATCH, once each: a second edit is refused before any write", async () => {
    const s = await start({ moderation: "instant" });
    const c = new WBQuestionsConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    const id = s.world.questions.find((q) => !q.answer && !q.rejected)!.id;
    await c.sendReply({ itemId: id, text: "Да, есть в наличии." });
    expect(await c.getItem({ itemId: id })).toMatchObject({ answered: true, answerEditable: true });
    await expect(c.sendReply({ itemId: id, text: "Другой ответ" })).rejects.toThrow(/already has an answer/);
    await c.editReply({ itemId: id, text: "Да, есть в наличии в размерах S–L." });
    expect(await c.getItem({ itemId: id })).toMatchObject({ answerText: "Да, есть в наличии в размерах S–L.", answerEditable: false });
    await expect(c.editReply({ itemId: id, text: "Третья версия" })).rejects.toThrow(/no longer lets edit/);
    expect(s.world.answers.get(id)).toEqual(["Да, есть в наличии.", "Да, есть в наличии в размерах S–L."]);
  });

  it("refuses to edit an unknown question before any write", async () => {
    const s = await start();
    const c = new WBQuestionsConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.feedbacksUrl });
    await expect(c.editReply({ itemId: "no-such-question", text: "Правка" })).rejects.toBeInstanceOf(MarketplaceRequestError);
    expect(s.stats.feedbacks.count("PATCH /api/v1/questions")).toBe(0);
  });
});

describe("WB chat", () => {
  it("refreshes a stale replySign from /seller/chats and delivers once", async () => {
    const s = await start();
    const t = s.issueToken({ categories: ["chat"] });
    const c = new WBChatConnector({ apiToken: t }, { ...fast, baseUrl: s.chatUrl });
    await c.listChats(); // learns every replySign
    const chat = [...s.world.chats.values()][0]!;
    chat.replySign = "rotated-sign";
    await c.sendReply({ itemId: chat.chatID, text: "Здравствуйте!" });
    expect(s.world.messagesSent.get(chat.chatID)).toEqual(["Здравствуйте!"]);
    expect(s.stats.chat.count("POST /api/v1/seller/message")).toBe(2);
  });

  it("pages the events stream with next until totalEvents is 0, each event once", async () => {
    const s = await start({ eventsPageSize: 4 });
    const c = new WBChatConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.chatUrl });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await c.getUpdates({ cursor });
      for (const item of page.items) seen.push(...(item.messages ?? []).map((m) => m.externalId));
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(seen.sort()).toEqual(s.world.events.map((e) => e.eventID).sort());
    s.addChatMessage({ chatID: [...s.world.chats.keys()][1]! });
    const more = await c.getUpdates({ cursor });
    expect(more.items).toHaveLength(1);
    expect(more.items[0]!.messages).toHaveLength(1);
  });

  it("a Wildberries notice after the seller's reply leaves the chat answered, named as theirs", async () => {
    const s = await start({ eventsPageSize: 4 });
    const c = new WBChatConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.chatUrl });
    const since = new Date(s.world.now()).toISOString();
    const chat = s.addChatMessage({ text: "Когда отправите?" });
    s.addChatMessage({ chatID: chat.chatID, sender: "seller", text: "Сегодня вечером." });
    s.addChatMessage({ chatID: chat.chatID, sender: "wb", text: "Заказ передан в доставку" });
    const item = await c.getItem({ itemId: chat.chatID, messagesSince: since });
    expect(item).toMatchObject({ answered: true });
    expect(item!.messages!.map((m) => m.direction)).toEqual(["in", "out", "notice"]);
    expect(item!.messages!.at(-1)).toMatchObject({ authorName: "Wildberries", text: "Заказ передан в доставку" });
    // The events feed (getUpdates) groups the same thread alike.
    const threads = (await c.getUpdates({ cursor: String(Date.parse(since) - 1) })).items;
    expect(threads.find((t) => t.externalId === chat.chatID)).toMatchObject({ answered: true, text: "Когда отправите?" });
  });

  it("getItem with messagesSince carries every message from then on, read to the end of the events stream", async () => {
    const s = await start({ eventsPageSize: 3 });
    const c = new WBChatConnector({ apiToken: s.issueToken() }, { ...fast, baseUrl: s.chatUrl });
    const chat = [...s.world.chats.values()][0]!;
    const since = new Date(s.world.now()).toISOString();
    s.addChatMessage({ chatID: chat.chatID, sender: "seller", text: "Наш ответ" });
    // Other chats fill several pages, then the buyer writes again: ours is no longer the latest.
    for (const other of [...s.world.chats.keys()].slice(1, 8)) s.addChatMessage({ chatID: other });
    s.addChatMessage({ chatID: chat.chatID, text: "Спасибо, а когда?" });

    expect((await c.getItem({ itemId: chat.chatID }))!.messages!.map((m) => m.text)).toEqual(["Спасибо, а когда?"]);
    const item = await c.getItem({ itemId: chat.chatID, messagesSince: since });
    expect(item!.messages!.map((m) => [m.direction, m.text])).toEqual([
      ["out", "Наш ответ"],
      ["in", "Спасибо, а когда?"],
    ]);
    expect(item!.answered).toBe(false);
  });

  it("groups events into threads and drops duplicate eventIDs", () => {
    const e = (eventID: string, chatID: string, ts: number, sender = "client") => ({
      chatID,
      eventID,
      eventType: "message",
      addTimestamp: ts,
      sender,
      message: { text: eventID },
    });
    const threads = groupEvents([e("1", "a", 1), e("2", "b", 2), e("1", "a", 1), e("3", "a", 3, "seller")]);
    expect(threads.map((t) => [t.externalId, t.messages!.map((m) => m.externalId), t.answered])).toEqual([
      ["a", ["1", "3"], true],
      ["b", ["2"], false],
    ]);
  });
});
