// The Yandex Market Partner API sandbox (chats): same paths, Api-Key header, {status, result} /
// {status: "ERROR", errors[]} bodies, 4 parallel requests per business (HTTP 420), hourly
// per-method quotas (HTTP 429) and seeded Russian data that tests can grow while it runs.
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
import type { YmChatStatus, YmChatType, YmSandboxBusiness, YmSandboxChat, YmSandboxMessage, YmSandboxWorld } from "./model";

export interface YmSandboxBusinessOptions {
  businessId: number;
  apiKey: string;
  /** Seeded chats. Default: the sandbox-wide size. */
  chats?: number;
}

export interface YandexMarketSandboxOptions {
  port?: number;
  host?: string;
  /** Default 42. */
  seed?: number;
  /** Seeded chats per business. Default 25. */
  chats?: number;
  /** Upper bound of seeded messages per chat. Default 5. */
  messagesPerChat?: number;
  /** Default: DEMO_YANDEX_MARKET_BUSINESSES. */
  businesses?: YmSandboxBusinessOptions[];
  /** Parallel requests per business before HTTP 420. Default 4; false disables. */
  maxParallel?: number | false;
  /** Hourly quotas per method and business (reference §3); false disables. */
  hourlyLimits?: false | Partial<Record<YmMethod, number>>;
  /** Artificial processing time per request (makes the parallel limit observable). Default 0. */
  latencyMs?: number;
  now?: () => number;
  /** Seeded chats are spread over the 30 days before this instant. Default 2026-10-01T00:00:00Z. */
  epoch?: string;
}

export type YmMethod = "chats" | "history" | "message" | "chat";

