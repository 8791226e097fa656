// Yandex Market product reviews (channel "review"): POST v2/businesses/{businessId}/goods-feedback
// (pages of ≤ 50, date windows of ≤ 6 months), …/goods-feedback/comments (the seller's answer),
// …/goods-feedback/comments/update (reply) and …/goods-feedback/skip-reaction (mark read).
import { z } from "zod";
import { MarketplaceRequestError } from "../core/errors";
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
  MarkReadParams,
  SendReplyParams,
  SendReplyResult,
} from "../core/types";
import { decodeCursor, encodeCursor, toIso } from "../core/util";
import { YandexMarketConnector, ymEditOf, type YandexMarketCredentials } from "./client";
import {
  ymFeedbackCommentListResponseSchema,
  ymFeedbackCommentUpdateResponseSchema,
  ymFeedbackListResponseSchema,
  ymOkResponseSchema,
  type YmFeedback,
  type YmFeedbackComment,
} from "./schemas";

/** goods-feedback and goods-feedback/comments: limit 1…50. */
export const YM_FEEDBACK_PAGE_MAX = 50;
/** The spec allows at most 6 months between dateTimeFrom and dateTimeTo; 180 days always fits. */
const WINDOW_MS = 180 * 24 * 3600_000;
/**
 * Where a full read starts when no date is given. The API returns only the last 6 months by
 * default, so older reviews need explicit windows; the start of 2018 predates the goods-feedback
 * methods (an assumption: the spec names no earliest date).
 */
export const YM_FEEDBACK_HISTORY_START = "2018-01-01T00:00:00.000Z";

export interface YmFeedbackListParams {
  pageToken?: string;
  /** 1…50. Default 50. */
  limit?: number;
  /** Exclusive. */
  dateTimeFrom?: string;
  /** Exclusive. */
  dateTimeTo?: string;
  reactionStatus?: "ALL" | "NEED_REACTION";
  feedbackIds?: string[];
}

/**
 * Position in a walk over consecutive date windows: `from` (exclusive), the window's end `to`
 * (absent for the last window, which runs to "now" upstream), the page inside it, and the newest
 * createdAt seen in the last window.
 */
const windowCursorSchema = z.object({
  from: z.string(),
  to: z.string().optional(),
  token: z.string().optional(),
  max: z.string().optional(),
});
type WindowCursor = z.infer<typeof windowCursorSchema>;

/** Our own answer: a top-level comment by the business that is not deleted or banned. */
function isOwnAnswer(c: YmFeedbackComment): boolean {
  const own = c.author?.type === "BUSINESS" || (c.author?.type === undefined && c.canModify === true);
  return own && c.parentId === undefined && c.status !== "DELETED" && c.status !== "BANNED";
}

/** Bounds the requests one call spends passing over empty windows (from 2018: ~18 windows). */
const MAX_EMPTY_WINDOWS_PER_CALL = 200;

const isoMinus1ms = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

export class YandexMarketReviewsConnector extends YandexMarketConnector {
  /** GoodsFeedbackCommentText: 1…4096 characters. */
  static override replyTextLimits = { min: 1, max: 4096 };

  readonly channel = "review";

  constructor(credentials: YandexMarketCredentials, options: ConnectorOptions = {}) {
    super(credentials, options, "v2");
  }

  // ---- Yandex Market methods ---------------------------------------------------------------

  async listFeedbacks(params: YmFeedbackListParams = {}) {
    const res = await this.call("feedbacks", {
      method: "POST",
      path: "/goods-feedback",
      query: { limit: Math.min(YM_FEEDBACK_PAGE_MAX, Math.max(1, params.limit ?? YM_FEEDBACK_PAGE_MAX)), pageToken: params.pageToken },
      json: params.feedbackIds
        ? { feedbackIds: params.feedbackIds.map(Number) }
        : {
            ...(params.dateTimeFrom ? { dateTimeFrom: params.dateTimeFrom } : {}),
            ...(params.dateTimeTo ? { dateTimeTo: params.dateTimeTo } : {}),
            ...(params.reactionStatus ? { reactionStatus: params.reactionStatus } : {}),
          },
      schema: ymFeedbackListResponseSchema,
    });
    return res.data.result ?? { feedbacks: [] };
  }

