// In-memory world of the Ozon sandbox: accounts (Client-Id + Api-Key + subscriptions) holding
// chats with uint64 message ids, reviews with seller comments, and questions with answers.
// Everything is plain data so tests can inspect it; the HTTP handlers live in handlers.ts.

/** Chat types as v3ChatList answers them (ChatInfoChatTypeEnum, upper case). */
export type OzonChatType = "BUYER_SELLER" | "BUYER_SELLER_SELECT" | "SELLER_SUPPORT";
export type OzonChatStatus = "OPENED" | "CLOSED";

/** Conversations with a buyer (an Ozon Select order's chat is one too). */
export function isBuyerChatType(type: OzonChatType): boolean {
  return type === "BUYER_SELLER" || type === "BUYER_SELLER_SELECT";
}
export type OzonUserType = "customer" | "seller" | "support" | "crm" | "courier";

export interface SandboxChatMessage {
  /** uint64, beyond 2^53: emitted as a bare JSON number. */
  id: bigint;
  createdAt: string;
  userType: OzonUserType;
  userId: string;
  text: string;
  orderNumber?: string;
  sku?: number;
}

export interface SandboxChat {
  id: string;
  type: OzonChatType;
  status: OzonChatStatus;
  createdAt: string;
  /** Creation order; the /v3/chat/list cursor is built from it, so paging is stable. */
  seq: number;
  messages: SandboxChatMessage[];
  /** Highest message id the seller has read (0 = none). */
  sellerReadUpTo: bigint;
}

export type ReviewStatus = "NEW" | "VIEWED" | "PROCESSED";
export type ModerationState = "published" | "pending" | "rejected";

export interface SandboxReviewComment {
  id: string;
  text: string;
  publishedAt: string;
  parentCommentId: string | null;
  isOwner: boolean;
  isOfficial: boolean;
  moderation: ModerationState;
  /**
   * When a "pending" comment passes moderation (sandbox clock, ms); null = held until a test
   * decides. /v1/review/comment/list shows only comments that passed moderation.
   */
  publishAt: number | null;
}

/** Whether /v1/review/comment/list shows the comment at `now` (only moderated ones). */
export function commentVisible(comment: SandboxReviewComment, now: number): boolean {
  if (comment.moderation === "published") return true;
  return comment.moderation === "pending" && comment.publishAt !== null && now >= comment.publishAt;
}

export interface SandboxReview {
  id: string;
  seq: number;
  sku: number;
  text: string;
  rating: number;
  publishedAt: string;
  status: ReviewStatus;
  orderStatus: "DELIVERED" | "CANCELLED";
  /** Photo and video URLs (review.v2 info photos[].url, videos[].url). */
  photos: string[];
  videos: string[];
  comments: SandboxReviewComment[];
}

export type QuestionStatus = "NEW" | "VIEWED" | "PROCESSED";
export type AnswerPublication = "PUBLISHED" | "AWAITING_MODERATION" | "MODERATION_FAILED" | "DUPLICATE";

export interface SandboxQuestionAnswer {
  id: string;
  text: string;
  authorName: string;
  publishedAt: string;
  statusPublication: AnswerPublication;
}

export interface SandboxQuestion {
  id: string;
  seq: number;
  sku: number;
  productName: string;
  text: string;
  authorName: string;
  publishedAt: string;
  status: QuestionStatus;
  answers: SandboxQuestionAnswer[];
}

export interface OzonSubscriptions {
  /** "Review Management" / Premium Pro: gates every review method (403 code 7 without it). */
  reviews: boolean;
  /** Premium Plus: gates the question methods (the live probe says it is open; default true). */
  questions: boolean;
  /** Premium Plus/Pro: gates history/send/read of buyer chats. /v3/chat/list is never gated. */
  chats: boolean;
}

export interface SandboxAccount {
  clientId: string;
  apiKey: string;
  sellerName: string;
  subscriptions: OzonSubscriptions;
  chats: SandboxChat[];
  reviews: SandboxReview[];
  questions: SandboxQuestion[];
}

export interface SandboxWorld {
  accounts: Map<string, SandboxAccount>;
  /** Next uint64 message id (shared by all accounts: ids are global at Ozon). */
  nextMessageId: bigint;
  nextSeq: number;
}

export const FIRST_MESSAGE_ID = 3000000000118021931n;

export function allocateMessageId(world: SandboxWorld): bigint {
  const id = world.nextMessageId;
  world.nextMessageId += 7n;
  return id;
}

export function allocateSeq(world: SandboxWorld): number {
  return world.nextSeq++;
}

export function findChat(account: SandboxAccount, chatId: string): SandboxChat | undefined {
  return account.chats.find((c) => c.id === chatId);
}

/** Looked up in the list's id index: a scan cost the position of the review (61 % of a deep sync's CPU). */
export function findReview(account: SandboxAccount, reviewId: string): SandboxReview | undefined {
  return listIndex(account.reviews).byId.get(reviewId);
}

export function findQuestion(account: SandboxAccount, questionId: string): SandboxQuestion | undefined {
  return listIndex(account.questions).byId.get(questionId);
}

export interface ListIndex<T> {
  /** How many items of the list are indexed (its length when last looked at). */
  length: number;
  /** By seq, ascending. */
  ordered: T[];
  /** The first item with each id, as a scan from the start would find it. */
  byId: Map<string, T>;
}
const listIndexes = new WeakMap<object, ListIndex<unknown>>();

/**
 * An account's review or question list by seq and by id. Items are only ever appended, so the index
 * takes in the items appended since it last looked (each one once) instead of being rebuilt: a
 * review added between two pages costs one insertion, not a sort of the million before it. An
 * append arrives in seq order (seqs are allocated increasing); one that does not is inserted at
 * its place. A list that got shorter (never done; tests could) is indexed afresh.
 */
export function listIndex<T extends { id: string; seq: number }>(items: T[]): ListIndex<T> {
  let index = listIndexes.get(items) as ListIndex<T> | undefined;
  if (!index || items.length < index.length) {
    index = { length: 0, ordered: [], byId: new Map() };
    listIndexes.set(items, index as ListIndex<unknown>);
  }
  const { ordered, byId } = index;
  for (let i = index.length; i < items.length; i++) {
    const item = items[i]!;
    if (!byId.has(item.id)) byId.set(item.id, item);
    if (ordered.length === 0 || ordered[ordered.length - 1]!.seq <= item.seq) ordered.push(item);
    else ordered.splice(positionAfterSeq(ordered, item.seq), 0, item);
  }
  index.length = items.length;
  return index;
}

/** The first position in `ordered` (ascending by seq) whose seq is greater than `seq`. */
export function positionAfterSeq(ordered: readonly { seq: number }[], seq: number): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ordered[middle]!.seq <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function lastMessage(chat: SandboxChat): SandboxChatMessage | undefined {
  return chat.messages[chat.messages.length - 1];
}

export function unreadCount(chat: SandboxChat): number {
  return chat.messages.filter((m) => m.userType !== "seller" && m.id > chat.sellerReadUpTo).length;
}

/** The file URLs a sandbox review carries (Ozon's CDN host, deterministic names). */
export function mediaUrl(reviewId: string, kind: "photo" | "video", index: number): string {
  return `https://cdn1.ozone.ru/s3/rp-photo/${reviewId}-${kind}-${index + 1}.${kind === "photo" ? "jpg" : "mp4"}`;
}
