// Ozon product reviews (channel "review"): /v2/review/list (last_id cursor, ascending so new
// reviews land after the cursor), /v2/review/info, /v1/review/comment/create (reply),
// /v1/review/comment/list (the seller's answer, is_owner) and /v2/review/change-status.
// All of them need the "Review management"/Premium subscription: without it Ozon answers 403
// code 7, surfaced as MarketplaceAuthError("subscription_missing").
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
import { createOzonHttpClient, isNotFound, ozonCredentialsSchema, ozonPost, type OzonCredentials } from "./client";
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
      if (page.comments.length < REVIEW_PAGE_MAX || page.offset <= offset) break;
      offset = page.offset;
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
    const page = await this.listReviews({ limit: params.take, lastId: params.cursor ?? undefined, sortDir: "ASC" });
    const items: ChannelItem[] = [];
    for (const r of page.reviews) items.push(await this.toItem(r));
    return { items, nextCursor: page.has_next && page.last_id ? page.last_id : null };
  }

  /**
   * Reviews published after the checkpoint (an ascending last_id). Ozon offers no "changed since"
   * filter for reviews, so later changes of an old review (status, moderation of our answer) are
   * seen through getItem or a fresh listItems scan, not here.
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const lastId = decodeCursor(params.cursor, updatesCursorSchema)?.lastId ?? "";
    const page = await this.listReviews({ limit: params.take, lastId: lastId || undefined, sortDir: "ASC" });
    const items: ChannelItem[] = [];
    for (const r of page.reviews) items.push(await this.toItem(r));
    const next = page.reviews.length > 0 ? page.reviews[page.reviews.length - 1]!.id : lastId;
    return { items, nextCursor: encodeCursor({ lastId: next }), hasMore: page.has_next };
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
    if (review.status.toUpperCase() === "NEW") await this.changeStatus([params.itemId], "VIEWED");
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

  private async toItem(review: OzonReview, alwaysLoadComments = false): Promise<ChannelItem> {
    // comments_amount counts published comments only; a PROCESSED review may hold an answer still
    // under moderation, so its comments are read as well.
    const mayHaveAnswer = alwaysLoadComments || review.comments_amount > 0 || review.status.toUpperCase() === "PROCESSED";
    const comments = mayHaveAnswer ? await this.listComments(review.id) : [];
    const answer = comments.filter((c) => c.is_owner && commentState(c) !== "rejected").pop();
    const latestOwn = comments.filter((c) => c.is_owner).pop();
    const item: ChannelItem = {
      externalId: review.id,
      marketplace: "ozon",
      channel: "review",
      text: review.text,
      createdAt: review.published_at,
      rating: review.rating,
      product: { externalId: review.sku },
      answered: answer !== undefined,
      read: review.status.toUpperCase() !== "NEW",
    };
    if (latestOwn) {
      item.answerText = (answer ?? latestOwn).text;
      item.answerState = commentState(answer ?? latestOwn);
      item.updatedAt = latestOwn.published_at;
    }
    return item;
  }
}
