// Yandex Market reviews (goods-feedback) and questions (goods-questions) beyond the shared suite:
// field mapping, answers and their moderation state, mark-read through skip-reaction, page caps,
// date windows (6 months for reviews, one month for questions) and the error bodies of the spec.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetSharedBuckets, type ConnectorOptions } from "../src/index";
import { YandexMarketQuestionsConnector, YandexMarketReviewsConnector } from "../src/yandex-market/index";
import { startYandexMarketSandbox, type YandexMarketSandbox } from "../src/yandex-market/sandbox/index";

let sandbox: YandexMarketSandbox;
let options: ConnectorOptions;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  sandbox = await startYandexMarketSandbox({ seed: 21, chats: 1, feedbacks: 30, questions: 30, epoch: new Date().toISOString() });
  options = { baseUrl: sandbox.url, retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 2 };
});
afterAll(() => sandbox.close());
beforeEach(() => {
  resetSharedBuckets();
  sandbox.faults.reset();
  sandbox.setSparse(false);
});

const raw = async (path: string, body: unknown = {}) => {
  const res = await fetch(sandbox.url + path, {
    method: "POST",
    headers: { "Api-Key": sandbox.credentials.apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function listAll(connector: YandexMarketReviewsConnector | YandexMarketQuestionsConnector, since?: string) {
  const items = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof connector.listItems>> = await connector.listItems({
      cursor,
      take: 50,
      ...(since && !cursor ? { since } : {}),
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe("yandex market reviews", () => {
  it("maps rating, text, pros/cons, author, product, photos and the seller's published comment", async () => {
    const feedback = sandbox.addFeedback({ rating: 2, comment: "Швы разошлись через неделю", photos: ["https://example.test/a.jpg"] });
    feedback.comments.push({ id: 1, text: "Оформим возврат", status: "PUBLISHED", authorType: "BUSINESS", authorName: "Магазин" });
    feedback.needReaction = false;
    const item = await new YandexMarketReviewsConnector(sandbox.credentials, options).getItem({ itemId: String(feedback.id) });
    expect(item).toMatchObject({
      externalId: String(feedback.id),
      channel: "review",
      rating: 2,
      text: "Швы разошлись через неделю",
      pros: feedback.advantages,
      cons: feedback.disadvantages,
      authorName: feedback.author,
      product: { externalId: feedback.offerId },
      attachments: [{ kind: "image", url: "https://example.test/a.jpg" }],
      answered: true,
      answerText: "Оформим возврат",
      answerState: "PUBLISHED",
      read: true,
    });
  });

  it("a review older than 6 months, missed by the id lookup, is found by its stored creation time", async () => {
    const connector = new YandexMarketReviewsConnector(sandbox.credentials, options);
    const old = sandbox.addFeedback({ comment: "Давний отзыв" });
    old.createdAt = new Date(Date.now() - 200 * DAY).toISOString();
    // A neighbour created in the same second is not taken for it.
    const neighbour = sandbox.addFeedback({ comment: "Сосед по секунде" });
    neighbour.createdAt = old.createdAt;
    await connector.sendReply({ itemId: String(old.id), text: "Спасибо за отзыв!" });

    expect(await connector.getItem({ itemId: String(old.id) })).toBeNull();
    expect(await connector.getItem({ itemId: String(old.id), createdAt: old.createdAt })).toMatchObject({
      externalId: String(old.id),
      text: "Давний отзыв",
      answered: true,
      answerText: "Спасибо за отзыв!",
    });
  });

  it("a customer's comment is not the seller's answer; a review needing reaction is unread", async () => {
    const feedback = sandbox.addFeedback();
    feedback.comments.push({ id: 2, text: "Согласна!", status: "PUBLISHED", authorType: "USER", authorName: "Анна" });
    const item = await new YandexMarketReviewsConnector(sandbox.credentials, options).getItem({ itemId: String(feedback.id) });
    expect(item).toMatchObject({ answered: false, read: false });
    expect(item!.answerText).toBeUndefined();
  });

  it("a reply is posted once through comments/update, shows as answered under moderation and clears needReaction", async () => {
    const feedback = sandbox.addFeedback();
    const connector = new YandexMarketReviewsConnector(sandbox.credentials, options);
    const result = await connector.sendReply({ itemId: String(feedback.id), text: "Спасибо за отзыв!" });
    expect(result.externalId).toBe(String(feedback.comments[0]!.id));
    expect(sandbox.stats.repliesReceived(feedback.id)).toEqual(["Спасибо за отзыв!"]);
    expect(await connector.getItem({ itemId: String(feedback.id) })).toMatchObject({
      answered: true,
      answerText: "Спасибо за отзыв!",
      answerState: "UNMODERATED",
      read: true,
    });
    // A page listing finds the answer too, although commentsCount counts published answers only.
    const listed = (await listAll(connector, new Date(Date.now() - DAY).toISOString())).find((i) => i.externalId === String(feedback.id));
    expect(listed).toMatchObject({ answered: true, answerText: "Спасибо за отзыв!" });
  });

  it("an edit replaces our comment by its id (comments/update with comment.id), not a second comment", async () => {
    const feedback = sandbox.addFeedback();
    const connector = new YandexMarketReviewsConnector(sandbox.credentials, options);
    await expect(connector.editReply({ itemId: String(feedback.id), text: "Правка" })).rejects.toThrow(/has no answer to edit/);
    await connector.sendReply({ itemId: String(feedback.id), text: "Спасибо за отзыв!" });
    expect(await connector.getItem({ itemId: String(feedback.id) })).toMatchObject({ answerEditable: true });
    const edited = await connector.editReply({ itemId: String(feedback.id), text: "Спасибо! Заменим товар." });
    expect(edited).toEqual({ externalId: String(feedback.comments[0]!.id), answerEditable: true });
    expect(feedback.comments.map((c) => c.text)).toEqual(["Спасибо! Заменим товар."]);
    // Retrying the same edit sends nothing.
    await connector.editReply({ itemId: String(feedback.id), text: "Спасибо! Заменим товар." });
    expect(sandbox.stats.repliesReceived(feedback.id)).toEqual(["Спасибо за отзыв!", "Спасибо! Заменим товар."]);
    expect(await connector.getItem({ itemId: String(feedback.id) })).toMatchObject({ answerText: "Спасибо! Заменим товар." });
  });

  it("markRead is skip-reaction and returns true once accepted", async () => {
    const feedback = sandbox.addFeedback();
    const connector = new YandexMarketReviewsConnector(sandbox.credentials, options);
    expect(connector.capabilities.markRead).toBe(true);
    expect(await connector.markRead({ itemId: String(feedback.id) })).toBe(true);
    expect(feedback.needReaction).toBe(false);
  });

  it("the sandbox rejects a page over 50 and a window over 6 months with the spec's error body; the connector stays inside both", async () => {
    const tooBig = await raw("/v2/businesses/7700001/goods-feedback?limit=51");
    expect(tooBig).toEqual({
      status: 400,
      body: { status: "ERROR", errors: [{ code: "BAD_REQUEST", message: "limit: must be less than or equal to 50" }] },
    });
    const tooLong = await raw("/v2/businesses/7700001/goods-feedback", {
      dateTimeFrom: "2025-01-15T00:00:00+03:00",
      dateTimeTo: "2025-07-16T00:00:00+03:00",
    });
    expect(tooLong.status).toBe(400);
    const sixMonths = await raw("/v2/businesses/7700001/goods-feedback", {
      dateTimeFrom: "2025-01-15T00:00:00+03:00",
      dateTimeTo: "2025-07-15T00:00:00+03:00",
    });
    expect(sixMonths.status).toBe(200);
    const connector = new YandexMarketReviewsConnector(sandbox.credentials, options);
    const before = sandbox.stats.requests.status(400);
    const page = await connector.listItems({ take: 500 });
    expect(page.items.length).toBeLessThanOrEqual(50);
    const all = await listAll(connector);
    expect(new Set(all.map((i) => i.externalId))).toEqual(new Set(sandbox.business().feedbacks.map((f) => String(f.id))));
    expect(sandbox.stats.requests.status(400)).toBe(before);
  });

  it("a reply over 4096 characters is refused before any request; the sandbox refuses it too", async () => {
    const feedback = sandbox.business().feedbacks[0]!;
    await expect(
      new YandexMarketReviewsConnector(sandbox.credentials, options).sendReply({ itemId: String(feedback.id), text: "я".repeat(4097) }),
    ).rejects.toThrow(RangeError);
    const res = await raw("/v2/businesses/7700001/goods-feedback/comments/update", {
      feedbackId: feedback.id,
      comment: { text: "я".repeat(4097) },
    });
    expect(res.status).toBe(400);
  });

  it("reads sparse reviews (no author, description, media, identifiers) without losing any", async () => {
    sandbox.setSparse(true);
    const all = await listAll(new YandexMarketReviewsConnector(sandbox.credentials, options));
    expect(all).toHaveLength(sandbox.business().feedbacks.length);
    expect(all.every((i) => i.text === "" && i.authorName === undefined && i.product === undefined)).toBe(true);
  });
});

describe("yandex market questions", () => {
  it("maps text, author, product and the seller's answer; a new answer is CREATE with the question as parent", async () => {
    const question = sandbox.addQuestion({ text: "Подойдёт ли для детей?" });
    const connector = new YandexMarketQuestionsConnector(sandbox.credentials, options);
    expect(await connector.getItem({ itemId: String(question.id) })).toMatchObject({
      externalId: String(question.id),
      channel: "question",
      text: "Подойдёт ли для детей?",
      authorName: question.authorName,
      product: { externalId: question.offerId },
      answered: false,
    });
    const sent = await connector.sendReply({ itemId: String(question.id), text: "Да, с трёх лет." });
    expect(sent.externalId).toBe(String(question.answers[0]!.id));
    expect(await connector.getItem({ itemId: String(question.id) })).toMatchObject({
      answered: true,
      answerText: "Да, с трёх лет.",
      answerState: "UNMODERATED",
    });
    expect(connector.capabilities).toMatchObject({ markRead: false, replyText: { min: 1, max: 5000 } });
  });

  it("an edit updates our answer (operationType UPDATE with the answer as entity), once per text", async () => {
    const question = sandbox.addQuestion();
    const connector = new YandexMarketQuestionsConnector(sandbox.credentials, options);
    await connector.sendReply({ itemId: String(question.id), text: "Да." });
    await expect(connector.editReply({ itemId: String(question.id), text: "Нет.", replacing: "Другой ответ" })).rejects.toThrow(
      /changed meanwhile/,
    );
    // The spec answers an update with an empty response: the connector reads no body.
    const edited = await connector.editReply({ itemId: String(question.id), text: "Да, подходит с трёх лет.", replacing: "Да." });
    await connector.editReply({ itemId: String(question.id), text: "Да, подходит с трёх лет." });
    expect(edited.externalId).toBe(String(question.answers[0]!.id));
    expect(question.answers.map((a) => a.text)).toEqual(["Да, подходит с трёх лет."]);
    expect(sandbox.stats.repliesReceived(question.id)).toEqual(["Да.", "Да, подходит с трёх лет."]);
    expect(await connector.getItem({ itemId: String(question.id) })).toMatchObject({
      answerText: "Да, подходит с трёх лет.",
      answerEditable: true,
    });
  });

  it("the sandbox rejects a window over one month and a page over 50; the connector walks month windows without a 400", async () => {
    expect((await raw("/v1/businesses/7700001/goods-questions", { dateFrom: "2026-01-01", dateTo: "2026-02-02" })).status).toBe(400);
    expect((await raw("/v1/businesses/7700001/goods-questions", { dateFrom: "2026-01-01", dateTo: "2026-02-01" })).status).toBe(200);
    expect((await raw("/v1/businesses/7700001/goods-questions?limit=51")).status).toBe(400);
    const before = sandbox.stats.requests.status(400);
    const connector = new YandexMarketQuestionsConnector(sandbox.credentials, options);
    const all = await listAll(connector, new Date(Date.now() - 120 * DAY).toISOString());
    expect(new Set(all.map((i) => i.externalId))).toEqual(new Set(sandbox.business().questions.map((q) => String(q.id))));
    expect(sandbox.stats.requests.status(400)).toBe(before);
  });

  it("questions older than a month: one needAnswer lookup per page tells answered from unanswered, getItem finds them by their day", async () => {
    const connector = new YandexMarketQuestionsConnector(sandbox.credentials, options);
    const old = [sandbox.addQuestion({ text: "Старый вопрос без ответа" }), sandbox.addQuestion({ text: "Старый вопрос с ответом" })];
    for (const [i, question] of old.entries()) question.createdAt = new Date(Date.now() - (70 + i) * DAY).toISOString();
    await connector.sendReply({ itemId: String(old[1]!.id), text: "Ответили давно." });
    // By id alone the API looks at the last month only (the spec's default window).
    expect(await connector.getItem({ itemId: String(old[0]!.id) })).toBeNull();
    expect(await connector.getItem({ itemId: String(old[1]!.id), createdAt: old[1]!.createdAt })).toMatchObject({
      answered: true,
      answerText: "Ответили давно.",
    });

    const answersRoute = `POST /v1/businesses/${sandbox.business().businessId}/goods-questions/answers`;
    const before = sandbox.stats.requests.count(answersRoute);
    const all = await listAll(connector, new Date(Date.now() - 75 * DAY).toISOString());
    const byId = new Map(all.map((item) => [item.externalId, item]));
    expect(byId.get(String(old[0]!.id))).toMatchObject({ answered: false });
    expect(byId.get(String(old[1]!.id))).toMatchObject({ answered: true, answerText: "Ответили давно." });
    // Answers are read only for the answered questions, never to find out whether one is answered.
    const answered = sandbox.business().questions.filter((q) => q.answers.length > 0 && byId.has(String(q.id))).length;
    expect(sandbox.stats.requests.count(answersRoute) - before).toBe(answered);
  });

  it("questions on the last and first day of adjacent month windows are each found once", async () => {
    const since = new Date(Date.now() - 120 * DAY);
    const firstDay = new Date(since.getTime() + 3 * 3600_000).toISOString().slice(0, 10); // Moscow day
    const boundary = Date.parse(`${firstDay}T00:00:00+03:00`) + 28 * DAY; // the second window's first instant
    const lastOfFirst = sandbox.addQuestion({ text: "Последний день окна" });
    lastOfFirst.createdAt = new Date(boundary - 1000).toISOString();
    const firstOfSecond = sandbox.addQuestion({ text: "Первый день окна" });
    firstOfSecond.createdAt = new Date(boundary).toISOString();
    const all = await listAll(new YandexMarketQuestionsConnector(sandbox.credentials, options), since.toISOString());
    const ids = all.map((i) => i.externalId);
    expect(ids.filter((id) => id === String(lastOfFirst.id))).toHaveLength(1);
    expect(ids.filter((id) => id === String(firstOfSecond.id))).toHaveLength(1);
    expect(ids.length).toBe(new Set(ids).size);
  });

  it("getUpdates after a full read returns a new question (and re-reads at most the newest day)", async () => {
    const connector = new YandexMarketQuestionsConnector(sandbox.credentials, options);
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.getUpdates({ cursor, take: 50 });
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
    const question = sandbox.addQuestion();
    const update = await connector.getUpdates({ cursor, take: 50 });
    expect(update.items.map((i) => i.externalId)).toContain(String(question.id));
    const today = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
    expect(update.items.every((i) => new Date(Date.parse(i.createdAt) + 3 * 3600_000).toISOString().slice(0, 10) === today)).toBe(true);
  });

  it("answers are read only for questions that do not await one (one needAnswer lookup per page)", async () => {
    const own = await startYandexMarketSandbox({ seed: 8, chats: 1, feedbacks: 1, questions: 40, epoch: new Date().toISOString() });
    try {
      const connector = new YandexMarketQuestionsConnector(own.credentials, { baseUrl: own.url, retryBaseDelayMs: 1 });
      const since = new Date(Date.now() - 120 * DAY).toISOString();
      own.stats.reset();
      const items = await listAll(connector, since);
      const answered = own.business().questions.filter((q) => q.answers.length > 0);
      expect(answered.length).toBeGreaterThan(0);
      expect(
        items
          .filter((i) => i.answered)
          .map((i) => i.externalId)
          .sort(),
      ).toEqual(answered.map((q) => String(q.id)).sort());
      expect(own.stats.requests.count("POST /v1/businesses/7700001/goods-questions/answers")).toBe(answered.length);
    } finally {
      await own.close();
    }
  });

  it("an answer over 5000 characters is refused by the sandbox with 400", async () => {
    const question = sandbox.business().questions[0]!;
    const res = await raw("/v1/businesses/7700001/goods-questions/update", {
      operationType: "CREATE",
      parentEntityId: { id: question.id, type: "QUESTION" },
      text: "я".repeat(5001),
    });
    expect(res).toEqual({
      status: 400,
      body: { status: "ERROR", errors: [{ code: "BAD_REQUEST", message: "text: size must be between 1 and 5000" }] },
    });
  });
});
