// The Ozon Seller API sandbox: a local HTTP server speaking the same paths, headers, status codes
// and rpcStatus error bodies as https://api-seller.ozon.ru, over a seeded in-memory world that
// tests can grow while it runs (new reviews, questions, buyer messages).
import { parseJsonBigintSafe } from "../../core/json";
import {
  FaultInjector,
  RequestStats,
  SeededRandom,
  ServerRateLimiter,
  ru,
  startHttpServer,
  type SandboxRequest,
  type SandboxResponse,
} from "../../sandbox/kit";
import { sandboxMediaLink, type SandboxMediaOptions } from "../../sandbox/media";
import { OZON_ROUTES, OzonApiError, type HandlerContext } from "./handlers";
import {
  FIRST_MESSAGE_ID,
  allocateMessageId,
  allocateSeq,
  findChat,
  findQuestion,
  findReview,
  lastMessage,
  type ModerationState,
  type OzonSubscriptions,
  type SandboxAccount,
  type SandboxChat,
  type SandboxChatMessage,
  type SandboxQuestion,
  type SandboxReview,
  type SandboxWorld,
} from "./model";
import { seedAccount, type OzonSeedSize } from "./seed";

export interface OzonSandboxAccountOptions {
  clientId: string;
  apiKey: string;
  sellerName?: string;
  /** Missing keys default to true. */
  subscriptions?: Partial<OzonSubscriptions>;
  /** Overrides the sandbox-wide size for this account. */
  size?: OzonSeedSize;
}

export interface OzonSandboxOptions extends SandboxMediaOptions {
  port?: number;
  host?: string;
  /** Seed of every generated id and text. Default 42. */
  seed?: number;
  size?: OzonSeedSize;
  /** Default: DEMO_OZON_ACCOUNTS (one full account, one without the review subscription). */
  accounts?: OzonSandboxAccountOptions[];
  /** Server-side limit per Client-Id; Ozon's is 50 rps. false disables it. */
  rateLimit?: false | { perSecond: number; burst?: number };
  /**
   * "publish": a new review comment passes moderation `moderationDelayMs` after it was created
   * (question answers are listed at once); "hold": answers wait until moderateAnswer. Default "publish".
   */
  moderation?: "publish" | "hold";
  /**
   * How long a new review comment stays hidden from /v1/review/comment/list (sandbox clock `now`).
   * Default 30 minutes, as real moderation takes; tests shorten it or move the clock.
   */
  moderationDelayMs?: number;
  /** Clock of items added at runtime. Default Date.now. */
  now?: () => number;
  /** Seeded items are spread over the 60 days before this instant. Default 2026-10-01T00:00:00Z. */
  epoch?: string;
}

export const DEMO_OZON_ACCOUNTS: readonly OzonSandboxAccountOptions[] = [
  { clientId: "100001", apiKey: "ozon-sandbox-demo-key", sellerName: "ООО «Демо Продавец»" },
  {
    clientId: "100002",
    apiKey: "ozon-sandbox-basic-key",
    sellerName: "ИП Без Подписки",
    subscriptions: { reviews: false },
  },
];

export interface OzonCredentialsPair {
  clientId: string;
  apiKey: string;
}

export type OzonReplyChannel = "chat" | "review" | "question";

export interface AddReviewInput {
  clientId?: string;
  text?: string;
  rating?: number;
  sku?: number;
  orderStatus?: SandboxReview["orderStatus"];
}

export interface AddQuestionInput {
  clientId?: string;
  text?: string;
  sku?: number;
  authorName?: string;
}

export interface AddBuyerMessageInput {
  clientId?: string;
  /** Existing chat; omitted → a new buyer chat is opened. */
  chatId?: string;
  /** Type of a newly opened chat. Default BUYER_SELLER. */
  chatType?: "BUYER_SELLER" | "BUYER_SELLER_SELECT";
  text?: string;
  /** Who writes: the buyer (default), or Ozon's notices (crm), its support or a courier. */
  from?: "customer" | "crm" | "support" | "courier";
}

