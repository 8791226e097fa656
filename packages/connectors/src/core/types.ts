// Shared shapes every connector speaks. The sync engine and the UI depend only on these.
import type { TokenBucketConfig } from "./rate-limit";
import type { RegisteredMarketplace } from "./registry";

export type Channel = "review" | "question" | "chat";

/** Canonical marketplace id: the registered ones autocomplete; other strings allow modules being written. */
export type Marketplace = RegisteredMarketplace | (string & {});

/** A photo, video or file a customer (or the seller) attached, as the marketplace exposes it. */
export interface ChannelAttachment {
  kind: "image" | "video" | "file";
  /** Where a browser can open it (a public URL), when the marketplace gives one. */
  url?: string;
  /** A smaller image for lists and thumbnails. */
  previewUrl?: string;
  /** Files served only through the marketplace API (e.g. WB chat's download id). */
  downloadId?: string;
  name?: string;
  mimeType?: string;
  sizeBytes?: number;
}

export interface ChannelMessage {
  externalId: string;
  /**
   * in: the buyer; out: the seller; notice: the marketplace itself (automatic notices, its support,
   * couriers), shown in the thread but neither asking for an answer nor answering.
   */
  direction: "in" | "out" | "notice";
  text: string;
  /** ISO 8601 */
  createdAt: string;
  authorName?: string;
  attachments?: ChannelAttachment[];
}

export interface ChannelItem {
  externalId: string;
  marketplace: Marketplace;
  channel: Channel;
  text: string;
  /** ISO 8601 */
  createdAt: string;
  updatedAt?: string;
  /** 1-5 */
  rating?: number;
  authorName?: string;
  pros?: string;
  cons?: string;
  product?: { externalId: string; name?: string; article?: string; /** The product's page on the marketplace. */ url?: string };
  answered: boolean;
  answerText?: string;
  /** Upstream moderation state, e.g. wbRu, reviewRequired, rejected. */
  answerState?: string;
  /** The marketplace accepts an edit of the answer now (WB: once, within 60 days of answering). */
  answerEditable?: boolean;
  read?: boolean;
  /** Chats: the thread as far as the call returned it — at least the latest message, oldest first. */
  messages?: ChannelMessage[];
  attachments?: ChannelAttachment[];
  /**
   * How many photos and videos the marketplace reports for the item, from a listing that leaves their
   * URLs out (Ozon reviews). Without `attachments` the URLs are still to be fetched, one request per
   * item, through `getAttachments`; with them, they were read too.
   */
  media?: ItemMediaCount;
  /** Reviews: what became of the buyer's order, where the marketplace says. */
  orderStatus?: OrderStatus;
  raw?: unknown;
}

/** bought: received and kept; rejected: refused at pickup; returned: sent back; cancelled: never delivered. */
export const ORDER_STATUSES = ["bought", "rejected", "returned", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface ItemMediaCount {
  images: number;
  videos: number;
}

export interface ListItemsParams {
  skip?: number;
  take?: number;
  cursor?: string | null;
  /**
   * ISO 8601. A pass started without a cursor may begin at this time instead of the beginning
   * (resync from a date). A hint: connectors whose API cannot filter by date list everything.
   */
  since?: string;
}

export interface ListItemsResult {
  items: ChannelItem[];
  nextCursor: string | null;
}

export interface GetUpdatesParams {
  cursor: string | null;
  take?: number;
}

export interface GetUpdatesResult {
  items: ChannelItem[];
  /** Always a checkpoint to persist; resuming from it re-delivers at most one page. */
  nextCursor: string;
  hasMore: boolean;
}

export interface SendReplyParams {
  itemId: string;
  text: string;
}

export interface SendReplyResult {
  externalId?: string;
  /** Whether the answer can still be edited after this write, where the connector knows it. */
  answerEditable?: boolean;
}

/** Replaces the seller's answer of a review or question with `text`. */
export interface EditReplyParams {
  itemId: string;
  text: string;
  /**
   * The answer the edit was written against. When the marketplace shows another (changed in its
   * portal, or by a later edit), nothing is written: the edit would overwrite an answer nobody saw.
   */
  replacing?: string;
}

export interface MarkReadParams {
  itemId: string;
}

export interface GetItemParams {
  itemId: string;
  /**
   * When the item was created upstream, as the last sync stored it (ISO 8601). A marketplace whose
   * lookup by id is bound to a date window (Yandex Market's questions: a month up to today unless
   * dates are given) looks in the window holding it; without it, only that default window is seen.
   */
  createdAt?: string;
  /**
   * For chats: the item carries the messages from this time on (ISO 8601), not only the latest. A
   * marketplace without per-chat history (Wildberries) reads its event stream from there, a bounded
   * number of pages. Reply delivery sets it to look for its own earlier attempt among later messages.
   */
  messagesSince?: string;
}

export interface GetAttachmentsParams {
  itemId: string;
}

export interface ConnectorCapabilities {
  sendReply: boolean;
  /** The seller's answer can be edited (when the item says `answerEditable`). */
  editReply: boolean;
  markRead: boolean;
  getUpdates: boolean;
  getItem: boolean;
  /** The item's photos and videos on their own, for listings that give only their counts (`ChannelItem.media`). */
  getAttachments: boolean;
  replyText: { min: number; max: number };
  /**
   * "immediate": getItem shows an accepted answer (its text) at once. "after-moderation": the
   * marketplace marks the item answered at once but hides the answer's text until moderation
   * passes, so after an uncertain send a hidden answer counts as ours and is never sent again.
   */
  answerVisibility: AnswerVisibility;
}

export type AnswerVisibility = "immediate" | "after-moderation";

export interface RequestInfo {
  method: string;
  url: string;
  /** 0 when no response arrived (network error, timeout). */
  status: number;
  attempt: number;
  durationMs: number;
}

export interface ConnectorOptions {
  /** Replaces the marketplace host (scheme + host + optional path prefix), e.g. a sandbox URL. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** WB: personal | service | base | test. Selects the documented rate limits. */
  tokenType?: string;
  /** false disables client-side limiting; a partial config overrides the documented one. */
  rateLimit?: false | Partial<TokenBucketConfig>;
  signal?: AbortSignal;
  onRequest?: (info: RequestInfo) => void;
  /** First backoff delay for 5xx/network retries. Default 500 ms (tests shrink it). */
  retryBaseDelayMs?: number;
  /** Cap of one backoff delay. Default 30 000 ms. */
  retryMaxDelayMs?: number;
  /**
   * Longest upstream-requested wait (429 retry hint) we sleep through before giving up with
   * RateLimitedError. Default 60 000 ms: WB base tokens ask for ~1 h, which must end the run instead.
   */
  maxRetryWaitMs?: number;
}
