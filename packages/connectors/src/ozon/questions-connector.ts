// Ozon product questions (channel "question"): /v1/question/list (last_id cursor, ascending),
// /v1/question/info, /v1/question/answer/create (needs the product sku; text 2…3000),
// /v1/question/answer/list and /v1/question/change-status.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  ChannelItem,
  ConnectorOptions,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  MarkReadParams,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { decodeCursor, encodeCursor } from "../core/util";
import { createOzonHttpClient, isNotFound, mapConcurrently, ozonCredentialsSchema, ozonPost, type OzonCredentials } from "./client";
import {
  emptyResponseSchema,
  questionAnswerCreateSchema,
  questionAnswerListSchema,
  questionInfoSchema,
  questionListSchema,
  type OzonQuestion,
  type OzonQuestionAnswer,
} from "./schemas";

export type OzonQuestionStatus = "NEW" | "VIEWED" | "PROCESSED";

export interface OzonQuestionListParams {
  lastId?: string;
  /** 1…100. Default 100. */
  limit?: number;
  sortDir?: "ASC" | "DESC";
  status?: "ALL" | "UNPROCESSED" | OzonQuestionStatus;
  dateFrom?: string;
  dateTo?: string;
}

const QUESTION_PAGE_MAX = 100;
const updatesCursorSchema = z.object({ lastId: z.string() });

/** Answer moderation states that mean the answer will not be shown. */
const FAILED_PUBLICATION = new Set(["MODERATION_FAILED", "DUPLICATE"]);

export class OzonQuestionsConnector extends BaseChannelConnector<OzonCredentials> {
  static override credentialsSchema = ozonCredentialsSchema;
  /** /v1/question/answer/create: 2…3000 characters. */
  static override replyTextLimits = { min: 2, max: 3000 };

  readonly marketplace = "ozon";
  readonly channel = "question";
  private readonly http: MarketplaceHttpClient;

  constructor(credentials: OzonCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.http = createOzonHttpClient(this.credentials, options);
  }

  // ---- Ozon methods ------------------------------------------------------------------------

  async listQuestions(params: OzonQuestionListParams = {}) {
    return ozonPost(
      this.http,
      "/v1/question/list",
      {
        filter: {
          status: params.status ?? "ALL",
          ...(params.dateFrom ? { date_from: params.dateFrom } : {}),
          ...(params.dateTo ? { date_to: params.dateTo } : {}),
        },
        last_id: params.lastId ?? "",
        limit: Math.min(QUESTION_PAGE_MAX, Math.max(1, params.limit ?? QUESTION_PAGE_MAX)),
        sort_dir: params.sortDir ?? "ASC",
      },
      questionListSchema,
    );
  }

  async getQuestionInfo(questionId: string) {
    return ozonPost(this.http, "/v1/question/info", { question_id: questionId }, questionInfoSchema);
  }

  async listAnswers(questionId: string, sku: string): Promise<OzonQuestionAnswer[]> {
    // sku is int64: sent as a string, which Ozon's JSON gateway reads exactly.
    const out: OzonQuestionAnswer[] = [];
    let lastId = "";
    for (;;) {
      const page = await ozonPost(
        this.http,
        "/v1/question/answer/list",
        { question_id: questionId, sku, last_id: lastId },
        questionAnswerListSchema,
      );
      out.push(...page.answers);
      if (page.answers.length === 0 || !page.last_id || page.last_id === lastId) break;
      lastId = page.last_id;
    }
    return out;
  }

  async createAnswer(questionId: string, sku: string, text: string): Promise<string> {
    const res = await ozonPost(
      this.http,
      "/v1/question/answer/create",
      { question_id: questionId, sku, text },
      questionAnswerCreateSchema,
      { once: true },
    );
    return res.answer_id;
  }

  async changeStatus(questionIds: string[], status: OzonQuestionStatus): Promise<void> {
    await ozonPost(this.http, "/v1/question/change-status", { question_ids: questionIds, status }, emptyResponseSchema);
  }

  // ---- unified interface -------------------------------------------------------------------

  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const page = await this.listQuestions({ lastId: params.cursor ?? undefined, limit: params.take, sortDir: "ASC" });
    const items = await mapConcurrently(page.questions, (question) => this.toItem(question));
    const hasNext = page.has_next ?? page.questions.length > 0;
    return { items, nextCursor: hasNext && page.last_id ? page.last_id : null };
  }

  /** Questions asked after the checkpoint (ascending last_id); see OzonReviewsConnector.getUpdates. */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const lastId = decodeCursor(params.cursor, updatesCursorSchema)?.lastId ?? "";
    const page = await this.listQuestions({ lastId: lastId || undefined, limit: params.take, sortDir: "ASC" });
    const items = await mapConcurrently(page.questions, (question) => this.toItem(question));
    const next = page.questions.length > 0 ? page.questions[page.questions.length - 1]!.id : lastId;
    return { items, nextCursor: encodeCursor({ lastId: next }), hasMore: page.has_next ?? page.questions.length > 0 };
  }

  /** Ozon needs the product sku next to the question id, so the question is read first. */
  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    const question = await this.getQuestionInfo(params.itemId);
    if (!question.sku) throw new Error(`ozon: question ${params.itemId} has no sku, which /v1/question/answer/create needs`);
    const answerId = await this.createAnswer(params.itemId, question.sku, params.text);
    return { externalId: answerId };
  }

  /** NEW → VIEWED; answered questions keep their status. */
  override async markRead(params: MarkReadParams): Promise<boolean> {
    const question = await this.getQuestionInfo(params.itemId);
    if ((question.status ?? "").toUpperCase() === "NEW") await this.changeStatus([params.itemId], "VIEWED");
    return true;
  }

  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    try {
      const question = await this.getQuestionInfo(params.itemId);
      return await this.toItem(question, true);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  private async toItem(q: OzonQuestion, alwaysLoadAnswers = false): Promise<ChannelItem> {
    const status = (q.status ?? "").toUpperCase();
    // answers_count may count published answers only; a PROCESSED question can hold one in moderation.
    const mayHaveAnswer = q.sku && (alwaysLoadAnswers || (q.answers_count ?? 0) > 0 || status === "PROCESSED");
    const answers = mayHaveAnswer ? await this.listAnswers(q.id, q.sku!) : [];
    const live = answers.filter((a) => !FAILED_PUBLICATION.has((a.status_publication ?? "").toUpperCase())).pop();
    const latest = answers[answers.length - 1];
    const item: ChannelItem = {
      externalId: q.id,
      marketplace: "ozon",
      channel: "question",
      text: q.text ?? "",
      createdAt: q.published_at ?? new Date(0).toISOString(),
      answered: live !== undefined,
    };
    if (status) item.read = status !== "NEW";
    if (q.author_name) item.authorName = q.author_name;
    if (q.sku) item.product = { externalId: q.sku, ...(q.product_url ? { url: q.product_url } : {}) };
    const shown = live ?? latest;
    if (shown) {
      item.answerText = shown.text ?? "";
      if (shown.status_publication) item.answerState = shown.status_publication;
      if (shown.published_at) item.updatedAt = shown.published_at;
    }
    return item;
  }
}