export interface OzonSandbox {
  url: string;
  /** Credentials of the first account (the demo seller with every subscription). */
  credentials: OzonCredentialsPair;
  accounts: OzonCredentialsPair[];
  close(): Promise<void>;
  /** Live data of an account (default: the first), for assertions. */
  account(clientId?: string): SandboxAccount;
  addReview(input?: AddReviewInput): SandboxReview;
  addQuestion(input?: AddQuestionInput): SandboxQuestion;
  addBuyerMessage(input?: AddBuyerMessageInput): { chat: SandboxChat; message: SandboxChatMessage };
  setSubscriptions(clientId: string, subscriptions: Partial<OzonSubscriptions>): void;
  setModeration(mode: "publish" | "hold"): void;
  setModerationDelay(ms: number): void;
  /**
   * On: every 200 body leaves out each field the spec marks optional, keeping only what addresses a
   * record or a page (see SPARSE_KEPT), and those too when zero-valued, as proto3 JSON omits them.
   */
  setSparse(on: boolean): void;
  /** Sets the moderation state of the seller's latest answer to a review or question. */
  moderateAnswer(channel: "review" | "question", itemId: string, state: ModerationState): void;
  /** Empties an account's rate-limit bucket so its next request gets 429 code 8. */
  exhaustRateLimit(clientId?: string): void;
  faults: FaultInjector;
  /**
   * Rewrites successful responses of one path before they are sent (schema-drift tests);
   * undefined removes the rewrite.
   */
  setResponseTransform(path: string, transform: ((body: Record<string, unknown>) => unknown) | undefined): void;
  stats: {
    requests: RequestStats;
    /** Reply texts accepted per item, in order, keyed "chat:<id>" | "review:<id>" | "question:<id>". */
    replies: Map<string, string[]>;
    /** How many replies an item received: 1 proves "delivered exactly once". */
    repliesTo(channel: OzonReplyChannel, itemId: string): number;
    repliesReceived(channel: OzonReplyChannel, itemId: string): string[];
    reset(): void;
  };
}

const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
  status,
  json: body,
  headers,
});

export const DEFAULT_MODERATION_DELAY_MS = 30 * 60_000;

/**
 * Fields a sparse response keeps. The spec marks no response property required; these are the ones
 * without which a record cannot be addressed (ids), a chat cannot be classified (its type is an
 * enum, omitted only when UNSPECIFIED) or the next page cannot be asked for.
 */
const SPARSE_KEPT = new Set([
  "chats",
  "chat",
  "chat_id",
  "chat_type",
  "messages",
  "message_id",
  "reviews",
  "comments",
  "questions",
  "answers",
  "id",
  "comment_id",
  "answer_id",
  "cursor",
  "has_next",
  "last_id",
  "offset",
]);

function isZeroValue(v: unknown): boolean {
  return v === null || v === false || v === "" || v === 0 || v === 0n || (Array.isArray(v) && v.length === 0);
}

/** The response as a server omitting every optional field would send it. */
function sparsify(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sparsify);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!SPARSE_KEPT.has(key) || isZeroValue(v)) continue;
    out[key] = sparsify(v);
  }
  return out;
}

