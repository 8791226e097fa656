// Building blocks shared by every marketplace sandbox: an HTTP harness on node:http, body
// parsing, a seeded PRNG with Russian text generators, a server-side token bucket and runtime
// fault injection with request counters. Everything random flows from one seed.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// ---------------------------------------------------------------------------------------------
// HTTP harness

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string | number>;
  /** Serialised with JSON.stringify unless `body` is set. bigint values become bare JSON numbers. */
  json?: unknown;
  body?: string | Buffer;
}

export type SandboxHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface StartHttpServerOptions {
  port?: number;
  host?: string;
  faults?: FaultInjector;
  stats?: RequestStats;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(handler: SandboxHandler, opts: StartHttpServerOptions = {}): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void serve(req, res, handler, opts).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: String((err as Error)?.message ?? err) }));
      } else res.destroy();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: SandboxHandler, opts: StartHttpServerOptions) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const url = new URL(req.url ?? "/", "http://sandbox");
  const sreq: SandboxRequest = {
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: Buffer.concat(chunks),
  };
  const stats = opts.stats;
  const fault = opts.faults?.before(sreq);
  if (fault === "drop") {
    stats?.record(sreq, 0);
    req.socket.destroy();
    return;
  }
  let out = fault && typeof fault === "object" ? fault : await handler(sreq);
  const after = opts.faults?.after(sreq, out);
  if (after?.delayMs) await new Promise((r) => setTimeout(r, after.delayMs));
  if (after?.response) out = after.response;
  stats?.record(sreq, out.status);
  const headers: Record<string, string | number> = { ...out.headers };
  let body: string | Buffer | undefined = out.body;
  if (body === undefined && out.json !== undefined) {
    body = stringifyJson(out.json);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  if (after?.malformed && body !== undefined && body.length > 2) {
    // Cut the body mid-way: the client sees invalid JSON with a 200 status.
    body = typeof body === "string" ? body.slice(0, Math.floor(body.length / 2)) : body.subarray(0, Math.floor(body.length / 2));
  }
  res.writeHead(out.status, headers);
  res.end(body);
}

