// The Yandex Market Partner API sandbox (chats, goods feedback, goods questions): same paths,
// Api-Key header, {status, result} / {status: "ERROR", errors[]} bodies, 4 parallel requests per
// business and hourly per-method quotas (both HTTP 420), X-RateLimit-Resource-* headers on every
// response, page-size and date-window validation, and seeded Russian data that tests can grow
// while it runs. `setSparse(true)` makes every response leave out what the spec marks optional
// and send null where it marks nullable.
import {
  FaultInjector,
  RequestStats,
  SeededRandom,
  ru,
  startHttpServer,
  type SandboxRequest,
  type SandboxResponse,
} from "../../sandbox/kit";
import { sandboxMediaLink, type SandboxMediaOptions } from "../../sandbox/media";
import type {
  YmChatType,
  YmSandboxAnswer,
  YmSandboxBusiness,
  YmSandboxChat,
  YmSandboxFeedback,
  YmSandboxMessage,
  YmSandboxQuestion,
  YmSandboxWorld,
} from "./model";

export interface YmSandboxBusinessOptions {
  businessId: number;
  apiKey: string;
  /** Seeded chats. Default: the sandbox-wide size. */
  chats?: number;
  /** Seeded reviews. Default: the sandbox-wide size. */
  feedbacks?: number;
  /** Seeded questions. Default: the sandbox-wide size. */
  questions?: number;
}

export interface YandexMarketSandboxOptions extends SandboxMediaOptions {
  port?: number;
  host?: string;
  /** Default 42. */
  seed?: number;
  /** Seeded chats per business. Default 25. */
  chats?: number;
  /** Seeded reviews per business. Default 25. */
  feedbacks?: number;
  /** Seeded questions per business. Default 25. */
  questions?: number;
  /** Upper bound of seeded messages per chat. Default 5. */
  messagesPerChat?: number;
  /** Default: DEMO_YANDEX_MARKET_BUSINESSES. */
  businesses?: YmSandboxBusinessOptions[];
  /** Parallel requests per business before HTTP 420. Default 4; false disables. */
  maxParallel?: number | false;
  /** Hourly quotas per method and business (the spec's x-resource-limit-config); false disables. */
  hourlyLimits?: false | Partial<Record<YmMethod, number>>;
  /** Length of a quota window. Default one hour (tests shorten it). */
  quotaWindowMs?: number;
  /** Artificial processing time per request (makes the parallel limit observable). Default 0. */
  latencyMs?: number;
  now?: () => number;
  /** Seeded items are spread over the 30 days before this instant (reviews and questions: 90). Default 2026-10-01T00:00:00Z. */
  epoch?: string;
}

export type YmMethod =
  | "chats"
  | "history"
  | "message"
  | "chat"
  | "feedbacks"
  | "feedbackComments"
  | "feedbackCommentUpdate"
  | "feedbackSkipReaction"
  | "questions"
  | "questionAnswers"
  | "questionUpdate";

/** x-resource-limit-config of each path in the official spec (no "Medium" subscription). */
export const YM_HOURLY_LIMITS: Record<YmMethod, number> = {
  chats: 5000,
  history: 10000,
  message: 1000,
  chat: 1000,
  feedbacks: 5000,
  feedbackComments: 5000,
  feedbackCommentUpdate: 1000,
  feedbackSkipReaction: 500,
  questions: 1000,
  questionAnswers: 1000,
  questionUpdate: 500,
};

export const DEMO_YANDEX_MARKET_BUSINESSES: readonly YmSandboxBusinessOptions[] = [
  { businessId: 7700001, apiKey: "ACMA:ym-sandbox-demo-key:7700001" },
];

export interface YandexMarketSandbox {
  url: string;
  credentials: { apiKey: string; businessId: number };
  businesses: Array<{ apiKey: string; businessId: number }>;
  close(): Promise<void>;
  business(businessId?: number): YmSandboxBusiness;
  /** A customer writes: into an existing chat, or a new DIRECT/ORDER chat when chatId is omitted. */
  addCustomerMessage(input?: {
    businessId?: number;
    chatId?: number;
    text?: string;
    type?: YmChatType;
    files?: YmSandboxMessage["files"];
  }): {
    chat: YmSandboxChat;
    message: YmSandboxMessage;
  };
  /** Yandex Market itself (an automatic notice) or its support staff writes into a chat. */
  addMarketMessage(input: { businessId?: number; chatId: number; text: string; sender?: "MARKET" | "SUPPORT" }): YmSandboxMessage;
  addFeedback(input?: { businessId?: number; rating?: number; comment?: string; photos?: string[] }): YmSandboxFeedback;
  addQuestion(input?: { businessId?: number; text?: string }): YmSandboxQuestion;
  /** Rewrites successful responses of one method (schema-drift tests); undefined removes it. */
  setResponseTransform(method: YmMethod, transform: ((body: Record<string, unknown>) => unknown) | undefined): void;
  /** On: responses leave out every optional field and send null for every nullable one. */
  setSparse(on: boolean): void;
  faults: FaultInjector;
  stats: {
    requests: RequestStats;
    /** Highest number of requests one business had in flight at once. */
    maxInFlight(businessId?: number): number;
    /** Texts the seller sent: chat messages, review comments and question answers, by item id. */
    repliesReceived(itemId: string | number): string[];
    /** When each request of a method arrived (ms), for quota tests. */
    arrivals(method: YmMethod): number[];
    reset(): void;
  };
}

class YmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** ApiErrorResponse: {status: "ERROR", errors: [{code, message}]}. */
const error = (status: number, code: string, message: string): SandboxResponse => ({
  status,
  json: { status: "ERROR", errors: [{ code, message }] },
});