const RATE_LIMIT_BODY = { code: 8, message: "You have reached request rate limit per second", details: [] };

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function startOzonSandbox(options: OzonSandboxOptions = {}): Promise<OzonSandbox> {
  const seed = options.seed ?? 42;
  const rng = new SeededRandom(seed);
  const now = options.now ?? Date.now;
  const epochMs = Date.parse(options.epoch ?? "2026-10-01T00:00:00Z");
  let moderation = options.moderation ?? "publish";
  let moderationDelayMs = options.moderationDelayMs ?? DEFAULT_MODERATION_DELAY_MS;
  let sparse = false;
  const world: SandboxWorld = { accounts: new Map(), nextMessageId: FIRST_MESSAGE_ID, nextSeq: 1 };

  const accountOptions = options.accounts ?? DEMO_OZON_ACCOUNTS;
  if (accountOptions.length === 0) throw new Error("startOzonSandbox: at least one account is required");
  for (const a of accountOptions) {
    const account: SandboxAccount = {
      clientId: a.clientId,
      apiKey: a.apiKey,
      sellerName: a.sellerName ?? `Продавец ${a.clientId}`,
      subscriptions: { reviews: true, questions: true, chats: true, ...a.subscriptions },
      chats: [],
      reviews: [],
      questions: [],
    };
    seedAccount(world, account, rng, { ...options.size, ...a.size }, epochMs);
    world.accounts.set(a.clientId, account);
  }
  const firstClientId = accountOptions[0]!.clientId;

  const limiter = new ServerRateLimiter();
  const rate = options.rateLimit === false ? undefined : { perSecond: options.rateLimit?.perSecond ?? 50, burst: options.rateLimit?.burst };
  const replies = new Map<string, string[]>();
  const transforms = new Map<string, (body: Record<string, unknown>) => unknown>();
  const requests = new RequestStats();
  const faults = new FaultInjector(
    {
      tooManyRequests: () => json(429, RATE_LIMIT_BODY),
      serverError: () => json(500, { code: 13, message: "Internal error", details: [] }),
    },
    seed,
  );

  const ctxFor = (account: SandboxAccount): HandlerContext => ({
    world,
    account,
    now,
    uuid: () => rng.uuid(),
    moderation,
    moderationDelayMs,
    countReply: (key, text) => replies.set(key, [...(replies.get(key) ?? []), text]),
    media: (cdnUrl) => sandboxMediaLink(cdnUrl, options.mediaBaseUrl),
  });

  const handle = (req: SandboxRequest): SandboxResponse => {
    const route = OZON_ROUTES[req.path];
    if (!route) return json(404, { code: 5, message: "Not Found", details: [] });
    if (req.method !== "POST") return json(405, { code: 12, message: "Method Not Allowed", details: [] });
    const clientId = header(req, "client-id");
    const apiKey = header(req, "api-key");
    // The 50 rps budget is per Client-Id and is spent before anything else is looked at.
    if (rate) {
      const check = limiter.check(`ozon:${clientId ?? "-"}`, {
        limit: rate.perSecond,
        periodMs: 1000,
        burst: rate.burst ?? rate.perSecond,
      });
      if (!check.allowed) return json(429, RATE_LIMIT_BODY);
    }
    if (!clientId || !apiKey) {
      return json(401, { code: 16, message: "Client-Id and Api-Key headers are required", details: [] });
    }
    const account = world.accounts.get(clientId);
    if (!account || account.apiKey !== apiKey) {
      return json(403, { code: 7, message: "Invalid Api-Key, please contact support", details: [] });
    }
    let body: unknown;
    try {
      const text = req.rawBody.toString("utf8");
      body = text.trim() === "" ? {} : parseJsonBigintSafe(text);
    } catch {
      return json(400, { code: 3, message: "Request validation error: invalid JSON body", details: [] });
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      return json(400, { code: 3, message: "Request validation error: body must be a JSON object", details: [] });
    }
    try {
      const result = route(body as Record<string, unknown>, ctxFor(account)) as Record<string, unknown>;
      const transform = transforms.get(req.path);
      const sent = sparse ? (sparsify(result) as Record<string, unknown>) : result;
      return json(200, transform ? transform(sent) : sent);
    } catch (err) {
      if (err instanceof OzonApiError) return json(err.status, err.toBody());
      throw err;
    }
  };

  const server = await startHttpServer(handle, { port: options.port, host: options.host, faults, stats: requests });

  const accountOf = (clientId?: string): SandboxAccount => {
    const a = world.accounts.get(clientId ?? firstClientId);
    if (!a) throw new Error(`Ozon sandbox: unknown account ${clientId}`);
    return a;
  };
  /** Runtime items are stamped now, never before the newest existing item. */
  const stamp = (previous: string | undefined) => new Date(Math.max(now(), previous ? Date.parse(previous) + 1 : 0)).toISOString();

  return {
    url: server.url,
    credentials: { clientId: accountOptions[0]!.clientId, apiKey: accountOptions[0]!.apiKey },
    accounts: accountOptions.map((a) => ({ clientId: a.clientId, apiKey: a.apiKey })),
    close: () => server.close(),
    account: accountOf,
    addReview(input = {}) {
      const account = accountOf(input.clientId);
      const generated = ru.review(rng);
      const review: SandboxReview = {
        id: rng.uuid(),
        seq: allocateSeq(world),
        sku: input.sku ?? rng.int(100_000_000, 999_999_999),
        text: input.text ?? generated.text,
        rating: input.rating ?? generated.rating,
        publishedAt: stamp(account.reviews[account.reviews.length - 1]?.publishedAt),
        status: "NEW",
        orderStatus: input.orderStatus ?? "DELIVERED",
        photos: [],
        videos: [],
        comments: [],
      };
      account.reviews.push(review);
      return review;
    },
    addQuestion(input = {}) {
      const account = accountOf(input.clientId);
      const question: SandboxQuestion = {
        id: rng.uuid(),
        seq: allocateSeq(world),
        sku: input.sku ?? rng.int(100_000_000, 999_999_999),
        productName: ru.productName(rng),
        text: input.text ?? ru.question(rng),
        authorName: input.authorName ?? ru.personName(rng),
        publishedAt: stamp(account.questions[account.questions.length - 1]?.publishedAt),
        status: "NEW",
        answers: [],
      };
      account.questions.push(question);
      return question;
    },
    addBuyerMessage(input = {}) {
      const account = accountOf(input.clientId);
      let chat = input.chatId ? findChat(account, input.chatId) : undefined;
      if (input.chatId && !chat) throw new Error(`Ozon sandbox: unknown chat ${input.chatId}`);
      if (!chat) {
        chat = {
          id: rng.uuid(),
          type: input.chatType ?? "BUYER_SELLER",
          status: "OPENED",
          createdAt: stamp(undefined),
          seq: allocateSeq(world),
          messages: [],
          sellerReadUpTo: 0n,
        };
        account.chats.push(chat);
      }
      const previous = lastMessage(chat);
      const from = input.from ?? "customer";
      const message: SandboxChatMessage = {
        id: allocateMessageId(world),
        createdAt: stamp(previous?.createdAt ?? chat.createdAt),
        userType: from,
        // A buyer keeps one id through the chat; Ozon's own senders are named by their type.
        userId: from !== "customer" ? from : previous?.userType === "customer" ? previous.userId : String(rng.int(10_000_000, 99_999_999)),
        text: input.text ?? ru.chatLine(rng),
      };
      chat.status = "OPENED";
      chat.messages.push(message);
      return { chat, message };
    },
    setSubscriptions(clientId, subscriptions) {
      Object.assign(accountOf(clientId).subscriptions, subscriptions);
    },
    setModeration(mode) {
      moderation = mode;
    },
    setModerationDelay(ms) {
      moderationDelayMs = ms;
    },
    setSparse(on) {
      sparse = on;
    },
    moderateAnswer(channel, itemId, state) {
      for (const account of world.accounts.values()) {
        if (channel === "review") {
          const owner = findReview(account, itemId)
            ?.comments.filter((c) => c.isOwner)
            .pop();
          if (owner) {
            owner.moderation = state;
            owner.publishAt = null;
            return;
          }
        } else {
          const answer = findQuestion(account, itemId)?.answers.at(-1);
          if (answer) {
            answer.statusPublication =
              state === "published" ? "PUBLISHED" : state === "pending" ? "AWAITING_MODERATION" : "MODERATION_FAILED";
            return;
          }
        }
      }
      throw new Error(`Ozon sandbox: no seller answer on ${channel} ${itemId}`);
    },
    exhaustRateLimit(clientId) {
      limiter.exhaust(`ozon:${clientId ?? firstClientId}`);
    },
    setResponseTransform(path, transform) {
      if (transform) transforms.set(path, transform);
      else transforms.delete(path);
    },
    faults,
    stats: {
      requests,
      replies,
      repliesTo: (channel, itemId) => replies.get(`${channel}:${itemId}`)?.length ?? 0,
      repliesReceived: (channel, itemId) => [...(replies.get(`${channel}:${itemId}`) ?? [])],
      reset() {
        requests.reset();
        replies.clear();
      },
    },
  };
}