/** JSON.stringify that writes bigint as a bare number (how uint64 ids appear on the wire). */
export function stringifyJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") {
      marks.push(v.toString());
      return `\u0000big${marks.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}

// ---------------------------------------------------------------------------------------------
// Body parsing

export class BodyParseError extends Error {}

export function parseJsonBody(req: SandboxRequest): unknown {
  const text = req.rawBody.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyParseError(`invalid JSON body`);
  }
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Parses multipart/form-data; returns null when the content type is not multipart. */
export function parseMultipart(req: SandboxRequest): MultipartPart[] | null {
  const ct = String(req.headers["content-type"] ?? "");
  const m = /multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
  if (!m) return null;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const body = req.rawBody;
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(boundary, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after boundary and before the next
    const sep = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, sep).toString("utf8");
    const data = part.subarray(sep + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? "";
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
    parts.push({ name, filename, contentType, data });
    pos = next;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and Russian text

const HEX_DIGITS = "0123456789abcdef";

/** mulberry32: tiny, fast, deterministic. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let t = (this.state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Deterministic UUID v4-shaped string. */
  uuid(): string {
    // Joined once from single characters: a template of slices would keep a tree of ~10 string
    // pieces per id alive (~300 bytes instead of 56), which a million seeded reviews pay for.
    const chars: string[] = [];
    for (let i = 0; i < 32; i++) {
      const digit = HEX_DIGITS[Math.floor(this.next() * 16)]!;
      if (i === 8 || i === 12 || i === 16 || i === 20) chars.push("-");
      chars.push(i === 12 ? "4" : i === 16 ? "a" : digit);
    }
    return chars.join("");
  }
  /** Alphanumeric id like WB feedback ids ("dfs8SD8s9d8a"). */
  token(length = 20): string {
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return Array.from({ length }, () => abc[Math.floor(this.next() * abc.length)]).join("");
  }
}

const FIRST_NAMES = [
  "Анна",
  "Мария",
  "Елена",
  "Ольга",
  "Татьяна",
  "Наталья",
  "Ирина",
  "Светлана",
  "Дмитрий",
  "Алексей",
  "Сергей",
  "Андрей",
  "Иван",
  "Михаил",
  "Никита",
  "Екатерина",
  "Юлия",
  "Павел",
  "Ксения",
  "Артём",
];
const LAST_INITIALS = ["А.", "Б.", "В.", "Г.", "Д.", "Е.", "К.", "М.", "С.", "Т."];
const PRODUCT_KINDS = [
  "Футболка",
  "Платье",
  "Кроссовки",
  "Рюкзак",
  "Чайник",
  "Наушники",
  "Сковорода",
  "Куртка",
  "Плед",
  "Термокружка",
  "Органайзер",
  "Настольная лампа",
  "Джинсы",
  "Увлажнитель воздуха",
  "Коврик для йоги",
];
const PRODUCT_ADJ = [
  "хлопковая",
  "женское",
  "беговые",
  "городской",
  "электрический",
  "беспроводные",
  "антипригарная",
  "демисезонная",
  "флисовый",
  "стальная",
  "складной",
  "светодиодная",
  "прямые",
  "ультразвуковой",
  "нескользящий",
];
const BRANDS = ["Северный ветер", "Уют Дом", "СпортЛайн", "TechNova", "Мягкий Лис", "КухняПро"];
const PROS = [
  "Отличное качество",
  "Быстрая доставка",
  "Соответствует описанию",
  "Приятный материал",
  "Хорошо упакован",
  "Удобный размер",
  "Цена радует",
];
const CONS = ["Маломерит", "Запах от упаковки", "Долгая доставка", "Цвет отличается от фото", "Тонкий материал", "Нет инструкции", "Нет"];
const REVIEW_OPENERS = [
  "Заказываю не первый раз.",
  "Брала в подарок.",
  "Пользуюсь уже неделю.",
  "Сначала сомневался, но",
  "Очень долго выбирала.",
  "Коротко:",
];
const REVIEW_BODIES = [
  "всё пришло целым, качество на высоте",
  "товар соответствует описанию, рекомендую",
  "размер подошёл идеально",
  "есть небольшие недочёты, но за свои деньги отлично",
  "к сожалению, пришёл брак, пришлось вернуть",
  "муж доволен, будем брать ещё",
  "цвет немного темнее, чем на фото",
];
const QUESTIONS = [
  "Подскажите, пожалуйста, какой размер выбрать при росте 170 см?",
  "Есть ли гарантия на этот товар?",
  "Из какого материала сделан товар?",
  "Подойдёт ли для посудомоечной машины?",
  "Когда будет поступление другого цвета?",
  "Какая длина шнура?",
  "Маломерит или большемерит?",
  "Можно ли стирать в машинке?",
];
const CHAT_LINES = [
  "Здравствуйте! Когда отправите мой заказ?",
  "Добрый день, пришёл не тот цвет, что делать?",
  "Можно ли поменять размер?",
  "Спасибо, всё получила!",
  "Подскажите, как оформить возврат?",
  "Товар пришёл с повреждённой упаковкой.",
  "А есть такой же, но побольше?",
  "Здравствуйте, трек-номер не отслеживается.",
];

/** "Брала в подарок." + "муж доволен" → "Брала в подарок. Муж доволен." (a new sentence starts upper-case). */
function reviewText(opener: string, body: string) {
  const key = `${opener}|${body}`;
  let text = REVIEW_TEXTS.get(key);
  if (text === undefined) {
    const next = opener.endsWith(".") ? body.charAt(0).toUpperCase() + body.slice(1) : body;
    text = `${opener} ${next}.`;
    REVIEW_TEXTS.set(key, text);
  }
  return text;
}
/** One string per opener and body: every seeded review shares it instead of holding its own copy. */
const REVIEW_TEXTS = new Map<string, string>();

export const ru = {
  personName: (r: SeededRandom) => `${r.pick(FIRST_NAMES)} ${r.pick(LAST_INITIALS)}`,
  firstName: (r: SeededRandom) => r.pick(FIRST_NAMES),
  brand: (r: SeededRandom) => r.pick(BRANDS),
  productName: (r: SeededRandom) => {
    const i = r.int(0, PRODUCT_KINDS.length - 1);
    return `${PRODUCT_KINDS[i]} ${PRODUCT_ADJ[i]}`;
  },
  review: (r: SeededRandom) => ({
    text: reviewText(r.pick(REVIEW_OPENERS), r.pick(REVIEW_BODIES)),
    pros: r.pick(PROS),
    cons: r.pick(CONS),
    rating: r.pick([1, 2, 3, 4, 4, 5, 5, 5, 5]),
  }),
  question: (r: SeededRandom) => r.pick(QUESTIONS),
  chatLine: (r: SeededRandom) => r.pick(CHAT_LINES),
  sellerReply: (r: SeededRandom) =>
    r.pick(["Спасибо за отзыв!", "Здравствуйте! Благодарим за обращение, уже разбираемся.", "Рады, что товар понравился!"]),
};

// ---------------------------------------------------------------------------------------------
// Server-side rate limiting

export interface ServerBucketConfig {
  /** Requests per period, i.e. the refill rate is limit/periodMs. */
  limit: number;
  periodMs: number;
  burst: number;
}

export interface RateCheck {
  allowed: boolean;
  /** Whole requests still available right now. */
  remaining: number;
  /** Seconds until one request is allowed again (0 when allowed). */
  retryAfterSec: number;
  /** Seconds until the burst is fully restored. */
  resetSec: number;
  limit: number;
}

/** Token buckets keyed by (account, group); `timeScale` > 1 speeds time up for fast tests. */
export class ServerRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; blockedUntil?: number }>();
  constructor(
    private readonly timeScale = 1,
    private readonly now: () => number = Date.now,
  ) {}

  check(key: string, cfg: ServerBucketConfig, cost = 1): RateCheck {
    const now = this.now() * this.timeScale;
    const rate = cfg.limit / cfg.periodMs; // tokens per (scaled) ms
    const b = this.buckets.get(key) ?? { tokens: cfg.burst, at: now };
    const toSec = (ms: number) => Math.max(0, Math.round((ms / this.timeScale / 1000) * 1000) / 1000);
    if (b.blockedUntil !== undefined && now < b.blockedUntil) {
      return {
        allowed: false,
        remaining: 0,
        retryAfterSec: toSec(b.blockedUntil - now),
        resetSec: toSec(b.blockedUntil - now),
        limit: cfg.burst,
      };
    }
    b.tokens = Math.min(cfg.burst, b.tokens + (now - (b.blockedUntil ?? b.at)) * rate);
    b.at = now;
    b.blockedUntil = undefined;
    this.buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return {
        allowed: true,
        remaining: Math.floor(b.tokens),
        retryAfterSec: 0,
        resetSec: toSec((cfg.burst - b.tokens) / rate),
        limit: cfg.burst,
      };
    }
    return {
      allowed: false,
      remaining: 0,
      retryAfterSec: toSec((cost - b.tokens) / rate),
      resetSec: toSec((cfg.burst - b.tokens) / rate),
      limit: cfg.burst,
    };
  }

  /**
   * Empties a bucket and keeps it empty for `forMs` (real time), e.g. to force the next requests
   * into a 429 however slowly a busy machine gets to send them.
   */
  exhaust(key: string, forMs = 1_000) {
    const now = this.now() * this.timeScale;
    this.buckets.set(key, { tokens: 0, at: now, blockedUntil: now + forMs * this.timeScale });
  }

  reset() {
    this.buckets.clear();
  }
}

/**
 * The rate-limit headers a marketplace sends for a check result. "wildberries": X-Ratelimit-Remaining
 * on normal responses; X-Ratelimit-Retry / -Limit / -Reset (seconds) on 429. "retry-after": the
 * standard Retry-After (seconds) on 429 only.
 */
export function rateLimitHeaders(style: "wildberries" | "retry-after", r: RateCheck): Record<string, string> {
  const sec = (s: number) => String(Math.round(s * 1000) / 1000);
  if (style === "retry-after") return r.allowed ? {} : { "Retry-After": String(Math.max(1, Math.ceil(r.retryAfterSec))) };
  if (r.allowed) return { "X-Ratelimit-Remaining": String(r.remaining) };
  return { "X-Ratelimit-Retry": sec(r.retryAfterSec), "X-Ratelimit-Limit": String(r.limit), "X-Ratelimit-Reset": sec(r.resetSec) };
}

// ---------------------------------------------------------------------------------------------
// Fault injection and counters

export interface FaultConfig {
  rate429?: number;
  rate5xx?: number;
  slowMs?: number;
  slowRate?: number;
  /** Destroy the socket without answering. */
  dropRate?: number;
  /** Answer 200 with a truncated (invalid) JSON body. */
  malformedRate?: number;
  /** Only requests whose path matches are affected. */
  pathPattern?: RegExp;
}

export type FaultKind = "429" | "5xx" | "drop" | "malformed" | "slow";

export interface FaultRenderers {
  /** The marketplace's 429 response (body + rate-limit headers). */
  tooManyRequests(req: SandboxRequest): SandboxResponse;
  serverError(req: SandboxRequest): SandboxResponse;
}

/** Random faults (seeded) plus exact queued faults ("the next 2 requests get 5xx"). */
export class FaultInjector {
  config: FaultConfig = {};
  private readonly queued: FaultKind[] = [];
  readonly injected: Record<FaultKind, number> = { "429": 0, "5xx": 0, drop: 0, malformed: 0, slow: 0 };
  private readonly random: SeededRandom;

  constructor(
    private readonly renderers: FaultRenderers,
    seed = 1,
  ) {
    this.random = new SeededRandom(seed ^ 0x5eed);
  }

  set(config: FaultConfig) {
    this.config = { ...this.config, ...config };
  }

  /** Queue exact faults for the next matching requests, in order. */
  queue(kind: FaultKind, count = 1) {
    for (let i = 0; i < count; i++) this.queued.push(kind);
  }

  reset() {
    this.config = {};
    this.queued.length = 0;
  }

  private matches(req: SandboxRequest) {
    return !this.config.pathPattern || this.config.pathPattern.test(req.path);
  }

  private roll(p: number | undefined) {
    return p !== undefined && p > 0 && this.random.next() < p;
  }

  private pending: WeakMap<SandboxRequest, FaultKind> = new WeakMap();

  before(req: SandboxRequest): "drop" | SandboxResponse | undefined {
    if (!this.matches(req)) return undefined;
    const kind = this.queued.shift() ?? this.rollKind();
    if (!kind) return undefined;
    this.injected[kind]++;
    if (kind === "drop") return "drop";
    if (kind === "429") return this.renderers.tooManyRequests(req);
    if (kind === "5xx") return this.renderers.serverError(req);
    this.pending.set(req, kind);
    return undefined;
  }

  after(req: SandboxRequest, res: SandboxResponse): { delayMs?: number; malformed?: boolean; response?: SandboxResponse } | undefined {
    const kind = this.pending.get(req);
    if (kind === "slow") return { delayMs: this.config.slowMs ?? 1000 };
    if (kind === "malformed" && res.status < 300) return { malformed: true };
    return undefined;
  }

  private rollKind(): FaultKind | undefined {
    const c = this.config;
    if (this.roll(c.dropRate)) return "drop";
    if (this.roll(c.rate429)) return "429";
    if (this.roll(c.rate5xx)) return "5xx";
    if (this.roll(c.malformedRate)) return "malformed";
    if (c.slowMs && this.roll(c.slowRate ?? 1)) return "slow";
    return undefined;
  }
}

export class RequestStats {
  total = 0;
  readonly byRoute = new Map<string, number>();
  readonly byStatus = new Map<number, number>();

  record(req: SandboxRequest, status: number) {
    this.total++;
    const route = `${req.method} ${req.path}`;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  count(route: string): number {
    return this.byRoute.get(route) ?? 0;
  }

  status(code: number): number {
    return this.byStatus.get(code) ?? 0;
  }

  reset() {
    this.total = 0;
    this.byRoute.clear();
    this.byStatus.clear();
  }
}
