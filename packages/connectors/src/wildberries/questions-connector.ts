// Wildberries product questions on feedbacks-api.wildberries.ru: list, answer and mark viewed.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import { MarketplaceRequestError } from "../core/errors";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  ChannelItem,
  ConnectorOptions,
  EditReplyParams,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  MarkReadParams,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { toIso, zId } from "../core/util";
import {
  wbDateTime,
  wbProduct,
  wbProductDetailsSchema,
  createWbClient,
  decodeWindow,
  encodeWindow,
  listCursor,
  nextPassCursor,
  wbAnswerAlreadySent,
  wbEnvelope,
  wildberriesCredentialsSchema,
  windowPage,
  type WildberriesCredentials,
} from "./common";

/**
 * The August-2026 spec snapshot does not expand the question object (its schema is cut at "MaxDepth"),
 * so every field but the identity and paging keys (`id`, `createdDate`) is read as optional and nullable.
 */
export const wbQuestionSchema = z.object({
  id: zId,
  text: z.string().nullish(),
  createdDate: wbDateTime,
  state: z.string().nullish(),
  answer: z.object({ text: z.string().nullish(), editable: z.boolean().nullish(), createDate: z.string().nullish() }).nullish(),
  productDetails: wbProductDetailsSchema.nullish(),
  wasViewed: z.boolean().nullish(),
  isWarned: z.boolean().nullish(),
});
export type WBQuestion = z.infer<typeof wbQuestionSchema>;

const listSchema = wbEnvelope(
  z.object({
    countUnanswered: z.number().int().nullish(),
    countArchive: z.number().int().nullish(),
    questions: z.array(wbQuestionSchema).nullish(),
  }),
);
const oneSchema = wbEnvelope(wbQuestionSchema);

export interface ListQuestionsParams {
  isAnswered: boolean;
  take: number;
  skip: number;
  nmId?: number;
  order?: "dateAsc" | "dateDesc";
  dateFrom?: number;
  dateTo?: number;
}

/** take + skip ≤ 10 000 on /api/v1/questions. */
export const WB_QUESTIONS_MAX_WINDOW = 10_000;

export class WBQuestionsConnector extends BaseChannelConnector<WildberriesCredentials> {
  static override credentialsSchema = wildberriesCredentialsSchema;
  // The reference gives no separate limit for question answers; WB's feedback limit applies.
  static override replyTextLimits = { min: 2, max: 5000 };
  readonly marketplace = "wildberries";
  readonly channel = "question" as const;
  protected readonly http: MarketplaceHttpClient;

  constructor(credentials: WildberriesCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.http = createWbClient("feedbacks", this.credentials, options);
  }

  /** Raw `GET /api/v1/questions`. */
  async listQuestions(params: ListQuestionsParams) {
    if (params.take + params.skip > WB_QUESTIONS_MAX_WINDOW) {
      throw new RangeError(`WB questions: take + skip must be ≤ ${WB_QUESTIONS_MAX_WINDOW}`);
    }
    const res = await this.http.request({ method: "GET", path: "/api/v1/questions", query: { ...params }, schema: listSchema });
    return res.data.data;
  }

  async getQuestion(id: string): Promise<WBQuestion | null> {
    try {
      const res = await this.http.request({ method: "GET", path: "/api/v1/question", query: { id }, schema: oneSchema });
      return res.data.data;
    } catch (err) {
      if (err instanceof MarketplaceRequestError && (err.status === 422 || err.status === 404)) return null;
      throw err;
    }
  }

  /** `PATCH /api/v1/questions` (one endpoint; the body decides: answer, reject or mark viewed). */
  async patchQuestion(body: { id: string; wasViewed: boolean } | { id: string; answer: { text: string }; state: "wbRu" | "none" }) {
    // Answering is a one-time write; marking viewed may be repeated safely.
    await this.http.request({ method: "PATCH", path: "/api/v1/questions", json: body, once: "answer" in body });
  }

  private async page(cursor: ReturnType<typeof listCursor>, take: number) {
    // Window paging keeps skip small; take is capped so take + skip stays within 10 000.
    const t = Math.min(Math.max(1, take), 5000);
    return windowPage(cursor, t, async (q) => (await this.listQuestions({ ...q, order: "dateAsc" })).questions ?? []);
  }

  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const { items, next } = await this.page(listCursor(params.cursor, params.skip, params.since), params.take ?? 1000);
    return { items: items.map(toChannelItem), nextCursor: next ? encodeWindow(next) : null };
  }

  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const cursor = decodeWindow(params.cursor) ?? listCursor(null);
    const { items, next } = await this.page(cursor, params.take ?? 1000);
    if (next) return { items: items.map(toChannelItem), nextCursor: encodeWindow(next), hasMore: true };
    const newest = Math.max(cursor.n, ...items.map((i) => Math.floor(Date.parse(i.createdDate) / 1000)));
    return { items: items.map(toChannelItem), nextCursor: encodeWindow(nextPassCursor(newest)), hasMore: false };
  }

  override async getItem({ itemId }: GetItemParams): Promise<ChannelItem | null> {
    const q = await this.getQuestion(itemId);
    return q ? toChannelItem(q) : null;
  }

  /**
   * The same PATCH answers and edits, so the question is read first: the identical answer is not
   * re-sent (safe to retry), and an answer never replaces another one (that is an edit).
   */
  override async sendReply({ itemId, text }: SendReplyParams): Promise<SendReplyResult> {
    return this.writeAnswer(itemId, text, { kind: "answer" });
  }

  /** WB lets an answer be edited once, within 60 days (`answer.editable`). */
  override async editReply({ itemId, text, replacing }: EditReplyParams): Promise<SendReplyResult> {
    return this.writeAnswer(itemId, text, { kind: "edit", replacing });
  }

  private async writeAnswer(itemId: string, text: string, write: Parameters<typeof wbAnswerAlreadySent>[4]): Promise<SendReplyResult> {
    this.assertReplyText(text);
    const question = await this.getQuestion(itemId);
    if (!question) {
      throw new MarketplaceRequestError(`wildberries: question ${itemId} not found`, "cannot get question by id", {
        marketplace: "wildberries",
        status: 404,
      });
    }
    if (wbAnswerAlreadySent("question", itemId, question.answer, text, write)) return {};
    await this.patchQuestion({ id: itemId, answer: { text }, state: "wbRu" });
    // A new answer has its one edit left; an edit uses it up.
    return { answerEditable: write.kind === "answer" };
  }

  override async markRead({ itemId }: MarkReadParams): Promise<boolean> {
    await this.patchQuestion({ id: itemId, wasViewed: true });
    return true;
  }
}

export function toChannelItem(q: WBQuestion): ChannelItem {
  const answerText = q.answer?.text || undefined;
  return {
    externalId: q.id,
    marketplace: "wildberries",
    channel: "question",
    text: q.text ?? "",
    createdAt: toIso(q.createdDate),
    product: wbProduct(q.productDetails),
    answered: answerText !== undefined,
    answerText,
    answerState: answerText !== undefined ? (q.state ?? undefined) : undefined,
    answerEditable: answerText !== undefined ? q.answer?.editable === true : undefined,
    read: q.wasViewed ?? undefined,
    raw: q,
  };
}
