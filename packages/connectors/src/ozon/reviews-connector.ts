// Ozon product reviews (channel "review"): /v2/review/list (last_id cursor, ascending so new
// reviews land after the cursor), /v2/review/info, /v1/review/comment/create (reply),
// /v1/review/comment/list (the seller's answer, is_owner) and /v2/review/change-status.
// The list gives only photos_amount/videos_amount; their URLs are in /v2/review/info, which listing
// does not call (one request per review with media): the items carry `media` counts and the URLs
// come from getAttachments when someone opens the review.
// All of them need the "Review management"/Premium subscription: without it Ozon answers 403
// code 7, surfaced as MarketplaceAuthError("subscription_missing").
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import type { MarketplaceHttpClient } from "../core/http";
import type {
  AnswerVisibility,
  ChannelAttachment,
  ChannelItem,
  ConnectorOptions,
  GetAttachmentsParams,
  GetItemParams,
  GetUpdatesParams,
  GetUpdatesResult,
  ListItemsParams,
  ListItemsResult,
  OrderStatus,
  MarkReadParams,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { decodeCursor, encodeCursor } from "../core/util";
import { createOzonHttpClient, isNotFound, mapConcurrently, ozonCredentialsSchema, ozonPost, type OzonCredentials } from "./client";
import {
  emptyResponseSchema,
  reviewCommentCreateSchema,
  reviewCommentListSchema,
  reviewInfoV2Schema,
  reviewListV2Schema,
  type OzonReview,
  type OzonReviewComment,
} from "./schemas";

export type OzonReviewStatus = "NEW" | "VIEWED" | "PROCESSED";
type OzonReviewPage = Awaited<ReturnType<OzonReviewsConnector["listReviews"]>>;

export interface OzonReviewListParams {
  /** 20…100 (Ozon rejects anything else with 400). */
  limit?: number;
  lastId?: string;
  sortDir?: "ASC" | "DESC";
  status?: "ALL" | OzonReviewStatus;
}

/** Ozon's page size bounds for /v2/review/list and /v1/review/comment/list. */
export const REVIEW_PAGE_MIN = 20;
export const REVIEW_PAGE_MAX = 100;

const clampPage = (n: number | undefined) => Math.min(REVIEW_PAGE_MAX, Math.max(REVIEW_PAGE_MIN, n ?? REVIEW_PAGE_MAX));

const updatesCursorSchema = z.object({ lastId: z.string() });

/** State of the seller's answer: Ozon's comment flags mapped to one word. */
export function commentState(c: OzonReviewComment): "published" | "rejected" | "moderation" {
  if (c.is_rejected) return "rejected";
  if (c.is_published === false) return "moderation";
  return "published";
}

export class OzonReviewsConnector extends BaseChannelConnector<OzonCredentials> {
  static override credentialsSchema = ozonCredentialsSchema;
  /** Ozon documents no length for review comments; 1…3000 matches the question answers (unconfirmed). */
  static override replyTextLimits = { min: 1, max: 3000 };
  /**
   * /v1/review/comment/list returns only comments that passed moderation, so a new comment stays
   * invisible for a while; comment/create with mark_review_as_processed turns the review PROCESSED
   * at once, which is what getItem reports as answered meanwhile.
   */
  static override answerVisibility: AnswerVisibility = "after-moderation";

  readonly marketplace = "ozon";
  readonly channel = "review";
  private readonly http: MarketplaceHttpClient;

  constructor(credentials: OzonCredentials, options: ConnectorOptions = {}) {
    super(credentials, options);
    this.http = createOzonHttpClient(this.credentials, options);
  }

  // ---- Ozon methods ------------------------------------------------------------------------

  async listReviews(params: OzonReviewListParams = {}) {
    return ozonPost(
      this.http,
      "/v2/review/list",
      {
        limit: clampPage(params.limit),
        ...(params.lastId ? { last_id: params.lastId } : {}),
        sort_dir: params.sortDir ?? "ASC",
        filters: { status: params.status ?? "ALL" },
      },
      reviewListV2Schema,
    );
  }

  async getReviewInfo(reviewId: string) {
    return ozonPost(this.http, "/v2/review/info", { review_id: reviewId }, reviewInfoV2Schema);
  }

  /** All comments of a review (the seller's answers have is_owner: true). */
  async listComments(reviewId: string): Promise<OzonReviewComment[]> {
    const out: OzonReviewComment[] = [];
    for (let offset = 0; ;) {
      const page = await ozonPost(
        this.http,
        "/v1/review/comment/list",
        { review_id: reviewId, limit: REVIEW_PAGE_MAX, offset, sort_dir: "ASC" },
        reviewCommentListSchema,
      );
      out.push(...page.comments);
      const next = page.offset ?? offset + page.comments.length;
      if (page.comments.length < REVIEW_PAGE_MAX || next <= offset) break;
      offset = next;
    }
    return out;
  }

  async createComment(reviewId: string, text: string, markReviewAsProcessed = true): Promise<string> {
    const res = await ozonPost(
      this.http,
      "/v1/review/comment/create",
      { review_id: reviewId, text, mark_review_as_processed: markReviewAsProcessed },
      reviewCommentCreateSchema,
      { once: true },
    );
    return res.comment_id;
  }

  async changeStatus(reviewIds: string[], status: OzonReviewStatus): Promise<void> {
    await ozonPost(this.http, "/v2/review/change-status", { review_ids: reviewIds, status }, emptyResponseSchema);
  }

  // ---- unified interface -------------------------------------------------------------------

  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const page = await this.readPage(params.cursor ?? "", params.take, (read) => (read.has_next && read.last_id ? read.last_id : null));
    const items = await mapConcurrently(page.reviews, (review) => this.toItem(review));
    return { items, nextCursor: page.has_next && page.last_id ? page.last_id : null };
  }

  /** The next list page, requested while the current page's comments are read. */
  private readAhead: { lastId: string; take: number | undefined; page: Promise<OzonReviewPage> } | null = null;

  /**
   * One /v2/review/list page after `lastId`, and the request of the page after it (`nextLastId`)
   * started at once: a sync reads pages one after another, so the list round trip then overlaps the
   * follow-up requests instead of leaving the rate budget idle. A read-ahead that is not asked for
   * next (another cursor, a stopped sync) is dropped; it costs one read.
   */
  private async readPage(lastId: string, take: number | undefined, nextLastId: (page: OzonReviewPage) => string | null) {
    const ahead = this.readAhead;
    this.readAhead = null;
    const page =
      ahead && ahead.lastId === lastId && ahead.take === take
        ? await ahead.page
        : await this.listReviews({ limit: take, lastId: lastId || undefined, sortDir: "ASC" });
    const next = page.reviews.length > 0 && page.has_next ? nextLastId(page) : null;
    if (next) {
      const request = this.listReviews({ limit: take, lastId: next, sortDir: "ASC" });
      request.catch(() => undefined); // a failure surfaces when (if) the page is asked for
      this.readAhead = { lastId: next, take, page: request };
    }
    return page;
  }

  /**
   * Reviews published after the checkpoint (an ascending last_id). Ozon offers no "changed since"
   * filter for reviews, so later changes of an old review (status, moderation of our answer) are
   * seen through getItem or a fresh listItems scan, not here.
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const lastId = decodeCursor(params.cursor, updatesCursorSchema)?.lastId ?? "";
    const page = await this.readPage(lastId, params.take, (read) => read.reviews[read.reviews.length - 1]!.id);
    const items = await mapConcurrently(page.reviews, (review) => this.toItem(review));
    const next = page.reviews.length > 0 ? page.reviews[page.reviews.length - 1]!.id : lastId;
    return { items, nextCursor: encodeCursor({ lastId: next }), hasMore: page.has_next ?? false };
  }

  /** Publishes the seller's comment and marks the review PROCESSED in the same call. */
  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    const commentId = await this.createComment(params.itemId, params.text, true);
    return { externalId: commentId };
  }

  /** NEW → VIEWED; a VIEWED or PROCESSED review is left as it is (never downgraded). */
  override async markRead(params: MarkReadParams): Promise<boolean> {
    const review = await this.getReviewInfo(params.itemId);
    if ((review.status ?? "").toUpperCase() === "NEW") await this.changeStatus([params.itemId], "VIEWED");
    return true;
  }

  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    try {
      const review = await this.getReviewInfo(params.itemId);
      return await this.toItem(review, true);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Photo and video URLs of one review: a single /v2/review/info. */
  override async getAttachments(params: GetAttachmentsParams): Promise<ChannelAttachment[] | null> {
    try {
      return reviewAttachments(await this.getReviewInfo(params.itemId));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** `review` from the list (media counts only) or, with `fromInfo`, from /v2/review/info (URLs too). */
  private async toItem(review: OzonReview, fromInfo = false): Promise<ChannelItem> {
    const status = (review.status ?? "").toUpperCase();
    const processed = status === "PROCESSED";
    // comment/list shows only comments that passed moderation (comments_amount counts those), so
    // a PROCESSED review may hold our comment unseen; getItem always looks.
    const mayHaveAnswer = fromInfo || (review.comments_amount ?? 0) > 0 || processed;
    const comments = mayHaveAnswer ? await this.listComments(review.id) : [];
    const answer = comments.filter((c) => c.is_owner && commentState(c) !== "rejected").pop();
    const item: ChannelItem = {
      externalId: review.id,
      marketplace: "ozon",
      channel: "review",
      text: review.text ?? "",
      createdAt: review.published_at ?? new Date(0).toISOString(),
      // PROCESSED without a visible answer: ours (or the portal's) is in moderation. Reporting it
      // unanswered would invite a second public comment.
      answered: answer !== undefined || processed,
    };
    if (review.rating !== undefined && review.rating !== null) item.rating = review.rating;
    // The review names only the SKU; Ozon's product page by SKU is the address its question list
    // returns as `product_url` (https://www.ozon.ru/product/<sku>/).
    if (review.sku) item.product = { externalId: review.sku, url: `https://www.ozon.ru/product/${encodeURIComponent(review.sku)}/` };
    if (status) item.read = status !== "NEW";
    if (answer) {
      item.answerText = answer.text ?? "";
      item.answerState = commentState(answer);
      if (answer.published_at) item.updatedAt = answer.published_at;
    } else if (processed) {
      item.answerState = "moderation";
    }
    item.media = { images: review.photos_amount ?? 0, videos: review.videos_amount ?? 0 };
    const orderStatus = OZON_ORDER_STATUSES[(review.order_status ?? "").toUpperCase()];
    if (orderStatus) item.orderStatus = orderStatus;
    if (fromInfo) item.attachments = reviewAttachments(review);
    return item;
  }
}

/** Ozon's review order statuses (ReviewOrderStatus: DELIVERED, CANCELLED). */
const OZON_ORDER_STATUSES: Partial<Record<string, OrderStatus>> = { DELIVERED: "bought", CANCELLED: "cancelled" };

/** Photo and video URLs of a review (review.v2 info: photos[].url, videos[].url/preview_url). */
export function reviewAttachments(review: OzonReview): ChannelAttachment[] {
  const out: ChannelAttachment[] = [];
  for (const photo of review.photos ?? []) if (photo.url) out.push({ kind: "image", url: photo.url });
  for (const video of review.videos ?? []) {
    if (!video.url) continue;
    // preview_url is an image; short_video_preview_url is a short clip, not a thumbnail.
    out.push({ kind: "video", url: video.url, ...(video.preview_url ? { previewUrl: video.preview_url } : {}) });
  }
  return out;
}