const ROUTES: Array<{ pattern: RegExp; method: YmMethod; http: "GET" | "POST" }> = [
  { pattern: /^\/v2\/businesses\/(\d+)\/chats$/, method: "chats", http: "POST" },
  { pattern: /^\/v2\/businesses\/(\d+)\/chats\/history$/, method: "history", http: "POST" },
  { pattern: /^\/v2\/businesses\/(\d+)\/chats\/message$/, method: "message", http: "POST" },
  { pattern: /^\/v2\/businesses\/(\d+)\/chat$/, method: "chat", http: "GET" },
  { pattern: /^\/v2\/businesses\/(\d+)\/goods-feedback$/, method: "feedbacks", http: "POST" },
  { pattern: /^\/v2\/businesses\/(\d+)\/goods-feedback\/comments$/, method: "feedbackComments", http: "POST" },
  { pattern: /^\/v2\/businesses\/(\d+)\/goods-feedback\/comments\/update$/, method: "feedbackCommentUpdate", http: "POST" },
  { pattern: /^\/v2\/businesses\/(\d+)\/goods-feedback\/skip-reaction$/, method: "feedbackSkipReaction", http: "POST" },
  { pattern: /^\/v1\/businesses\/(\d+)\/goods-questions$/, method: "questions", http: "POST" },
  { pattern: /^\/v1\/businesses\/(\d+)\/goods-questions\/answers$/, method: "questionAnswers", http: "POST" },
  { pattern: /^\/v1\/businesses\/(\d+)\/goods-questions\/update$/, method: "questionUpdate", http: "POST" },
];

const CHAT_CONTEXT_TYPES = ["ORDER", "RETURN", "DIRECT"];
const CHAT_TYPES = ["CHAT", "ARBITRAGE"];
const CHAT_STATUSES = ["NEW", "WAITING_FOR_CUSTOMER", "WAITING_FOR_PARTNER", "WAITING_FOR_ARBITER", "WAITING_FOR_MARKET", "FINISHED"];

/** Yandex writes times with the Moscow offset, e.g. 2026-09-30T12:00:00.000+03:00. */
function moscowIso(ms: number): string {
  return new Date(ms + 3 * 3600_000).toISOString().replace("Z", "+03:00");
}

function intParam(req: SandboxRequest, name: string, min: number, max: number, fallback: number | undefined): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new YmError(400, "BAD_REQUEST", `${name}: must be an integer`);
  if (n < min) throw new YmError(400, "BAD_REQUEST", `${name}: must be greater than or equal to ${min}`);
  if (n > max) throw new YmError(400, "BAD_REQUEST", `${name}: must be less than or equal to ${max}`);
  return n;
}

function encodeToken(n: number) {
  return Buffer.from(`after:${n}`).toString("base64url");
}

function decodeToken(token: string | null): number {
  if (!token) return -1;
  const m = /^after:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) throw new YmError(400, "BAD_REQUEST", "pageToken: invalid value");
  return Number(m[1]);
}

/** `[v]` unless v is undefined (spreads optional fields). */
const opt = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

function arrayFilter(body: Record<string, unknown>, name: string, allowed?: string[]): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length === 0) throw new YmError(400, "BAD_REQUEST", `${name}: size must be between 1 and 2147483647`);
  const values = v.map(String);
  const bad = allowed ? values.find((x) => !allowed.includes(x)) : undefined;
  if (bad !== undefined) throw new YmError(400, "BAD_REQUEST", `${name}: unknown value ${bad}`);
  return values;
}

function dateTimeParam(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new YmError(400, "BAD_REQUEST", `${name}: must be a date-time`);
  return ms;
}

/** A `date` (YYYY-MM-DD) as the Moscow calendar day. */
function dateParam(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new YmError(400, "BAD_REQUEST", `${name}: must be a date (YYYY-MM-DD)`);
  }
  return v;
}

