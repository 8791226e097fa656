// Wildberries reviews (feedbacks) on feedbacks-api.wildberries.ru.
// WB has no API to mark a feedback viewed, so markRead is deliberately not implemented.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import { MarketplaceRequestError } from "../core/errors";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  ChannelItem,
  ConnectorOptions,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { toIso, zId } from "../core/util";
import {
  wbDateTime,
  wbProductDetailsSchema,
  createWbClient,
  decodeWindow,
  encodeWindow,
  listCursor,
  nextPassCursor,
  wbEnvelope,
  wildberriesCredentialsSchema,
  windowPage,
  type WildberriesCredentials,
} from "./common";

export const wbFeedbackSchema = z.object({
  id: zId,
  text: z.string().nullish(),
  pros: z.string().nullish(),
  cons: z.string().nullish(),
  productValuation: z.number().int().min(0).max(5).nullish(),
  createdDate: wbDateTime,
  state: z.string().nullish(),
  answer: z.object({ text: z.string(), state: z.string().nullish(), editable: z.boolean().nullish() }).nullish(),
  productDetails: wbProductDetailsSchema.nullish(),
  wasViewed: z.boolean().nullish(),
  userName: z.string().nullish(),
});
export type WBFeedback = z.infer<typeof wbFeedbackSchema>;

const listSchema = wbEnvelope(
  z.object({
    countUnanswered: z.number().int().nullish(),
    countArchive: z.number().int().nullish(),
    feedbacks: z.array(wbFeedbackSchema),
  }),
);
const oneSchema = wbEnvelope(wbFeedbackSchema);

export interface ListFeedbacksParams {
  isAnswered: boolean;
  /** ≤ 5000 */
  take: number;
  /** ≤ 199 990 */
  skip: number;
  nmId?: number;
  order?: "dateAsc" | "dateDesc";
  /** Unix seconds */
  dateFrom?: number;
  dateTo?: number;
}

export const WB_FEEDBACKS_MAX_TAKE = 5000;
export const WB_FEEDBACKS_MAX_SKIP = 199_990;

export class WBFeedbacksConnector extends BaseChannelConnector<WildberriesCredentials> {
  static override credentialsSchema = wildberriesCredentialsSchema;
  static override replyTextLimits = { min: 2, max: 5000 };
  readonly marketplace = "wildberries";
  readonly channel = "review" as const;
  protected readonly http: MarketplaceHttpClient;

  constructor(credentials: WildberriesCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.http = createWbClient("feedbacks", this.credentials, options);
  }

  /** Raw `GET /api/v1/feedbacks`. */
  async listFeedbacks(params: ListFeedbacksParams) {
    if (params.take > WB_FEEDBACKS_MAX_TAKE || params.skip > WB_FEEDBACKS_MAX_SKIP) {
      throw new RangeError(`WB feedbacks: take ≤ ${WB_FEEDBACKS_MAX_TAKE} and skip ≤ ${WB_FEEDBACKS_MAX_SKIP}`);
    }
    const res = await this.http.request({ method: "GET", path: "/api/v1/feedbacks", query: { ...params }, schema: listSchema });
    return res.data.data;
  }

  /** `GET /api/v1/feedback?id=`; null when WB cannot find it (422). */
  async getFeedback(id: string): Promise<WBFeedback | null> {
    try {
      const res = await this.http.request({ method: "GET", path: "/api/v1/feedback", query: { id }, schema: oneSchema });
      return res.data.data;
    } catch (err) {
      if (err instanceof MarketplaceRequestError && (err.status === 422 || err.status === 404)) return null;
      throw err;
    }
  }

  private async page(cursor: ReturnType<typeof listCursor>, take: number) {
    return windowPage(cursor, Math.min(Math.max(1, take), WB_FEEDBACKS_MAX_TAKE), async (q) => {
      const data = await this.listFeedbacks({ ...q, order: "dateAsc" });
      return data.feedbacks;
    });
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
    const fb = await this.getFeedback(itemId);
    return fb ? toChannelItem(fb) : null;
  }

  /**
   * `POST /api/v1/feedbacks/answer` answers 204 even for an unknown id, so the id is checked first.
   * An identical existing answer is not re-sent (safe to retry). A different one is refused rather
   * than edited: WB allows a single edit, and a reply must not silently replace someone's answer.
   */
  override async sendReply({ itemId, text }: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(text);
    const fb = await this.getFeedback(itemId);
    if (!fb) {
      throw new MarketplaceRequestError(`wildberries: feedback ${itemId} not found`, "cannot get feedback by id", {
        marketplace: "wildberries",
        status: 422,
      });
    }
    if (fb.answer?.text === text) return {};
    if (fb.answer) {
      throw new MarketplaceRequestError(`wildberries: feedback ${itemId} already has an answer`, "feedback already answered", {
        marketplace: "wildberries",
        status: 409,
      });
    }
    await this.http.request({ method: "POST", path: "/api/v1/feedbacks/answer", json: { id: itemId, text }, once: true });
    return {};
  }
}

export function toChannelItem(fb: WBFeedback): ChannelItem {
  const answerText = fb.answer?.text || undefined;
  return {
    externalId: fb.id,
    marketplace: "wildberries",
    channel: "review",
    text: fb.text ?? "",
    createdAt: toIso(fb.createdDate),
    rating: fb.productValuation || undefined,
    authorName: fb.userName || undefined,
    pros: fb.pros || undefined,
    cons: fb.cons || undefined,
    product: fb.productDetails
      ? {
          externalId: fb.productDetails.nmId,
          name: fb.productDetails.productName ?? undefined,
          article: fb.productDetails.supplierArticle ?? undefined,
        }
      : undefined,
    // Not `isAnswered`: WB archives unanswered feedbacks after 30 days too.
    answered: answerText !== undefined,
    answerText,
    answerState: fb.answer?.state ?? undefined,
    // WB has no way to mark a feedback viewed, so "not viewed" must not undo a read marked in Inbox.
    read: fb.wasViewed ? true : undefined,
    raw: fb,
  };
}