  /** Every comment of a review (answers and replies), in publication order. */
  async listComments(feedbackId: string): Promise<YmFeedbackComment[]> {
    const out: YmFeedbackComment[] = [];
    let pageToken: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const res = await this.call("feedbackComments", {
        method: "POST",
        path: "/goods-feedback/comments",
        query: { limit: YM_FEEDBACK_PAGE_MAX, pageToken },
        json: { feedbackId: Number(feedbackId) },
        schema: ymFeedbackCommentListResponseSchema,
      });
      const page = res.data.result;
      if (!page) break;
      out.push(...page.comments);
      const next = page.paging?.nextPageToken;
      if (!next || next === pageToken || page.comments.length === 0) break;
      pageToken = next;
    }
    return out;
  }

  /** Adds the seller's comment to a review; returns the comment id when the response names it. */
  async addComment(feedbackId: string, text: string): Promise<string | undefined> {
    const res = await this.call("feedbackCommentUpdate", {
      method: "POST",
      path: "/goods-feedback/comments/update",
      json: { feedbackId: Number(feedbackId), comment: { text } },
      schema: ymFeedbackCommentUpdateResponseSchema,
      once: true,
    });
    return res.data.result?.id;
  }

  /** Replaces the text of the seller's comment `commentId` (comments/update with the comment's id). */
  async updateComment(feedbackId: string, commentId: string, text: string): Promise<void> {
    await this.call("feedbackCommentUpdate", {
      method: "POST",
      path: "/goods-feedback/comments/update",
      json: { feedbackId: Number(feedbackId), comment: { id: Number(commentId), text } },
      schema: ymFeedbackCommentUpdateResponseSchema,
      once: true,
    });
  }

  /** needReaction → false for up to 50 reviews. */
  async skipReaction(feedbackIds: string[]): Promise<void> {
    await this.call("feedbackSkipReaction", {
      method: "POST",
      path: "/goods-feedback/skip-reaction",
      json: { feedbackIds: feedbackIds.map(Number) },
      schema: ymOkResponseSchema,
    });
  }

  // ---- unified interface -------------------------------------------------------------------

  /** Every review from `since` (or YM_FEEDBACK_HISTORY_START) on, window by window. */
  override async listItems(params: ListItemsParams = {}): Promise<ListItemsResult> {
    const start = params.since ? isoMinus1ms(toIso(params.since)) : YM_FEEDBACK_HISTORY_START;
    const at = decodeCursor(params.cursor, windowCursorSchema) ?? { from: start };
    const { items, next } = await this.readWindowPage(at, params.take);
    return { items, nextCursor: next ? encodeCursor(next) : null };
  }

  /**
   * Reviews created after the checkpoint, oldest window first. The spec has no "changed since"
   * filter: later changes of an older review (our answer's moderation) are seen by getItem or the
   * periodic listItems re-scan. The last window's newest review is delivered again by the next call
   * (both window ends are exclusive upstream, so the next window starts 1 ms before it).
   */
  override async getUpdates(params: GetUpdatesParams): Promise<GetUpdatesResult> {
    const at = decodeCursor(params.cursor, windowCursorSchema) ?? { from: YM_FEEDBACK_HISTORY_START };
    const { items, next } = await this.readWindowPage(at, params.take);
    if (next) return { items, nextCursor: encodeCursor(next), hasMore: true };
    const newest = this.newestOf(items, at.max);
    const from = newest && Date.parse(newest) > Date.parse(at.from) ? isoMinus1ms(newest) : at.from;
    return { items, nextCursor: encodeCursor({ from }), hasMore: false };
  }

  override async sendReply(params: SendReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    const commentId = await this.addComment(params.itemId, params.text);
    // Our own comment: YM lets the seller modify it (canModify), as often as needed.
    return { ...(commentId ? { externalId: commentId } : {}), answerEditable: true };
  }

  /** Our answer is the latest own top-level comment; YM says whether it may still be modified. */
  override async editReply(params: EditReplyParams): Promise<SendReplyResult> {
    this.assertReplyText(params.text);
    const answer = (await this.listComments(params.itemId)).filter(isOwnAnswer).at(-1);
    const edit = ymEditOf("review", params.itemId, answer, params);
    if (edit.write) await this.updateComment(params.itemId, edit.answer.id, params.text);
    return { externalId: edit.answer.id, answerEditable: edit.answer.canModify !== false };
  }

  /** skip-reaction: the review no longer needs a reaction (needReaction: false, "read"). */
  override async markRead(params: MarkReadParams): Promise<boolean> {
    await this.skipReaction([params.itemId]);
    return true;
  }

  override async getItem(params: GetItemParams): Promise<ChannelItem | null> {
    if (!/^\d+$/.test(params.itemId)) return null; // feedback ids are int64
    try {
      const page = await this.listFeedbacks({ feedbackIds: [params.itemId] });
      const feedback =
        page.feedbacks.find((f) => f.feedbackId === params.itemId) ??
        (params.createdAt ? await this.feedbackCreatedAt(params.itemId, params.createdAt) : undefined);
      return feedback ? await this.toItem(feedback, true) : null;
    } catch (err) {
      if (err instanceof MarketplaceRequestError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * A review the id lookup missed, among those created within a second of `createdAt` (both ends
   * exclusive). The spec's default window (the 6 months before now) may hold for `feedbackIds` too,
   * which must not be combined with dates; an older review is found here instead.
   */
  private async feedbackCreatedAt(feedbackId: string, createdAt: string): Promise<YmFeedback | undefined> {
    const at = Date.parse(createdAt);
    if (!Number.isFinite(at)) return undefined;
    const window = { dateTimeFrom: new Date(at - 1000).toISOString(), dateTimeTo: new Date(at + 1000).toISOString() };
    let pageToken: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await this.listFeedbacks({ ...window, pageToken });
      const found = page.feedbacks.find((f) => f.feedbackId === feedbackId);
      if (found) return found;
      const next = page.paging?.nextPageToken;
      if (!next || next === pageToken || page.feedbacks.length === 0) return undefined;
      pageToken = next;
    }
    return undefined;
  }

  /**
   * One page of the window walk (windows without reviews are passed over in the same call, so a
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
      const end = Date.parse(at.from) + WINDOW_MS;
      // A window ending in the future is the last one: upstream ends it at its own "now".
      if (end < Date.now()) to = new Date(end).toISOString();
    }
    const page = await this.listFeedbacks({ pageToken: at.token, limit: take, dateTimeFrom: at.from, dateTimeTo: to });
    const items: ChannelItem[] = [];
    for (const f of page.feedbacks) items.push(await this.toItem(f));
    const max = this.newestOf(items, at.max);
    const token = page.paging?.nextPageToken;
    if (token && token !== at.token && page.feedbacks.length > 0) return { items, next: { from: at.from, to, token, max } };
    // Window done: the next one starts 1 ms before this one's (exclusive) end.
    if (to) return { items, next: { from: isoMinus1ms(to) } };
    return { items };
  }

  private newestOf(items: ChannelItem[], fallback: string | undefined): string | undefined {
    let newest = fallback;
    for (const item of items) if (!newest || Date.parse(item.createdAt) > Date.parse(newest)) newest = item.createdAt;
    return newest;
  }

  private async toItem(f: YmFeedback, alwaysLoadComments = false): Promise<ChannelItem> {
    // commentsCount counts published answers; a review that needs no reaction may hold our
    // answer still under moderation, so its comments are read as well.
    const mayHaveAnswer = alwaysLoadComments || f.statistics.commentsCount > 0 || !f.needReaction;
    const comments = mayHaveAnswer ? await this.listComments(f.feedbackId) : [];
    const answer = comments.filter(isOwnAnswer).at(-1);
    const attachments: ChannelAttachment[] = [
      ...(f.media?.photos ?? []).map((url): ChannelAttachment => ({ kind: "image", url })),
      ...(f.media?.videos ?? []).map((url): ChannelAttachment => ({ kind: "video", url })),
    ];
    const item: ChannelItem = {
      externalId: f.feedbackId,
      marketplace: "yandex-market",
      channel: "review",
      text: f.description?.comment ?? "",
      createdAt: toIso(f.createdAt),
      rating: f.statistics.rating,
      answered: answer !== undefined,
      read: !f.needReaction,
    };
    if (f.author) item.authorName = f.author;
    if (f.description?.advantages) item.pros = f.description.advantages;
    if (f.description?.disadvantages) item.cons = f.description.disadvantages;
    if (f.identifiers.offerId) item.product = { externalId: f.identifiers.offerId, article: f.identifiers.offerId };
    if (attachments.length > 0) item.attachments = attachments;
    if (answer) {
      item.answerText = answer.text;
      item.answerState = answer.status;
      item.answerEditable = answer.canModify !== false;
    }
    return item;
  }
}
