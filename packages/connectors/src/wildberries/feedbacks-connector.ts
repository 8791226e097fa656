// Wildberries reviews (feedbacks) on feedbacks-api.wildberries.ru.
// WB has no API to mark a feedback viewed, so markRead is deliberately not implemented.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import { MarketplaceRequestError } from "../core/errors";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  ChannelAttachment,
  ChannelItem,
  ConnectorOptions,
  EditReplyParams,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  OrderStatus,
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
 * Spec `responseFeedback` (user-communication.json). The spec marks no field required; `id` and
 * `createdDate` are kept required because without them a feedback can be neither stored nor paged.
 * Nullable in the spec: answer, photoLinks, video (and the product's brand/article/supplier).
 */
export const wbFeedbackSchema = z.object({
  id: zId,
  text: z.string().optional(),
  pros: z.string().optional(),
  cons: z.string().optional(),
  productValuation: z.number().int().min(0).max(5).optional(),
  createdDate: wbDateTime,
  state: z.string().optional(),
  answer: z.object({ text: z.string().optional(), state: z.string().optional(), editable: z.boolean().optional() }).nullish(),
  productDetails: wbProductDetailsSchema.optional(),
  photoLinks: z.array(z.object({ fullSize: z.string().optional(), miniSize: z.string().optional() })).nullish(),
  video: z.object({ previewImage: z.string().optional(), link: z.string().optional(), durationSec: z.number().int().optional() }).nullish(),
  wasViewed: z.boolean().optional(),
  userName: z.string().optional(),
  /** buyout, rejected, returned or notSpecified (spec `responseFeedback.orderStatus`). */
  orderStatus: z.string().optional(),
});
export type WBFeedback = z.infer<typeof wbFeedbackSchema>;

const listSchema = wbEnvelope(
  z.object({
    countUnanswered: z.number().int().optional(),
    countArchive: z.number().int().optional(),
    feedbacks: z.array(wbFeedbackSchema).optional(),
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
      return data.feedbacks ?? [];
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
   * `POST /api/v1/feedbacks/answer` answers 204 even for an unknown id, so the feedback is read first
   * (the PATCH that edits does the same). An identical existing answer is not re-sent (safe to
   * retry); a different one is never replaced by an answer: that is an edit, and WB allows one.
   */
  override async sendReply({ itemId, text }: SendReplyParams): Promise<SendReplyResult> {
    return this.writeAnswer(itemId, text, { kind: "answer" });
  }

  /** `PATCH /api/v1/feedbacks/answer`: once, within 60 days of answering (`answer.editable`). */
  override async editReply({ itemId, text, replacing }: EditReplyParams): Promise<SendReplyResult> {
    return this.writeAnswer(itemId, text, { kind: "edit", replacing });
  }

  private async writeAnswer(itemId: string, text: string, write: Parameters<typeof wbAnswerAlreadySent>[4]): Promise<SendReplyResult> {
    this.assertReplyText(text);
    const fb = await this.getFeedback(itemId);
    if (!fb) {
      throw new MarketplaceRequestError(`wildberries: feedback ${itemId} not found`, "cannot get feedback by id", {
        marketplace: "wildberries",
        status: 422,
      });
    }
    if (wbAnswerAlreadySent("feedback", itemId, fb.answer, text, write)) return {};
    const method = write.kind === "answer" ? "POST" : "PATCH";
    await this.http.request({ method, path: "/api/v1/feedbacks/answer", json: { id: itemId, text }, once: true });
    // A new answer has its one edit left; an edit uses it up.
    return { answerEditable: write.kind === "answer" };
  }
}

/** Review photos (full size + thumbnail) and the video (an HLS playlist link + preview image). */
export function feedbackAttachments(fb: WBFeedback): ChannelAttachment[] | undefined {
  const photos = (fb.photoLinks ?? []).flatMap((p): ChannelAttachment[] => {
    const url = p.fullSize || p.miniSize;
    return url ? [{ kind: "image", url, previewUrl: p.miniSize || undefined }] : [];
  });
  const video: ChannelAttachment[] =
    fb.video?.link || fb.video?.previewImage
      ? [
          {
            kind: "video",
            url: fb.video.link || undefined,
            previewUrl: fb.video.previewImage || undefined,
            mimeType: "application/vnd.apple.mpegurl",
          },
        ]
      : [];
  const all = [...photos, ...video];
  return all.length > 0 ? all : undefined;
}

/** WB's order statuses; `notSpecified` (and anything new) tells nothing. */
const WB_ORDER_STATUSES: Partial<Record<string, OrderStatus>> = { buyout: "bought", rejected: "rejected", returned: "returned" };

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
    product: wbProduct(fb.productDetails),
    attachments: feedbackAttachments(fb),
    // Not `isAnswered`: WB archives unanswered feedbacks after 30 days too.
    answered: answerText !== undefined,
    answerText,
    answerState: fb.answer?.state ?? undefined,
    answerEditable: answerText !== undefined ? fb.answer?.editable === true : undefined,
    // WB has no way to mark a feedback viewed, so "not viewed" must not undo a read marked in Inbox.
    read: fb.wasViewed ? true : undefined,
    orderStatus: fb.orderStatus ? WB_ORDER_STATUSES[fb.orderStatus] : undefined,
    raw: fb,
  };
}
