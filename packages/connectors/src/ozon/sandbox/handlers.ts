// Request handlers of the Ozon sandbox: one function per Seller API path, each validating its
// body the way Ozon does (400 code 3 "Request validation error" before the subscription check),
// then gating by subscription (403 code 7), then answering 404 code 5 for unknown ids.
import {
  allocateMessageId,
  commentVisible,
  findChat,
  isBuyerChatType,
  findQuestion,
  findReview,
  lastMessage,
  listIndex,
  positionAfterSeq,
  unreadCount,
  type AnswerPublication,
  type OzonSubscriptions,
  type QuestionStatus,
  type ReviewStatus,
  type SandboxAccount,
  type SandboxChat,
  type SandboxChatMessage,
  type SandboxQuestion,
  type SandboxReview,
  type SandboxWorld,
} from "./model";

/** An Ozon rpcStatus error: `{code, message, details}` with its HTTP status. */
export class OzonApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** The questions group sends details as a string, the rest as an array. */
    readonly details: unknown[] | string = [],
  ) {
    super(message);
  }

  toBody() {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export const SUBSCRIPTION_MESSAGE = "rpc error: code = PermissionDenied desc = not available with existing subscription";

export interface HandlerContext {
  world: SandboxWorld;
  account: SandboxAccount;
  now: () => number;
  uuid: () => string;
  /**
   * Moderation of new seller answers: "publish" — a review comment passes after `moderationDelayMs`
   * (question answers are listed at once); "hold" — both wait until a test moderates them.
   */
  moderation: "publish" | "hold";
  moderationDelayMs: number;
  /** Records a reply delivered to an item ("chat:<id>", "review:<id>", "question:<id>"). */
  countReply: (key: string, text: string) => void;
  /** A photo or video link as returned (sandboxMediaLink). */
  media: (cdnUrl: string) => string;
}

export type Handler = (body: Record<string, unknown>, ctx: HandlerContext) => unknown;

// ---- validation helpers ------------------------------------------------------------------

type Group = "chat" | "review" | "question";

function invalid(group: Group, detail: string): OzonApiError {
  return new OzonApiError(400, 3, `Request validation error: ${detail}`, group === "question" ? "" : []);
}

function optString(group: Group, body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(group, `invalid value for field "${field}": expected string`);
  return v;
}

function reqString(group: Group, body: Record<string, unknown>, field: string): string {
  const v = optString(group, body, field);
  if (v === undefined || v === "") throw invalid(group, `field "${field}" is required`);
  return v;
}

function optInt(group: Group, body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n)) throw invalid(group, `invalid value for field "${field}": expected integer`);
  return n;
}

