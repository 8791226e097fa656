// Yandex Market product questions (channel "question"): POST v1/businesses/{businessId}/goods-questions
// (pages of ≤ 50, date windows of at most a month, sorted by creation time), …/goods-questions/answers
// (the seller's answer) and …/goods-questions/update (operationType CREATE answers a question).
// The API has no "mark read" for questions, so markRead is not implemented.
import { z } from "zod";
import { MarketplaceRequestError } from "../core/errors";
import type {
  ChannelItem,
  ConnectorOptions,
  EditReplyParams,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { decodeCursor, encodeCursor, toIso } from "../core/util";
import { YandexMarketConnector, ymEditOf, type YandexMarketCredentials } from "./client";
import {
  ymAnswerListResponseSchema,
  ymQuestionListResponseSchema,
  ymQuestionUpdateResponseSchema,
  type YmAnswer,
  type YmQuestion,
} from "./schemas";

/** goods-questions and goods-questions/answers: limit 1…50. */
export const YM_QUESTIONS_PAGE_MAX = 50;
/** dateFrom…dateTo may span at most one month; 28 days (both ends inclusive) always fits. */
const WINDOW_DAYS = 28;
const DAY_MS = 24 * 3600_000;
/** Where a full read starts when no date is given (assumption: the spec names no earliest date). */
export const YM_QUESTIONS_HISTORY_START = "2018-01-01";

export interface YmQuestionListParams {
  pageToken?: string;
  /** 1…50. Default 50. */
  limit?: number;
  /** YYYY-MM-DD, inclusive. */
  dateFrom?: string;
  /** YYYY-MM-DD, inclusive; at most a month after dateFrom. */
  dateTo?: string;
  needAnswer?: boolean;
  sort?: "CREATED_AT_ASC" | "CREATED_AT_DESC";
  questionIds?: string[];
}

/** Walk over consecutive day windows: first day, last day (absent for the window ending today), page, newest day seen. */
const windowCursorSchema = z.object({
  from: z.string(),
  to: z.string().optional(),
  token: z.string().optional(),
  max: z.string().optional(),
});
type WindowCursor = z.infer<typeof windowCursorSchema>;

/** Bounds the requests one call spends passing over empty windows (from 2018: ~115 windows). */
const MAX_EMPTY_WINDOWS_PER_CALL = 200;

/** Calendar day in Moscow time, which the API's `date` parameters use. */
function moscowDay(ms: number): string {
  return new Date(ms + 3 * 3600_000).toISOString().slice(0, 10);
}
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The days around a creation time, up to today at most. */
function dayAround(createdAt: string): { dateFrom: string; dateTo: string } {
  const day = moscowDay(Date.parse(createdAt));
  const today = moscowDay(Date.now());
  const dateTo = addDays(day, 1) < today ? addDays(day, 1) : today;
  return { dateFrom: addDays(day, -1) < dateTo ? addDays(day, -1) : dateTo, dateTo };
}

/**
 * dateFrom…dateTo of the days these questions were created on. A lookup by questionIds needs them:
 * the spec's default window (a month up to today) applies to every request, so a question outside
 * it is not found by id alone. Questions of one walk window span at most WINDOW_DAYS.
 */
function daysHolding(createdAts: string[]): { dateFrom: string; dateTo: string } {
  const days = createdAts.map((at) => moscowDay(Date.parse(at))).sort();
  return { dateFrom: days[0]!, dateTo: days.at(-1)! };
}

function isOwnAnswer(a: YmAnswer): boolean {
  const own = a.author?.type !== undefined ? a.author.type === "BUSINESS" : a.canModify;
  return own && a.status !== "DELETED" && a.status !== "BANNED";
}

export class YandexMarketQuestionsConnector extends YandexMarketConnector {
  /** QuestionsTextContent: 1…5000 characters. */
  static override replyTextLimits = { min: 1, max: 5000 };

  readonly channel = "question";

  constructor(credentials: YandexMarketCredentials, options: ConnectorOptions = {}) {
    super(credentials, options, "v1");
  }

  // ---- Yandex Market methods ---------------------------------------------------------------

  async listQuestions(params: YmQuestionListParams = {}) {
    const res = await this.call("questions", {
      method: "POST",
      path: "/goods-questions",
      query: { limit: Math.min(YM_QUESTIONS_PAGE_MAX, Math.max(1, params.limit ?? YM_QUESTIONS_PAGE_MAX)), pageToken: params.pageToken },
      json: {
        ...(params.questionIds ? { questionIds: params.questionIds.map(Number) } : {}),
        ...(params.dateFrom ? { dateFrom: params.dateFrom } : {}),
        ...(params.dateTo ? { dateTo: params.dateTo } : {}),
        ...(params.needAnswer !== undefined ? { needAnswer: params.needAnswer } : {}),
        ...(params.sort ? { sort: params.sort } : {}),
      },
      schema: ymQuestionListResponseSchema,
    });
    return res.data.result ?? { questions: [], totalCount: 0 };
  }

  /** Every answer to a question. */
  async listAnswers(questionId: string): Promise<YmAnswer[]> {
    const out: YmAnswer[] = [];
    let pageToken: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const res = await this.call("questionAnswers", {
        method: "POST",
        path: "/goods-questions/answers",
        query: { limit: YM_QUESTIONS_PAGE_MAX, pageToken },
        json: { questionId: Number(questionId) },
        schema: ymAnswerListResponseSchema,
      });
      const page = res.data.result;
      if (!page) break;
      out.push(...page.answers);
      const next = page.paging?.nextPageToken;
      if (!next || next === pageToken || page.answers.length === 0) break;
      pageToken = next;
    }
    return out;
  }

  /** Publishes an answer (operationType CREATE); returns the answer id. */
  async createAnswer(questionId: string, text: string): Promise<string | undefined> {
    const res = await this.call("questionUpdate", {
      method: "POST",
      path: "/goods-questions/update",
      json: { operationType: "CREATE", parentEntityId: { id: Number(questionId), type: "QUESTION" }, text },
      schema: ymQuestionUpdateResponseSchema,
      once: true,
    });
    return res.data.result?.entity.id;
  }

  /** Replaces an answer's text (operationType UPDATE). */
  async updateAnswer(answerId: string, text: string): Promise<void> {
    // No body is read: the spec answers an update with an empty response.
    await this.call("questionUpdate", {
      method: "POST",
      path: "/goods-questions/update",
      json: { operationType: "UPDATE", entityId: { id: Number(answerId), type: "ANSWER" }, text },
      once: true,
    });
  }

  // ---- unified interface -------------------------------------------------------------------

  /** Every question from `since` (or YM_QUESTIONS_HISTORY_START) on, a month-sized window at a time. */
  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const start = params.since ? moscowDay(Date.parse(toIso(params.since))) : YM_QUESTIONS_HISTORY_START;
    const at = decodeCursor(params.cursor, windowCursorSchema) ?? { from: start };
    const { items, next } = await this.readWindowPage(at, params.take);
    return { items, nextCursor: next ? encodeCursor(next) : null };
  }

  /**
   * Questions created on or after the checkpoint's day, oldest first. The day of the newest
   * question is read again by the next call (the API filters by whole days). Answers given later
   * to an older question are seen by getItem or the periodic listItems re-scan.
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const at = decodeCursor(params.cursor, windowCursorSchema) ?? { from: YM_QUESTIONS_HISTORY_START };
    const { items, next } = await this.readWindowPage(at, params.take);
    if (next) return { items, nextCursor: encodeCursor(next), hasMore: true };
    const newest = newestDay(items, at.max);
    return { items, nextCursor: encodeCursor({ from: newest && newest > at.from ? newest : at.from }), hasMore: false };
  }

  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    const answerId = await this.createAnswer(params.itemId, params.text);
    // Our own answer: YM lets the seller modify it (canModify), as often as needed.
    return { ...(answerId ? { externalId: answerId } : {}), answerEditable: true };
  }

  /** Our latest own answer; YM says whether it may still be modified (`canModify`). */
  override async editReply(params: EditReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    const answer = (await this.listAnswers(params.itemId)).filter(isOwnAnswer).at(-1);
    const edit = ymEditOf("question", params.itemId, answer, params);
    if (edit.write) await this.updateAnswer(edit.answer.id, params.text);
    return { externalId: edit.answer.id, answerEditable: edit.answer.canModify };
  }

  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    if (!/^\d+$/.test(params.itemId)) return null; // question ids are int64
    try {
      // A day either side: a day misjudged near midnight would turn into a second answer.
      const window = params.createdAt ? dayAround(params.createdAt) : {};
      const page = await this.listQuestions({ questionIds: [params.itemId], ...window });
      const question = page.questions.find((q) => q.questionIdentifiers.id === params.itemId);
      return question ? await this.toItem(question) : null;
    } catch (err) {
      if (err instanceof MarketplaceRequestError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * One page of the window walk (windows without questions are passed over in the same call, so a
   * page is empty only at the end); `next` is undefined once the last window is read.
   */
  private async readWindowPage(start: WindowCursor, take: number | undefined): Promise<{ items: ChannelItem[]; next?: WindowCursor }> {
    let at = start;
    for (let windows = 1; ; windows++) {
      const page = await this.readOneWindowPage(at, take);
      if (page.items.length > 0 || !page.next || page.next.token || windows >= MAX_EMPTY_WINDOWS_PER_CALL) return page;
      at = page.next;
    }
  }

  private async readOneWindowPage(at: WindowCursor, take: number | undefined): Promise<{ items: ChannelItem[]; next?: WindowCursor }> {
    let to = at.to;
    if (!at.token && !to) {
      const last = addDays(at.from, WINDOW_DAYS - 1);
      // The window holding today is the last; without dateTo the API ends it today.
      if (last < moscowDay(Date.now())) to = last;
    }
    const page = await this.listQuestions({ pageToken: at.token, limit: take, dateFrom: at.from, dateTo: to, sort: "CREATED_AT_ASC" });
    const unanswered = await this.awaitingAnswer(page.questions);
    const items: ChannelItem[] = [];
    for (const q of page.questions) items.push(await this.toItem(q, unanswered.has(q.questionIdentifiers.id)));
    const token = page.paging?.nextPageToken;
    if (token && token !== at.token && page.questions.length > 0) {
      return { items, next: { from: at.from, to, token, max: newestDay(items, at.max) } };
    }
    if (to) return { items, next: { from: addDays(to, 1) } };
    return { items };
  }

  /**
   * Which of a page's questions still await an answer: one goods-questions request (questionIds +
   * needAnswer) instead of an answers request (1 000 an hour) for each of them. The page's days go
   * with the ids: without dates the API looks at the last month only, and every older question
   * would cost an answers request after all.
   */
  private async awaitingAnswer(questions: YmQuestion[]): Promise<Set<string>> {
    if (questions.length === 0) return new Set();
    const page = await this.listQuestions({
      questionIds: questions.map((q) => q.questionIdentifiers.id),
      needAnswer: true,
      ...daysHolding(questions.map((q) => q.createdAt)),
    });
    return new Set(page.questions.map((q) => q.questionIdentifiers.id));
  }

  private async toItem(q: YmQuestion, awaitingAnswer = false): Promise<ChannelItem> {
    const answer = awaitingAnswer ? undefined : (await this.listAnswers(q.questionIdentifiers.id)).filter(isOwnAnswer).at(-1);
    const item: ChannelItem = {
      externalId: q.questionIdentifiers.id,
      marketplace: "yandex-market",
      channel: "question",
      text: q.text,
      createdAt: toIso(q.createdAt),
      product: { externalId: q.questionIdentifiers.offerId, article: q.questionIdentifiers.offerId },
      answered: answer !== undefined,
    };
    if (q.author.name) item.authorName = q.author.name;
    if (answer) {
      item.answerText = answer.text;
      item.answerState = answer.status;
      item.answerEditable = answer.canModify;
    }
    return item;
  }
}

function newestDay(items: ChannelItem[], fallback: string | undefined): string | undefined {
  let newest = fallback;
  for (const item of items) {
    const day = moscowDay(Date.parse(item.createdAt));
    if (!newest || day > newest) newest = day;
  }
  return newest;
}