/** Documented hourly limits; GET …/chat is undocumented and assumed 10 000 (unconfirmed). */
export const YM_HOURLY_LIMITS: Record<YmMethod, number> = { chats: 5000, history: 10000, message: 1000, chat: 10000 };

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
  addCustomerMessage(input?: { businessId?: number; chatId?: number; text?: string; type?: YmChatType }): {
    chat: YmSandboxChat;
    message: YmSandboxMessage;
  };
  /** Rewrites successful responses of one method (schema-drift tests); undefined removes it. */
  setResponseTransform(method: YmMethod, transform: ((body: Record<string, unknown>) => unknown) | undefined): void;
  faults: FaultInjector;
  stats: {
    requests: RequestStats;
    /** Highest number of requests one business had in flight at once. */
    maxInFlight(businessId?: number): number;
    repliesReceived(chatId: string | number): string[];
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

const error = (status: number, code: string, message: string): SandboxResponse => ({
  status,
  json: { status: "ERROR", errors: [{ code, message }] },
});

const ROUTE = /^\/v2\/businesses\/(\d+)\/(chats|chats\/history|chats\/message|chat)$/;
const METHOD_OF: Record<string, { method: YmMethod; http: "GET" | "POST" }> = {
  chats: { method: "chats", http: "POST" },
  "chats/history": { method: "history", http: "POST" },
  "chats/message": { method: "message", http: "POST" },
  chat: { method: "chat", http: "GET" },
};

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

export async function startYandexMarketSandbox(options: YandexMarketSandboxOptions = {}): Promise<YandexMarketSandbox> {
  const seed = options.seed ?? 42;
  const rng = new SeededRandom(seed);
  const now = options.now ?? Date.now;
  const epochMs = Date.parse(options.epoch ?? "2026-10-01T00:00:00Z");
  const world: YmSandboxWorld = { businesses: new Map(), nextChatId: 34_512_001, nextMessageId: 901_000_001, nextSeq: 1 };
  const replies = new Map<string, string[]>();
  const transforms = new Map<YmMethod, (body: Record<string, unknown>) => unknown>();
  const inFlight = new Map<number, number>();
  const peak = new Map<number, number>();
  const limiter = new ServerRateLimiter(1, now);
  const hourly = options.hourlyLimits === false ? undefined : { ...YM_HOURLY_LIMITS, ...options.hourlyLimits };
  const maxParallel = options.maxParallel === false ? Infinity : (options.maxParallel ?? 4);
  const requests = new RequestStats();
  const faults = new FaultInjector(
    {
      // Yandex's characteristic limit answer is 420 Enhance Your Calm.
      tooManyRequests: () => error(420, "ENHANCE_YOUR_CALM", "Hit rate limit of 4 parallel requests"),
      serverError: () => error(500, "INTERNAL_ERROR", "Internal server error"),
    },
    seed,
  );

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

  const post = (chat: YmSandboxChat, sender: YmSandboxMessage["sender"], text: string, at: number): YmSandboxMessage => {
    const prev = chat.messages.at(-1);
    const ms = Math.max(at, prev ? Date.parse(prev.createdAt) + 1 : 0);
    const message: YmSandboxMessage = { id: world.nextMessageId++, createdAt: moscowIso(ms), sender, text };
    chat.messages.push(message);
    chat.updatedAt = message.createdAt;
    const status: YmChatStatus = sender === "PARTNER" ? "WAITING_FOR_CUSTOMER" : chat.messages.length === 1 ? "NEW" : "WAITING_FOR_PARTNER";
    chat.status = status;
    return message;
  };

  const businessOptions = options.businesses ?? DEMO_YANDEX_MARKET_BUSINESSES;
  const perChat = Math.max(1, options.messagesPerChat ?? 5);
  for (const b of businessOptions) {
    const business: YmSandboxBusiness = { businessId: b.businessId, apiKey: b.apiKey, campaignId: b.businessId * 10 + 1, chats: [] };
    world.businesses.set(b.businessId, business);
    const count = b.chats ?? options.chats ?? 25;
    const starts = Array.from({ length: count }, () => epochMs - rng.int(1, 30 * 24 * 3600_000)).sort((x, y) => x - y);
    for (const start of starts) {
      const chat = newChat(business, start, rng.pick(["ORDER", "ORDER", "RETURN", "DIRECT"] as const));
      let t = start;
      const n = rng.int(1, perChat);
      for (let i = 0; i < n; i++) {
        const partner = i > 0 && rng.chance(0.45);
        post(chat, partner ? "PARTNER" : "CUSTOMER", partner ? ru.sellerReply(rng) : ru.chatLine(rng), t);
        t += rng.int(60_000, 3_600_000);
      }
      if (rng.chance(0.1)) chat.status = "FINISHED";
    }
  }
  const firstId = businessOptions[0]!.businessId;

  const chatJson = (c: YmSandboxChat) => ({
    chatId: c.id,
    ...(c.orderId !== undefined ? { orderId: c.orderId } : {}),
    context: {
      type: c.type,
      customer: { name: c.customerName, publicId: c.customerPublicId },
      campaignId: c.campaignId,
      ...(c.orderId !== undefined ? { orderId: c.orderId } : {}),
      ...(c.returnId !== undefined ? { returnId: c.returnId } : {}),
    },
    type: "CHAT",
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });

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

  const handlers: Record<YmMethod, (business: YmSandboxBusiness, req: SandboxRequest) => unknown> = {
    chats: (business, req) => {
      const limit = intParam(req, "limit", 1, 20, 10)!;
      const after = decodeToken(req.query.get("pageToken"));
      const body = readBody(req);
      const statuses = Array.isArray(body.statuses) ? body.statuses.map(String) : undefined;
      const types = Array.isArray(body.types) ? body.types.map(String) : undefined;
      const matching = business.chats
        .filter((c) => c.seq > after)
        .filter((c) => !statuses || statuses.includes(c.status))
        .filter((c) => !types || types.includes(c.type))
        .sort((a, b) => a.seq - b.seq);
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      return {
        status: "OK",
        result: {
          chats: page.map(chatJson),
          paging: matching.length > page.length && last ? { nextPageToken: encodeToken(last.seq) } : {},
        },
      };
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
      return {
        status: "OK",
        result: {
          ...(chat.orderId !== undefined ? { orderId: chat.orderId } : {}),
          context: chatJson(chat).context,
          messages: page.map((m) => ({ messageId: m.id, createdAt: m.createdAt, sender: m.sender, message: m.text })),
          paging: rest.length > page.length && last ? { nextPageToken: encodeToken(last.id) } : {},
        },
      };
    },
    message: (business, req) => {
      const chat = findChat(business, req);
      const body = readBody(req);
      const text = typeof body.message === "string" ? body.message : "";
      const len = [...text].length;
      if (len < 1 || len > 4096) throw new YmError(400, "BAD_REQUEST", `message: size must be between 1 and 4096`);
      if (chat.status === "FINISHED") throw new YmError(400, "BAD_REQUEST", "Chat is finished");
      post(chat, "PARTNER", text, now());
      const key = String(chat.id);
      replies.set(key, [...(replies.get(key) ?? []), text]);
      return { status: "OK" };
    },
    chat: (business, req) => ({ status: "OK", result: chatJson(findChat(business, req)) }),
  };

  const handle = async (req: SandboxRequest): Promise<SandboxResponse> => {
    const m = ROUTE.exec(req.path);
    if (!m) return error(404, "NOT_FOUND", "Resource not found");
    const route = METHOD_OF[m[2]!]!;
    if (req.method !== route.http) return error(405, "METHOD_NOT_ALLOWED", `Request method '${req.method}' not supported`);
    const apiKey = req.headers["api-key"];
    const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
    if (!key) return error(401, "UNAUTHORIZED", "Missing Api-Key header");
    const businessId = Number(m[1]);
    const keyOwner = [...world.businesses.values()].find((b) => b.apiKey === key);
    if (!keyOwner) return error(401, "UNAUTHORIZED", "Api-Key is invalid or expired");
    if (keyOwner.businessId !== businessId) return error(403, "FORBIDDEN", `Access denied to business ${businessId}`);
    const business = keyOwner;

    const running = (inFlight.get(businessId) ?? 0) + 1;
    if (running > maxParallel) return error(420, "ENHANCE_YOUR_CALM", `Hit rate limit of ${maxParallel} parallel requests`);
    inFlight.set(businessId, running);
    peak.set(businessId, Math.max(peak.get(businessId) ?? 0, running));
    try {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      if (hourly) {
        const quota = hourly[route.method];
        const check = limiter.check(`${businessId}:${route.method}`, { limit: quota, periodMs: 3600_000, burst: quota });
        if (!check.allowed) {
          return error(429, "LIMIT_EXCEEDED", `Hourly limit of ${quota} requests for this method is exceeded`);
        }
      }
      const result = handlers[route.method](business, req) as Record<string, unknown>;
      const transform = transforms.get(route.method);
      return { status: 200, json: transform ? transform(result) : result };
    } catch (err) {
      if (err instanceof YmError) return error(err.status, err.code, err.message);
      throw err;
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
      const message = post(chat, "CUSTOMER", input.text ?? ru.chatLine(rng), now());
      return { chat, message };
    },
    setResponseTransform(method, transform) {
      if (transform) transforms.set(method, transform);
      else transforms.delete(method);
    },
    faults,
    stats: {
      requests,
      maxInFlight: (id) => peak.get(id ?? firstId) ?? 0,
      repliesReceived: (chatId) => [...(replies.get(String(chatId)) ?? [])],
      reset() {
        requests.reset();
        replies.clear();
        peak.clear();
      },
    },
  };
}