function intInRange(group: Group, field: string, value: number | undefined, min: number, max: number, required: boolean) {
  if (value === undefined) {
    if (required) throw invalid(group, `field "${field}" is required, value must be inside range [${min}, ${max}]`);
    return undefined;
  }
  if (value < min || value > max) {
    throw invalid(group, `invalid value for field "${field}": value must be inside range [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** uint64 as Ozon accepts it: a JSON number (kept exact by the lossless parser) or a digit string. */
function optUint64(group: Group, body: Record<string, unknown>, field: string): bigint | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === "") return undefined;
  if ((typeof v === "string" && /^\d+$/.test(v)) || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0)) {
    return BigInt(v);
  }
  throw invalid(group, `invalid value for field "${field}": expected uint64`);
}

function optEnum<T extends string>(group: Group, body: Record<string, unknown>, field: string, allowed: readonly T[]): T | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === "") return undefined;
  const found = typeof v === "string" ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  if (!found) throw invalid(group, `invalid value for field "${field}": must be one of ${allowed.join(", ")}`);
  return found;
}

function optObject(group: Group, body: Record<string, unknown>, field: string): Record<string, unknown> {
  const v = body[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(group, `invalid value for field "${field}": expected object`);
  return v as Record<string, unknown>;
}

function textLength(text: string): number {
  return [...text].length;
}

function requireSubscription(ctx: HandlerContext, key: keyof OzonSubscriptions) {
  if (!ctx.account.subscriptions[key]) throw new OzonApiError(403, 7, SUBSCRIPTION_MESSAGE);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Never earlier than the last timestamp of the sequence, so stored order equals time order. */
function nowAfter(ctx: HandlerContext, previous: string | undefined): string {
  const prev = previous ? Date.parse(previous) : 0;
  return iso(Math.max(ctx.now(), prev + 1));
}

// ---- chats -------------------------------------------------------------------------------

function encodeChatCursor(seq: number) {
  return Buffer.from(`seq:${seq}`).toString("base64url");
}

function decodeChatCursor(cursor: string): number {
  const m = /^seq:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw invalid("chat", `invalid value for field "cursor"`);
  return Number(m[1]);
}

function chatMessageJson(chat: SandboxChat, m: SandboxChatMessage) {
  return {
    message_id: m.id,
    created_at: m.createdAt,
    user: { id: m.userId, type: m.userType },
    data: [m.text],
    is_image: false,
    is_read: m.userType === "seller" ? true : m.id <= chat.sellerReadUpTo,
    moderate_image_status: "SUCCESS",
    context: m.orderNumber ? { order_number: m.orderNumber, sku: String(m.sku ?? "") } : null,
  };
}

function requireBuyerChat(ctx: HandlerContext, chatId: string): SandboxChat {
  const chat = findChat(ctx.account, chatId);
  if (!chat) throw new OzonApiError(404, 5, "chat not found");
  if (isBuyerChatType(chat.type)) requireSubscription(ctx, "chats");
  return chat;
}

const chatList: Handler = (body, ctx) => {
  // v3ChatList: limit required, "Максимальное значение — 100".
  const limit = intInRange("chat", "limit", optInt("chat", body, "limit"), 1, 100, true)!;
  const cursor = optString("chat", body, "cursor");
  const filter = optObject("chat", body, "filter");
  // The enum is ALL/OPENED/CLOSED, the text writes All/Opened/Closed: Ozon accepts either case.
  const status = optEnum("chat", filter, "chat_status", ["ALL", "OPENED", "CLOSED"] as const) ?? "ALL";
  const unreadOnly = filter.unread_only === true;
  const after = cursor ? decodeChatCursor(cursor) : -1;
  const matching = ctx.account.chats
    .filter((c) => c.seq > after)
    .filter((c) => status === "ALL" || c.status === status)
    .filter((c) => !unreadOnly || unreadCount(c) > 0)
    .sort((a, b) => a.seq - b.seq);
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    chats: page.map((c) => {
      const unread = c.messages.filter((m) => m.userType !== "seller" && m.id > c.sellerReadUpTo);
      return {
        chat: { chat_id: c.id, chat_status: c.status, chat_type: c.type, created_at: c.createdAt },
        first_unread_message_id: unread[0]?.id ?? 0n,
        last_message_id: lastMessage(c)?.id ?? 0n,
        unread_count: unread.length,
      };
    }),
    total_unread_count: ctx.account.chats.reduce((n, c) => n + unreadCount(c), 0),
    cursor: last ? encodeChatCursor(last.seq) : (cursor ?? ""),
    has_next: matching.length > page.length,
  };
};

const chatHistory: Handler = (body, ctx) => {
  const chatId = reqString("chat", body, "chat_id");
  const direction = optEnum("chat", body, "direction", ["Forward", "Backward"] as const) ?? "Backward";
  const limit = intInRange("chat", "limit", optInt("chat", body, "limit"), 1, 1000, false) ?? 50;
  const from = optUint64("chat", body, "from_message_id");
  const filter = optObject("chat", body, "filter");
  const ids = Array.isArray(filter.message_ids) ? filter.message_ids.map((v) => String(v)) : undefined;
  // v3ChatHistoryRequest: "Параметр from_message_id обязательный, если direction = Forward."
  if (direction === "Forward" && from === undefined) throw invalid("chat", `field "from_message_id" is required when direction is Forward`);
  const chat = requireBuyerChat(ctx, chatId);
  // from_message_id is inclusive; the default start is the last visible message.
  let messages: SandboxChatMessage[];
  if (direction === "Backward") {
    const start = from ?? lastMessage(chat)?.id ?? 0n;
    messages = chat.messages.filter((m) => m.id <= start).reverse();
  } else {
    messages = chat.messages.filter((m) => m.id >= from!);
  }
  if (ids) messages = messages.filter((m) => ids.includes(m.id.toString()));
  return {
    has_next: messages.length > limit,
    messages: messages.slice(0, limit).map((m) => chatMessageJson(chat, m)),
  };
};

const chatSendMessage: Handler = (body, ctx) => {
  const chatId = reqString("chat", body, "chat_id");
  const text = optString("chat", body, "text") ?? "";
  const len = textLength(text);
  if (len < 1 || len > 1000) {
    throw invalid("chat", `invalid value for field "text": value length must be between 1 and 1000 runes, got ${len}`);
  }
  const chat = requireBuyerChat(ctx, chatId);
  if (chat.status === "CLOSED") throw new OzonApiError(400, 9, "chat is closed");
  chat.messages.push({
    id: allocateMessageId(ctx.world),
    createdAt: nowAfter(ctx, lastMessage(chat)?.createdAt),
    userType: "seller",
    userId: ctx.account.clientId,
    text,
  });
  ctx.countReply(`chat:${chat.id}`, text);
  return { result: "success" };
};

const chatRead: Handler = (body, ctx) => {
  const chatId = reqString("chat", body, "chat_id");
  const from = optUint64("chat", body, "from_message_id");
  const chat = requireBuyerChat(ctx, chatId);
  const upTo = from ?? lastMessage(chat)?.id ?? 0n;
  if (from !== undefined && !chat.messages.some((m) => m.id === from)) {
    throw new OzonApiError(404, 5, "message not found");
  }
  if (upTo > chat.sellerReadUpTo) chat.sellerReadUpTo = upTo;
  return { unread_count: unreadCount(chat) };
};

// ---- reviews -----------------------------------------------------------------------------

const REVIEW_STATUSES = ["NEW", "VIEWED", "PROCESSED"] as const satisfies readonly ReviewStatus[];

function reviewJson(r: SandboxReview, now: number) {
  return {
    id: r.id,
    sku: r.sku,
    text: r.text,
    rating: r.rating,
    published_at: r.publishedAt,
    status: r.status,
    order_status: r.orderStatus,
    is_rating_participant: r.orderStatus === "DELIVERED",
    // Counts what comment/list shows: comments that passed moderation.
    comments_amount: r.comments.filter((c) => commentVisible(c, now)).length,
    photos_amount: r.photos.length,
    videos_amount: r.videos.length,
  };
}

function requireReview(ctx: HandlerContext, id: string): SandboxReview {
  const review = findReview(ctx.account, id);
  if (!review) throw new OzonApiError(404, 5, "review not found");
  return review;
}

/**
 * The page after `lastId` (any item of the account: one the filter no longer matches still positions
 * the cursor) among the items that match, in creation order. Walks from the anchor instead of
 * filtering and sorting everything, so a page costs the same in a sandbox of a million items.
 */
function pageByLastId<T extends { id: string; seq: number }>(
  group: Group,
  all: T[],
  matches: (item: T) => boolean,
  lastId: string | undefined,
  ascending: boolean,
  limit: number,
) {
  const { ordered, byId } = listIndex(all);
  let start = ascending ? 0 : ordered.length - 1;
  if (lastId) {
    const anchor = byId.get(lastId);
    if (!anchor) throw invalid(group, `invalid value for field "last_id": unknown id ${lastId}`);
    // The first position past the anchor in the walk's direction.
    const after = positionAfterSeq(ordered, anchor.seq);
    start = ascending ? after : after - 2;
  }
  const page: T[] = [];
  let hasNext = false;
  for (let i = start; i >= 0 && i < ordered.length; i += ascending ? 1 : -1) {
    if (!matches(ordered[i]!)) continue;
    if (page.length === limit) {
      hasNext = true;
      break;
    }
    page.push(ordered[i]!);
  }
  return { page, hasNext, lastId: page[page.length - 1]?.id ?? lastId ?? "" };
}

const reviewList: Handler = (body, ctx) => {
  const limit = intInRange("review", "limit", optInt("review", body, "limit"), 20, 100, true)!;
  const lastId = optString("review", body, "last_id");
  const sortDir = optEnum("review", body, "sort_dir", ["ASC", "DESC"] as const) ?? "DESC";
  const filters = optObject("review", body, "filters");
  const status = optEnum("review", filters, "status", ["ALL", ...REVIEW_STATUSES] as const) ?? "ALL";
  const from = optString("review", filters, "published_from");
  const to = optString("review", filters, "published_to");
  requireSubscription(ctx, "reviews");
  const fromIso = from && new Date(from).toISOString();
  const toIso = to && new Date(to).toISOString();
  const matches = (r: SandboxReview) =>
    (status === "ALL" || r.status === status) && (!fromIso || r.publishedAt >= fromIso) && (!toIso || r.publishedAt <= toIso);
  // An anchor outside the filtered set (status changed since) still positions the cursor.
  const { page, hasNext, lastId: next } = pageByLastId("review", ctx.account.reviews, matches, lastId, sortDir === "ASC", limit);
  return { has_next: hasNext, last_id: next, reviews: page.map((r) => reviewJson(r, ctx.now())) };
};

const reviewInfo: Handler = (body, ctx) => {
  const id = reqString("review", body, "review_id");
  requireSubscription(ctx, "reviews");
  const r = requireReview(ctx, id);
  return {
    ...reviewJson(r, ctx.now()),
    likes_amount: 0,
    dislikes_amount: 0,
    photos: r.photos.map((url) => ({ url: ctx.media(url), width: 1200, height: 1600 })),
    videos: r.videos.map((url) => ({
      url: ctx.media(url),
      preview_url: ctx.media(url.replace(/\.mp4$/, ".jpg")),
      short_video_preview_url: ctx.media(url.replace(/\.mp4$/, "-short.mp4")),
      width: 720,
      height: 1280,
    })),
  };
};

const reviewChangeStatus: Handler = (body, ctx) => {
  const ids = body.review_ids;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((v) => typeof v === "string")) {
    throw invalid("review", `invalid value for field "review_ids": value must contain between 1 and 100 items`);
  }
  const status = optEnum("review", body, "status", REVIEW_STATUSES);
  if (!status) throw invalid("review", `field "status" is required`);
  requireSubscription(ctx, "reviews");
  const reviews = (ids as string[]).map((id) => requireReview(ctx, id));
  for (const r of reviews) r.status = status;
  return {};
};

const reviewCommentCreate: Handler = (body, ctx) => {
  const reviewId = reqString("review", body, "review_id");
  const text = optString("review", body, "text") ?? "";
  if (text.trim() === "") throw invalid("review", `field "text" is required`);
  const parent = optString("review", body, "parent_comment_id");
  const markProcessed = body.mark_review_as_processed === true;
  requireSubscription(ctx, "reviews");
  const review = requireReview(ctx, reviewId);
  if (parent && !review.comments.some((c) => c.id === parent)) throw new OzonApiError(404, 5, "comment not found");
  const id = ctx.uuid();
  review.comments.push({
    id,
    text,
    publishedAt: nowAfter(ctx, review.comments[review.comments.length - 1]?.publishedAt),
    parentCommentId: parent ?? null,
    isOwner: true,
    isOfficial: true,
    // Every new comment goes through moderation; comment/list hides it until then.
    moderation: "pending",
    publishAt: ctx.moderation === "publish" ? ctx.now() + ctx.moderationDelayMs : null,
  });
  if (markProcessed) review.status = "PROCESSED";
  ctx.countReply(`review:${review.id}`, text);
  return { comment_id: id };
};

const reviewCommentList: Handler = (body, ctx) => {
  const reviewId = reqString("review", body, "review_id");
  const limit = intInRange("review", "limit", optInt("review", body, "limit"), 20, 100, true)!;
  const offset = intInRange("review", "offset", optInt("review", body, "offset"), 0, 1_000_000, false) ?? 0;
  const sortDir = optEnum("review", body, "sort_dir", ["ASC", "DESC"] as const) ?? "ASC";
  requireSubscription(ctx, "reviews");
  const review = requireReview(ctx, reviewId);
  // "Метод возвращает информацию по комментариям на отзывы, которые прошли модерацию."
  const moderated = review.comments.filter((c) => commentVisible(c, ctx.now()));
  const sorted = sortDir === "ASC" ? moderated : [...moderated].reverse();
  const page = sorted.slice(offset, offset + limit);
  return {
    comments: page.map((c) => ({
      id: c.id,
      text: c.text,
      published_at: c.publishedAt,
      parent_comment_id: c.parentCommentId ?? "",
      is_owner: c.isOwner,
      is_official: c.isOfficial,
      is_published: true,
      is_rejected: false,
      deviation_reason: "",
      likes_amount: 0,
      dislikes_amount: 0,
    })),
    offset: offset + page.length,
  };
};

// ---- questions ---------------------------------------------------------------------------

const QUESTION_STATUSES = ["NEW", "VIEWED", "PROCESSED"] as const satisfies readonly QuestionStatus[];

/** The question group writes int64 (sku, answers_count) as proto3 JSON does: strings of digits. */
function questionJson(q: SandboxQuestion) {
  return {
    id: q.id,
    sku: String(q.sku),
    text: q.text,
    author_name: q.authorName,
    published_at: q.publishedAt,
    status: q.status,
    answers_count: String(q.answers.filter((a) => a.statusPublication === "PUBLISHED").length),
    product_url: `https://www.ozon.ru/product/${q.sku}/`,
    question_link: `https://www.ozon.ru/product/${q.sku}/questions/?qid=${q.id}`,
  };
}

function requireQuestion(ctx: HandlerContext, id: string): SandboxQuestion {
  const q = findQuestion(ctx.account, id);
  if (!q) throw new OzonApiError(404, 5, "question not found", "");
  return q;
}

const questionList: Handler = (body, ctx) => {
  const filter = optObject("question", body, "filter");
  const status = optEnum("question", filter, "status", ["ALL", "UNPROCESSED", ...QUESTION_STATUSES] as const) ?? "ALL";
  const from = optString("question", filter, "date_from");
  const to = optString("question", filter, "date_to");
  const lastId = optString("question", body, "last_id");
  const limit = intInRange("question", "limit", optInt("question", body, "limit"), 1, 100, false) ?? 100;
  const sortDir = optEnum("question", body, "sort_dir", ["ASC", "DESC"] as const) ?? "DESC";
  requireSubscription(ctx, "questions");
  const fromIso = from && new Date(from).toISOString();
  const toIso = to && new Date(to).toISOString();
  const matches = (q: SandboxQuestion) =>
    (status === "ALL" || (status === "UNPROCESSED" ? q.status !== "PROCESSED" : q.status === status)) &&
    (!fromIso || q.publishedAt >= fromIso) &&
    (!toIso || q.publishedAt <= toIso);
  const { page, hasNext, lastId: next } = pageByLastId("question", ctx.account.questions, matches, lastId, sortDir === "ASC", limit);
  return { questions: page.map(questionJson), last_id: next, has_next: hasNext };
};

const questionInfo: Handler = (body, ctx) => {
  const id = reqString("question", body, "question_id");
  requireSubscription(ctx, "questions");
  return questionJson(requireQuestion(ctx, id));
};

const questionChangeStatus: Handler = (body, ctx) => {
  const ids = body.question_ids;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((v) => typeof v === "string")) {
    throw invalid("question", `invalid value for field "question_ids": value must contain between 1 and 100 items`);
  }
  const status = optEnum("question", body, "status", QUESTION_STATUSES);
  if (!status) throw invalid("question", `field "status" is required`);
  requireSubscription(ctx, "questions");
  const questions = (ids as string[]).map((id) => requireQuestion(ctx, id));
  for (const q of questions) q.status = status;
  return {};
};