const moscowDay = (ms: number) => moscowIso(ms).slice(0, 10);

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export async function startYandexMarketSandbox(options: YandexMarketSandboxOptions = {}): Promise<YandexMarketSandbox> {
  const seed = options.seed ?? 42;
  const rng = new SeededRandom(seed);
  const now = options.now ?? Date.now;
  const media = (cdnUrl: string) => sandboxMediaLink(cdnUrl, options.mediaBaseUrl);
  const epochMs = Date.parse(options.epoch ?? "2026-10-01T00:00:00Z");
  const world: YmSandboxWorld = {
    businesses: new Map(),
    nextChatId: 34_512_001,
    nextMessageId: 901_000_001,
    nextSeq: 1,
    nextFeedbackId: 55_000_001,
    nextCommentId: 77_000_001,
    nextQuestionId: 66_000_001,
    nextAnswerId: 88_000_001,
  };
  const replies = new Map<string, string[]>();
  const transforms = new Map<YmMethod, (body: Record<string, unknown>) => unknown>();
  const inFlight = new Map<number, number>();
  const peak = new Map<number, number>();
  const arrivals = new Map<YmMethod, number[]>();
  const hourly = options.hourlyLimits === false ? undefined : { ...YM_HOURLY_LIMITS, ...options.hourlyLimits };
  const quotaWindowMs = options.quotaWindowMs ?? 3600_000;
  /** Quota windows per business and method: start and requests counted in it. */
  const quotaWindows = new Map<string, { until: number; used: number }>();
  const maxParallel = options.maxParallel === false ? Infinity : (options.maxParallel ?? 4);
  let sparse = false;
  const requests = new RequestStats();
  const faults = new FaultInjector(
    {
      // Yandex's limit answer is 420 Enhance Your Calm.
      tooManyRequests: () => error(420, "ENHANCE_YOUR_CALM", "Hit rate limit of 4 parallel requests"),
      serverError: () => error(500, "INTERNAL_ERROR", "Internal server error"),
    },
    seed,
  );
  const recordReply = (itemId: number, text: string) => {
    const key = String(itemId);
    replies.set(key, [...(replies.get(key) ?? []), text]);
  };

  // ---- world ---------------------------------------------------------------------------------

  const newChat = (business: YmSandboxBusiness, at: number, type: YmChatType): YmSandboxChat => {
    const chat: YmSandboxChat = {
      id: world.nextChatId++,
      seq: world.nextSeq++,
      type,
      status: "NEW",
      campaignId: business.campaignId,
      customerName: ru.personName(rng),
      customerPublicId: rng.token(12),
      createdAt: moscowIso(at),
      updatedAt: moscowIso(at),
      messages: [],
    };
    if (type === "ORDER") chat.orderId = rng.int(40_000_000, 49_999_999);
    if (type === "RETURN") {
      chat.orderId = rng.int(40_000_000, 49_999_999);
      chat.returnId = rng.int(1_000_000, 9_999_999);
    }
    business.chats.push(chat);
    return chat;
  };

  const post = (
    chat: YmSandboxChat,
    sender: YmSandboxMessage["sender"],
    text: string,
    at: number,
    files: YmSandboxMessage["files"] = [],
  ): YmSandboxMessage => {
    const prev = chat.messages.at(-1);
    const ms = Math.max(at, prev ? Date.parse(prev.createdAt) + 1 : 0);
    const message: YmSandboxMessage = { id: world.nextMessageId++, createdAt: moscowIso(ms), sender, text, files };
    chat.messages.push(message);
    chat.updatedAt = message.createdAt;
    // Market's own notices and its staff do not change whose turn it is.
    if (sender === "PARTNER") chat.status = "WAITING_FOR_CUSTOMER";
    else if (sender === "CUSTOMER") chat.status = chat.messages.length === 1 ? "NEW" : "WAITING_FOR_PARTNER";
    return message;
  };

  const photoUrl = () => `https://avatars.mds.yandex.net/get-marketpic/${rng.int(100000, 999999)}/pic${rng.token(8)}/orig`;
  const offerIdOf = () => `SKU-${rng.int(1000, 9999)}`;

  const newFeedback = (business: YmSandboxBusiness, at: number, input: { rating?: number; comment?: string; photos?: string[] } = {}) => {
    const r = ru.review(rng);
    const feedback: YmSandboxFeedback = {
      id: world.nextFeedbackId++,
      createdAt: moscowIso(at),
      orderId: rng.int(40_000_000, 49_999_999),
      offerId: offerIdOf(),
      author: ru.personName(rng),
      advantages: r.pros,
      disadvantages: r.cons,
      comment: input.comment ?? r.text,
      photos: input.photos ?? (rng.chance(0.3) ? [photoUrl(), photoUrl()] : []),
      rating: input.rating ?? r.rating,
      recommended: r.rating >= 4,
      needReaction: true,
      comments: [],
    };
    business.feedbacks.push(feedback);
    return feedback;
  };

  const newQuestion = (business: YmSandboxBusiness, at: number, text?: string) => {
    const question: YmSandboxQuestion = {
      id: world.nextQuestionId++,
      offerId: offerIdOf(),
      categoryId: rng.int(90_000, 99_999),
      text: text ?? ru.question(rng),
      createdAt: moscowIso(at),
      authorName: ru.personName(rng),
      likes: rng.int(0, 5),
      dislikes: rng.int(0, 2),
      answers: [],
    };
    business.questions.push(question);
    return question;
  };

  const businessOptions = options.businesses ?? DEMO_YANDEX_MARKET_BUSINESSES;
  const perChat = Math.max(1, options.messagesPerChat ?? 5);
  for (const b of businessOptions) {
    const business: YmSandboxBusiness = {
      businessId: b.businessId,
      apiKey: b.apiKey,
      campaignId: b.businessId * 10 + 1,
      chats: [],
      feedbacks: [],
      questions: [],
    };
    world.businesses.set(b.businessId, business);
    const count = b.chats ?? options.chats ?? 25;
    const starts = Array.from({ length: count }, () => epochMs - rng.int(1, 30 * 24 * 3600_000)).sort((x, y) => x - y);
    for (const start of starts) {
      const chat = newChat(business, start, rng.pick(["ORDER", "ORDER", "RETURN", "DIRECT"] as const));
      let t = start;
      const n = rng.int(1, perChat);
      for (let i = 0; i < n; i++) {
        const partner = i > 0 && rng.chance(0.45);
        // Now and then a customer sends only a photo: `message` is absent, `payload` carries the file.
        const photoOnly = !partner && rng.chance(0.15);
        const files = photoOnly ? [{ name: `photo_${rng.int(1, 999)}.jpg`, url: photoUrl(), size: rng.int(50_000, 900_000) }] : [];
        post(chat, partner ? "PARTNER" : "CUSTOMER", photoOnly ? "" : partner ? ru.sellerReply(rng) : ru.chatLine(rng), t, files);
        t += rng.int(60_000, 3_600_000);
      }
      if (rng.chance(0.1)) chat.status = "FINISHED";
    }
    const feedbackStarts = Array.from({ length: b.feedbacks ?? options.feedbacks ?? 25 }, () => epochMs - rng.int(1, 90 * 24 * 3600_000));
    for (const start of feedbackStarts.sort((x, y) => x - y)) {
      const feedback = newFeedback(business, start);
      if (rng.chance(0.4)) {
        feedback.needReaction = false;
        feedback.comments.push({
          id: world.nextCommentId++,
          text: ru.sellerReply(rng),
          status: "PUBLISHED",
          authorType: "BUSINESS",
          authorName: "Магазин «Уют»",
        });
      }
    }
    const questionStarts = Array.from({ length: b.questions ?? options.questions ?? 25 }, () => epochMs - rng.int(1, 90 * 24 * 3600_000));
    for (const start of questionStarts.sort((x, y) => x - y)) {
      const question = newQuestion(business, start);
      if (rng.chance(0.4)) {
        question.answers.push({
          id: world.nextAnswerId++,
          text: ru.sellerReply(rng),
          status: "PUBLISHED",
          authorType: "BUSINESS",
          authorName: "Магазин «Уют»",
          createdAt: moscowIso(start + 3600_000),
        });
      }
    }
  }
  const firstId = businessOptions[0]!.businessId;

  // ---- JSON as the spec describes it -----------------------------------------------------------

  const paging = (next: string | undefined) => (next ? { paging: { nextPageToken: next } } : sparse ? {} : { paging: {} });

  const contextJson = (c: YmSandboxChat) => ({
    type: c.type,
    ...(sparse
      ? {}
      : {
          customer: { name: c.customerName, publicId: c.customerPublicId },
          campaignId: c.campaignId,
          ...opt("orderId", c.orderId),
          ...opt("returnId", c.returnId),
        }),
  });

  /** GetChatInfoDTO. */
  const chatJson = (c: YmSandboxChat) => ({
    chatId: c.id,
    ...(sparse ? {} : opt("orderId", c.orderId)),
    context: contextJson(c),
    type: "CHAT",
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });

  /** ChatMessageDTO: `message` or `payload`; a text-only message carries `payload: null`. */
  const messageJson = (m: YmSandboxMessage) => ({
    messageId: m.id,
    createdAt: m.createdAt,
    sender: m.sender,
    ...(m.text ? { message: m.text } : {}),
    payload: m.files.length > 0 ? m.files.map((f) => ({ name: f.name, url: media(f.url), size: f.size })) : null,
  });

  /** GoodsFeedbackDTO. */
  const feedbackJson = (f: YmSandboxFeedback) => {
    const statistics = {
      rating: f.rating,
      // Answers to the review only, not replies to comments.
      commentsCount: f.comments.filter((c) => !c.parentId && c.status === "PUBLISHED").length,
    };
    if (sparse) {
      return { feedbackId: f.id, createdAt: f.createdAt, needReaction: f.needReaction, identifiers: {}, statistics };
    }
    return {
      feedbackId: f.id,
      createdAt: f.createdAt,
      needReaction: f.needReaction,
      identifiers: { orderId: f.orderId, offerId: f.offerId },
      author: f.author,
      description: { advantages: f.advantages, disadvantages: f.disadvantages, comment: f.comment },
      media: { photos: f.photos.length > 0 ? f.photos.map(media) : null, videos: null },
      statistics: { ...statistics, recommended: f.recommended },
    };
  };

  /** GoodsFeedbackCommentDTO. */
  const feedbackCommentJson = (f: YmSandboxFeedback, c: YmSandboxFeedback["comments"][number]) => ({
    id: c.id,
    text: c.text,
    ...(sparse
      ? {}
      : { canModify: c.authorType === "BUSINESS", ...opt("parentId", c.parentId), author: { type: c.authorType, name: c.authorName } }),
    status: c.status,
    feedbackId: f.id,
  });

  /** QuestionDTO. */
  const questionJson = (business: YmSandboxBusiness, q: YmSandboxQuestion) => ({
    questionIdentifiers: sparse ? { id: q.id, offerId: q.offerId } : { id: q.id, categoryId: q.categoryId, offerId: q.offerId },
    businessId: business.businessId,
    text: q.text,
    createdAt: q.createdAt,
    votes: { likes: q.likes, dislikes: q.dislikes },
    author: sparse ? {} : { type: "USER", name: q.authorName },
  });

  /** AnswerDTO. */
  const answerJson = (q: YmSandboxQuestion, a: YmSandboxAnswer) => ({
    id: a.id,
    text: a.text,
    canModify: a.authorType === "BUSINESS",
    ...(sparse ? {} : { author: { type: a.authorType, name: a.authorName } }),
    status: a.status,
    questionId: q.id,
    createdAt: a.createdAt,
    votes: { likes: 0, dislikes: 0 },
    comments: null,
  });

  // ---- request helpers -----------------------------------------------------------------------

  const findChat = (business: YmSandboxBusiness, req: SandboxRequest): YmSandboxChat => {
    const raw = req.query.get("chatId");
    if (!raw) throw new YmError(400, "BAD_REQUEST", "chatId: must not be null");
    if (!/^\d+$/.test(raw)) throw new YmError(400, "BAD_REQUEST", "chatId: must be a number");
    const chat = business.chats.find((c) => c.id === Number(raw));
    if (!chat) throw new YmError(404, "NOT_FOUND", `Chat ${raw} not found`);
    return chat;
  };

  const readBody = (req: SandboxRequest): Record<string, unknown> => {
    const text = req.rawBody.toString("utf8");
    if (text.trim() === "") return {};
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new YmError(400, "BAD_REQUEST", "Request body is not a valid JSON object");
  };

  const textParam = (value: unknown, name: string, max: number): string => {
    const text = typeof value === "string" ? value : "";
    const len = [...text].length;
    if (len < 1 || len > max) throw new YmError(400, "BAD_REQUEST", `${name}: size must be between 1 and ${max}`);
    return text;
  };

  /** Keyset page tokens over (time, id), so paging is stable while items are added. */
  const keyToken = (ms: number, id: number) => Buffer.from(`key:${ms}:${id}`).toString("base64url");
  const decodeKeyToken = (token: string | null): [number, number] | undefined => {
    if (!token) return undefined;
    const m = /^key:(-?\d+):(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!m) throw new YmError(400, "BAD_REQUEST", "pageToken: invalid value");
    return [Number(m[1]), Number(m[2])];
  };
  const pageByKey = <T extends { id: number; createdAt: string }>(items: T[], req: SandboxRequest, limit: number, desc = false) => {
    const sign = desc ? -1 : 1;
    const cmp = (a: [number, number], b: [number, number]) => sign * (a[0] - b[0] || a[1] - b[1]);
    const keyOf = (x: T): [number, number] => [Date.parse(x.createdAt), x.id];
    const after = decodeKeyToken(req.query.get("pageToken"));
    const rest = items.filter((x) => !after || cmp(keyOf(x), after) > 0).sort((a, b) => cmp(keyOf(a), keyOf(b)));
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    return { page, next: rest.length > page.length && last ? keyToken(...keyOf(last)) : undefined };
  };

  const idList = (body: Record<string, unknown>, name: string, max: number): number[] | undefined => {
    const v = body[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.length < 1 || v.length > max)
      throw new YmError(400, "BAD_REQUEST", `${name}: size must be between 1 and ${max}`);
    return v.map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n)) throw new YmError(400, "BAD_REQUEST", `${name}: must be integers`);
      return n;
    });
  };

  // ---- handlers --------------------------------------------------------------------------------

  const handlers: Record<YmMethod, (business: YmSandboxBusiness, req: SandboxRequest) => unknown> = {
    chats: (business, req) => {
      const limit = intParam(req, "limit", 1, 20, 10)!;
      const after = decodeToken(req.query.get("pageToken"));
      const body = readBody(req);
      const statuses = arrayFilter(body, "statuses", CHAT_STATUSES);
      // `types` is ChatType (CHAT / ARBITRAGE); the sandbox models buyer chats only, all CHAT.
      const types = arrayFilter(body, "types", CHAT_TYPES);
      const contextTypes = arrayFilter(body, "contextTypes", CHAT_CONTEXT_TYPES);
      const orderIds = idList(body, "orderIds", Number.MAX_SAFE_INTEGER);
      const contexts = body.contexts === undefined || body.contexts === null ? undefined : body.contexts;
      if (contexts !== undefined && (!Array.isArray(contexts) || contexts.length === 0)) {
        throw new YmError(400, "BAD_REQUEST", "contexts: size must be between 1 and 2147483647");
      }
      const contextMatches = (c: YmSandboxChat) =>
        (contexts as Array<{ type?: unknown; id?: unknown }>).some(
          (x) => (x.type === "ORDER" && Number(x.id) === c.orderId) || (x.type === "RETURN" && Number(x.id) === c.returnId),
        );
      const matching = business.chats
        .filter((c) => c.seq > after)
        .filter((c) => !statuses || statuses.includes(c.status))
        .filter(() => !types || types.includes("CHAT"))
        .filter((c) => !contextTypes || contextTypes.includes(c.type))
        .filter((c) => !orderIds || (c.orderId !== undefined && orderIds.includes(c.orderId)))
        .filter((c) => !contexts || contextMatches(c))
        .sort((a, b) => a.seq - b.seq);
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      const next = matching.length > page.length && last ? encodeToken(last.seq) : undefined;
      return { status: "OK", result: { chats: page.map(chatJson), ...paging(next) } };
    },
    history: (business, req) => {
      const chat = findChat(business, req);
      const limit = intParam(req, "limit", 1, 100, 50)!;
      const after = decodeToken(req.query.get("pageToken"));
      const body = readBody(req);
      const from = body.messageIdFrom === undefined || body.messageIdFrom === null ? undefined : Number(body.messageIdFrom);
      if (from !== undefined && !Number.isInteger(from)) throw new YmError(400, "BAD_REQUEST", "messageIdFrom: must be a number");
      // Newest first, like the cabinet; pages continue towards older messages.
      const all = [...chat.messages].filter((m) => from === undefined || m.id >= from).reverse();
      const start = after < 0 ? 0 : all.findIndex((m) => m.id < after);
      const rest = start < 0 ? [] : all.slice(start);
      const page = rest.slice(0, limit);
      const last = page.at(-1);
      const next = rest.length > page.length && last ? encodeToken(last.id) : undefined;
      return {
        status: "OK",
        result: {
          ...(sparse ? {} : opt("orderId", chat.orderId)),
          context: contextJson(chat),
          messages: page.map(messageJson),
          ...paging(next),
        },
      };
    },
    message: (business, req) => {
      const chat = findChat(business, req);
      const text = textParam(readBody(req).message, "message", 4096);
      if (chat.status === "FINISHED") throw new YmError(400, "BAD_REQUEST", "Chat is finished");
      post(chat, "PARTNER", text, now());
      recordReply(chat.id, text);
      return { status: "OK" };
    },
    chat: (business, req) => ({ status: "OK", result: chatJson(findChat(business, req)) }),

    feedbacks: (business, req) => {
      const limit = intParam(req, "limit", 1, 50, 25)!;
      const body = readBody(req);
      const ids = idList(body, "feedbackIds", 50);
      let matching: YmSandboxFeedback[];
      if (ids) {
        // The ids stand alone (the spec forbids other filters with them), but the spec's default
        // window (the 6 months before now) exempts no request: an older review is not found by id.
        const to = now();
        const from = new Date(to).setUTCMonth(new Date(to).getUTCMonth() - 6);
        matching = business.feedbacks.filter((f) => ids.includes(f.id) && Date.parse(f.createdAt) > from);
      } else {
        const to = dateTimeParam(body, "dateTimeTo") ?? now();
        const from = dateTimeParam(body, "dateTimeFrom") ?? new Date(to).setUTCMonth(new Date(to).getUTCMonth() - 6);
        if (from >= to) throw new YmError(400, "BAD_REQUEST", "dateTimeFrom must be before dateTimeTo");
        if (new Date(from).setUTCMonth(new Date(from).getUTCMonth() + 6) < to) {
          throw new YmError(400, "BAD_REQUEST", "The period between dateTimeFrom and dateTimeTo must not exceed 6 months");
        }
        const reaction = body.reactionStatus ?? "ALL";
        if (reaction !== "ALL" && reaction !== "NEED_REACTION") throw new YmError(400, "BAD_REQUEST", "reactionStatus: unknown value");
        const ratings = idList(body, "ratingValues", 5);
        const offerIds = arrayFilter(body, "offerIds");
        matching = business.feedbacks.filter((f) => {
          const at = Date.parse(f.createdAt);
          // Both ends are exclusive.
          return (
            at > from &&
            at < to &&
            (reaction === "ALL" || f.needReaction) &&
            (!ratings || ratings.includes(f.rating)) &&
            (!offerIds || offerIds.includes(f.offerId))
          );
        });
      }
      // "Reviews are in order of publication."
      const { page, next } = pageByKey(matching, req, limit);
      return { status: "OK", result: { feedbacks: page.map(feedbackJson), ...paging(next) } };
    },
    feedbackComments: (business, req) => {
      const limit = intParam(req, "limit", 1, 50, 25)!;
      const body = readBody(req);
      const commentIds = idList(body, "commentIds", 50);
      const feedbackId = body.feedbackId === undefined || body.feedbackId === null ? undefined : Number(body.feedbackId);
      if (feedbackId === undefined && !commentIds) throw new YmError(400, "BAD_REQUEST", "feedbackId or commentIds must be set");
      const pairs = business.feedbacks
        .filter((f) => feedbackId === undefined || f.id === feedbackId)
        .flatMap((f) => f.comments.map((c) => ({ f, c })))
        // Comments deleted by their authors or by the Market are not returned.
        .filter(({ c }) => c.status !== "DELETED" && (!commentIds || commentIds.includes(c.id)));
      if (feedbackId !== undefined && !business.feedbacks.some((f) => f.id === feedbackId)) {
        throw new YmError(404, "NOT_FOUND", `Feedback ${feedbackId} not found`);
      }
      const after = decodeToken(req.query.get("pageToken"));
      const rest = pairs.filter(({ c }) => c.id > after).sort((a, b) => a.c.id - b.c.id);
      const page = rest.slice(0, limit);
      const next = rest.length > page.length ? encodeToken(page.at(-1)!.c.id) : undefined;
      return { status: "OK", result: { comments: page.map(({ f, c }) => feedbackCommentJson(f, c)), ...paging(next) } };
    },
    feedbackCommentUpdate: (business, req) => {
      const body = readBody(req);
      const feedback = business.feedbacks.find((f) => f.id === Number(body.feedbackId));
      if (body.feedbackId === undefined || body.feedbackId === null) throw new YmError(400, "BAD_REQUEST", "feedbackId: must not be null");
      if (!feedback) throw new YmError(404, "NOT_FOUND", `Feedback ${String(body.feedbackId)} not found`);
      const comment = body.comment as Record<string, unknown> | undefined | null;
      if (!comment || typeof comment !== "object") throw new YmError(400, "BAD_REQUEST", "comment: must not be null");
      const text = textParam(comment.text, "comment.text", 4096);
      let saved;
      if (comment.id !== undefined && comment.id !== null) {
        saved = feedback.comments.find((c) => c.id === Number(comment.id) && c.authorType === "BUSINESS");
        if (!saved) throw new YmError(404, "NOT_FOUND", `Comment ${String(comment.id)} not found`);
        saved.text = text;
        saved.status = "UNMODERATED";
      } else {
        const parentId = comment.parentId === undefined || comment.parentId === null ? undefined : Number(comment.parentId);
        if (parentId !== undefined && !feedback.comments.some((c) => c.id === parentId)) {
          throw new YmError(404, "NOT_FOUND", `Comment ${parentId} not found`);
        }
        saved = {
          id: world.nextCommentId++,
          text,
          status: "UNMODERATED" as const,
          authorType: "BUSINESS" as const,
          authorName: "Магазин",
          ...opt("parentId", parentId),
        };
        feedback.comments.push(saved);
      }
      // A comment from the seller is a reaction.
      feedback.needReaction = false;
      recordReply(feedback.id, text);
      return { status: "OK", result: feedbackCommentJson(feedback, saved) };
    },
    feedbackSkipReaction: (business, req) => {
      const ids = idList(readBody(req), "feedbackIds", 50);
      if (!ids) throw new YmError(400, "BAD_REQUEST", "feedbackIds: must not be null");
      for (const f of business.feedbacks) if (ids.includes(f.id)) f.needReaction = false;
      return { status: "OK" };
    },

    questions: (business, req) => {
      const limit = intParam(req, "limit", 1, 50, 25)!;
      const body = readBody(req);
      const ids = idList(body, "questionIds", 50);
      const categoryIds = idList(body, "categoryIds", Number.MAX_SAFE_INTEGER);
      const sort = body.sort ?? "CREATED_AT_DESC";
      if (sort !== "CREATED_AT_ASC" && sort !== "CREATED_AT_DESC") throw new YmError(400, "BAD_REQUEST", "sort: unknown value");
      const needAnswer = body.needAnswer ?? false;
      if (typeof needAnswer !== "boolean") throw new YmError(400, "BAD_REQUEST", "needAnswer: must be a boolean");
      // The spec's default window (a month up to dateTo, dateTo today) exempts no filter: a question
      // looked up by id outside it is not found (unlike feedbackIds, which the spec says stand alone).
      const dateTo = dateParam(body, "dateTo") ?? moscowDay(now());
      const dateFrom = dateParam(body, "dateFrom") ?? addMonths(dateTo, -1);
      if (dateFrom > dateTo) throw new YmError(400, "BAD_REQUEST", "dateFrom must not be after dateTo");
      if (addMonths(dateFrom, 1) < dateTo)
        throw new YmError(400, "BAD_REQUEST", "The period between dateFrom and dateTo must not exceed 1 month");
      const matching = business.questions
        .filter((q) => {
          const day = moscowDay(Date.parse(q.createdAt));
          return day >= dateFrom && day <= dateTo;
        })
        .filter((q) => !ids || ids.includes(q.id))
        .filter((q) => !categoryIds || categoryIds.includes(q.categoryId))
        // A question awaits an answer until the business has one that is not deleted or banned.
        .filter(
          (q) => !needAnswer || !q.answers.some((a) => a.authorType === "BUSINESS" && a.status !== "DELETED" && a.status !== "BANNED"),
        );
      const { page, next } = pageByKey(matching, req, limit, sort === "CREATED_AT_DESC");
      return {
        status: "OK",
        result: { questions: page.map((q) => questionJson(business, q)), ...paging(next), totalCount: matching.length },
      };
    },
    questionAnswers: (business, req) => {
      const limit = intParam(req, "limit", 1, 50, 25)!;
      const body = readBody(req);
      const answerIds = idList(body, "answerIds", 50);
      const questionId = body.questionId === undefined || body.questionId === null ? undefined : Number(body.questionId);
      if (questionId === undefined && !answerIds) throw new YmError(400, "BAD_REQUEST", "questionId or answerIds must be set");
      if (questionId !== undefined && !business.questions.some((q) => q.id === questionId)) {
        throw new YmError(404, "NOT_FOUND", `Question ${questionId} not found`);
      }
      const pairs = business.questions
        .filter((q) => questionId === undefined || q.id === questionId)
        .flatMap((q) => q.answers.map((a) => ({ q, a })))
        .filter(({ a }) => a.status !== "DELETED" && (!answerIds || answerIds.includes(a.id)));
      const after = decodeToken(req.query.get("pageToken"));
      const rest = pairs.filter(({ a }) => a.id > after).sort((x, y) => x.a.id - y.a.id);
      const page = rest.slice(0, limit);
      const next = rest.length > page.length ? encodeToken(page.at(-1)!.a.id) : undefined;
      return { status: "OK", result: { answers: page.map(({ q, a }) => answerJson(q, a)), ...paging(next) } };
    },
    questionUpdate: (business, req) => {
      const body = readBody(req);
      const op = body.operationType;
      if (op !== "CREATE" && op !== "UPDATE" && op !== "DELETE")
        throw new YmError(400, "BAD_REQUEST", "operationType: must be CREATE, UPDATE or DELETE");
      const entity = (op === "CREATE" ? body.parentEntityId : body.entityId) as { id?: unknown; type?: unknown } | undefined | null;
      const field = op === "CREATE" ? "parentEntityId" : "entityId";
      if (!entity || typeof entity !== "object" || !Number.isInteger(Number(entity.id))) {
        throw new YmError(400, "BAD_REQUEST", `${field}: must not be null`);
      }
      if (op === "CREATE") {
        if (entity.type !== "QUESTION")
          throw new YmError(400, "BAD_REQUEST", "The sandbox creates answers to questions only (parentEntityId.type QUESTION)");
        const question = business.questions.find((q) => q.id === Number(entity.id));
        if (!question) throw new YmError(404, "NOT_FOUND", `Question ${String(entity.id)} not found`);
        const text = textParam(body.text, "text", 5000);
        const answer: YmSandboxAnswer = {
          id: world.nextAnswerId++,
          text,
          status: "UNMODERATED",
          authorType: "BUSINESS",
          authorName: "Магазин",
          createdAt: moscowIso(now()),
        };
        question.answers.push(answer);
        recordReply(question.id, text);
        return { status: "OK", result: { entity: { id: answer.id, type: "ANSWER" } } };
      }
      if (entity.type !== "ANSWER")
        throw new YmError(400, "BAD_REQUEST", "The sandbox updates and deletes answers only (entityId.type ANSWER)");
      const found = business.questions.flatMap((q) => q.answers.map((a) => ({ q, a }))).find(({ a }) => a.id === Number(entity.id));
      if (!found || found.a.authorType !== "BUSINESS" || found.a.status === "DELETED") {
        throw new YmError(404, "NOT_FOUND", `Answer ${String(entity.id)} not found`);
      }
      if (op === "UPDATE") {
        found.a.text = textParam(body.text, "text", 5000);
        found.a.status = "UNMODERATED";
        recordReply(found.q.id, found.a.text);
      } else found.a.status = "DELETED";
      // "При обновлении и удалении возвращается пустой ответ" (updateGoodsQuestionTextEntity, 200).
      return null;
    },
  };

  // ---- dispatch ----------------------------------------------------------------------------------

  /** Counts the request against the method's hourly quota; returns its X-RateLimit-Resource-* headers. */
  const spendQuota = (businessId: number, method: YmMethod) => {
    if (!hourly) return { allowed: true, headers: {} };
    const limit = hourly[method];
    const key = `${businessId}:${method}`;
    const t = now();
    let window = quotaWindows.get(key);
    if (!window || t >= window.until) {
      // Whole seconds, as the RFC 822 header can express.
      window = { until: Math.ceil((t + quotaWindowMs) / 1000) * 1000, used: 0 };
      quotaWindows.set(key, window);
    }
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    const headers = {
      "X-RateLimit-Resource-Limit": limit,
      "X-RateLimit-Resource-Remaining": Math.max(0, limit - window.used),
      // RFC 822, e.g. "Thu, 10 Jul 2018 00:42:42 GMT".
      "X-RateLimit-Resource-Until": new Date(window.until).toUTCString(),
    };
    return { allowed, headers };
  };

  const handle = async (req: SandboxRequest): Promise<SandboxResponse> => {
    let route: (typeof ROUTES)[number] | undefined;
    let m: RegExpExecArray | null = null;
    for (const r of ROUTES) {
      m = r.pattern.exec(req.path);
      if (m) {
        route = r;
        break;
      }
    }
    if (!route || !m) return error(404, "NOT_FOUND", "Resource not found");
    if (req.method !== route.http) return error(405, "METHOD_NOT_ALLOWED", `Request method '${req.method}' not supported`);
    const apiKey = req.headers["api-key"];
    const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
    if (!key) return error(401, "UNAUTHORIZED", "Missing Api-Key header");
    const businessId = Number(m[1]);
    const keyOwner = [...world.businesses.values()].find((b) => b.apiKey === key);
    if (!keyOwner) return error(401, "UNAUTHORIZED", "Api-Key is invalid or expired");
    if (keyOwner.businessId !== businessId) return error(403, "FORBIDDEN", `Access denied to business ${businessId}`);
    const business = keyOwner;
    arrivals.set(route.method, [...(arrivals.get(route.method) ?? []), now()]);

    const running = (inFlight.get(businessId) ?? 0) + 1;
    if (running > maxParallel) {
      return error(420, "ENHANCE_YOUR_CALM", `Hit rate limit of ${maxParallel} parallel requests for businessId ${businessId}`);
    }
    inFlight.set(businessId, running);
    peak.set(businessId, Math.max(peak.get(businessId) ?? 0, running));
    try {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const quota = spendQuota(businessId, route.method);
      if (!quota.allowed) {
        return {
          ...error(420, "ENHANCE_YOUR_CALM", `Hit resource limit of ${hourly![route.method]} requests per hour for this method`),
          headers: quota.headers,
        };
      }
      try {
        const result = handlers[route.method](business, req) as Record<string, unknown> | null;
        // null: the spec's "empty response" (goods-questions/update when updating or deleting).
        if (result === null) return { status: 200, headers: quota.headers, body: "" };
        const transform = transforms.get(route.method);
        return { status: 200, headers: quota.headers, json: transform ? transform(result) : result };
      } catch (err) {
        if (err instanceof YmError) return { ...error(err.status, err.code, err.message), headers: quota.headers };
        throw err;
      }
    } finally {
      inFlight.set(businessId, (inFlight.get(businessId) ?? 1) - 1);
    }
  };

  const server = await startHttpServer(handle, { port: options.port, host: options.host, faults, stats: requests });

  const businessOf = (id?: number) => {
    const b = world.businesses.get(id ?? firstId);
    if (!b) throw new Error(`Yandex Market sandbox: unknown business ${id}`);
    return b;
  };

  return {
    url: server.url,
    credentials: { apiKey: businessOptions[0]!.apiKey, businessId: firstId },
    businesses: businessOptions.map((b) => ({ apiKey: b.apiKey, businessId: b.businessId })),
    close: () => server.close(),
    business: businessOf,
    addCustomerMessage(input = {}) {
      const business = businessOf(input.businessId);
      let chat = input.chatId !== undefined ? business.chats.find((c) => c.id === input.chatId) : undefined;
      if (input.chatId !== undefined && !chat) throw new Error(`Yandex Market sandbox: unknown chat ${input.chatId}`);
      chat ??= newChat(business, now(), input.type ?? "DIRECT");
      const files = input.files ?? [];
      const text = input.text ?? (files.length > 0 ? "" : ru.chatLine(rng));
      const message = post(chat, "CUSTOMER", text, now(), files);
      return { chat, message };
    },
    addMarketMessage(input) {
      const chat = businessOf(input.businessId).chats.find((c) => c.id === input.chatId);
      if (!chat) throw new Error(`Yandex Market sandbox: unknown chat ${input.chatId}`);
      return post(chat, input.sender ?? "MARKET", input.text, now());
    },
    addFeedback(input = {}) {
      return newFeedback(businessOf(input.businessId), now(), input);
    },
    addQuestion(input = {}) {
      return newQuestion(businessOf(input.businessId), now(), input.text);
    },
    setResponseTransform(method, transform) {
      if (transform) transforms.set(method, transform);
      else transforms.delete(method);
    },
    setSparse(on) {
      sparse = on;
    },
    faults,
    stats: {
      requests,
      maxInFlight: (id) => peak.get(id ?? firstId) ?? 0,
      repliesReceived: (itemId) => [...(replies.get(String(itemId)) ?? [])],
      arrivals: (method) => [...(arrivals.get(method) ?? [])],
      reset() {
        requests.reset();
        replies.clear();
        peak.clear();
        arrivals.clear();
      },
    },
  };
}