function skuOf(body: Record<string, unknown>): number | undefined {
  const v = body.sku;
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

const questionAnswerCreate: Handler = (body, ctx) => {
  const questionId = reqString("question", body, "question_id");
  const sku = skuOf(body);
  if (sku === undefined || sku <= 0) throw invalid("question", `field "sku" is required`);
  const text = optString("question", body, "text") ?? "";
  const len = textLength(text);
  if (len < 2 || len > 3000) {
    throw invalid("question", `invalid value for field "text": value length must be between 2 and 3000 runes, got ${len}`);
  }
  requireSubscription(ctx, "questions");
  const q = requireQuestion(ctx, questionId);
  if (q.sku !== sku) throw invalid("question", `sku ${sku} does not match the question`);
  const publication: AnswerPublication = ctx.moderation === "publish" ? "PUBLISHED" : "AWAITING_MODERATION";
  const id = ctx.uuid();
  q.answers.push({
    id,
    text,
    authorName: ctx.account.sellerName,
    publishedAt: nowAfter(ctx, q.answers[q.answers.length - 1]?.publishedAt),
    statusPublication: publication,
  });
  q.status = "PROCESSED";
  ctx.countReply(`question:${q.id}`, text);
  return { answer_id: id };
};

const questionAnswerList: Handler = (body, ctx) => {
  const questionId = reqString("question", body, "question_id");
  const sku = skuOf(body);
  if (sku === undefined) throw invalid("question", `field "sku" is required`);
  const lastId = optString("question", body, "last_id");
  requireSubscription(ctx, "questions");
  const q = requireQuestion(ctx, questionId);
  let start = 0;
  if (lastId) start = q.answers.findIndex((a) => a.id === lastId) + 1;
  const page = q.answers.slice(start, start + 50);
  return {
    answers: page.map((a) => ({
      id: a.id,
      question_id: q.id,
      sku: String(q.sku),
      text: a.text,
      author_name: a.authorName,
      published_at: a.publishedAt,
      status_publication: a.statusPublication,
    })),
    last_id: page[page.length - 1]?.id ?? "",
  };
};

/** Every path the sandbox serves (all POST). */
export const OZON_ROUTES: Record<string, Handler> = {
  "/v3/chat/list": chatList,
  "/v3/chat/history": chatHistory,
  "/v1/chat/send/message": chatSendMessage,
  "/v2/chat/read": chatRead,
  "/v2/review/list": reviewList,
  "/v2/review/info": reviewInfo,
  "/v2/review/change-status": reviewChangeStatus,
  "/v1/review/comment/create": reviewCommentCreate,
  "/v1/review/comment/list": reviewCommentList,
  "/v1/question/list": questionList,
  "/v1/question/info": questionInfo,
  "/v1/question/change-status": questionChangeStatus,
  "/v1/question/answer/create": questionAnswerCreate,
  "/v1/question/answer/list": questionAnswerList,
};
