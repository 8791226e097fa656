// The one HTTP layer for every connector: client-side rate limiting per credential, retries with
// backoff on 429/5xx/network/timeouts, per-attempt timeouts, JSON and multipart bodies, zod
// validation of responses and mapping of upstream failures to the typed errors in errors.ts. The bytes
// travel through transport.ts.
import { createHash } from "node:crypto";
import type { z } from "zod";
import {
  type ConnectorError,
  MarketplaceAuthError,
  MarketplaceRequestError,
  RateLimitedError,
  RedirectRefusedError,
  ResponseValidationError,
  UpstreamError,
} from "./errors";
import { parseJsonBigintSafe } from "./json";
import {
  BucketWaitTooLongError,
  type ConcurrencyLimit,
  getSharedBucket,
  getSharedConcurrencyLimit,
  sleep,
  type TokenBucket,
  type TokenBucketConfig,
} from "./rate-limit";
import { fetchTransport, nodeTransport, type Transport } from "./transport";
import type { ConnectorOptions } from "./types";

/** A body's text as fetch's `text()` reads it: UTF-8, a leading byte-order mark dropped. */
const utf8 = new TextDecoder();

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
export type QueryValue = string | number | boolean | null | undefined;

export interface HttpRequest<T> {
  method: HttpMethod;
  /** Path below the base URL, e.g. "/api/v1/feedbacks". */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as multipart/form-data. */
  form?: Record<string, string | Blob | undefined>;
  /** Validates the parsed body; omit for empty (204) responses. */
  schema?: z.ZodType<T>;
  headers?: Record<string, string>;
  /**
   * A write that must not happen twice (posting an answer or a message). After a timeout, a dropped
   * connection or a 5xx its outcome is unknown, so it is not retried here: the caller checks upstream
   * first. A 429 is still retried — the marketplace refused the request without acting on it.
   */
  once?: boolean;
  /** A download: a 2xx body is returned as `bytes`, unparsed; errors are mapped as usual. */
  binary?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
  requestId?: string;
  /** The raw body of a `binary` request. */
  bytes?: Uint8Array;
}

export interface UpstreamErrorContext {
  marketplace: string;
  status: number;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
  text: string;
  headers: Headers;
  requestId?: string;
}

export interface HttpClientConfig {
  marketplace: string;
  defaultBaseUrl: string;
  /** Identifies the credential whose budget a request spends (hashed before use as a key). */
  credentialKey: string;
  /** Limit group inside the marketplace (WB: "feedbacks" | "chat"); one bucket per group and credential. */
  rateLimitGroup?: string;
  /** The marketplace's documented limit for this group and credential (its module knows it). */
  rateLimit: TokenBucketConfig;
  /**
   * Parallel requests allowed for this credential across all of the marketplace's limit groups
   * (one shared limit per marketplace and credential), on top of each group's own bucket.
   */
  maxConcurrentPerCredential?: number;
  /** Statuses that mean "rate limited, retry later". Default: 429. */
  rateLimitStatuses?: readonly number[];
  /** How long the marketplace asks us to wait, from a limited response's headers. Default: Retry-After. */
  retryHint?: (headers: Headers) => number | undefined;
  headers?: Record<string, string>;
  options?: ConnectorOptions;
  /** Marketplace-specific error mapping; return undefined to fall back to the default mapping. */
  mapError?: (ctx: UpstreamErrorContext) => ConnectorError | undefined;
  /** The error text in the marketplace's error body; undefined falls back to upstreamMessage(). */
  errorMessage?: (body: unknown, text: string) => string | undefined;
  /** The request id the marketplace returns (body or header); undefined falls back to the generic reading. */
  requestId?: (body: unknown, headers: Headers) => string | undefined;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 4,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  maxRetryWaitMs: 60_000,
};

export class MarketplaceHttpClient {
  readonly baseUrl: string;
  private readonly bucket: TokenBucket | undefined;
  private readonly concurrency: ConcurrencyLimit | undefined;
  private readonly opts: ConnectorOptions;
  private readonly transport: Transport;

  constructor(private readonly config: HttpClientConfig) {
    this.opts = config.options ?? {};
    this.transport = this.opts.fetch ? fetchTransport(this.opts.fetch) : nodeTransport;
    this.baseUrl = (this.opts.baseUrl ?? config.defaultBaseUrl).replace(/\/+$/, "");
    if (this.opts.rateLimit !== false) {
      const group = config.rateLimitGroup ?? "default";
      const limits = { ...config.rateLimit, ...this.opts.rateLimit };
      const cred = createHash("sha256").update(config.credentialKey).digest("hex").slice(0, 16);
      this.bucket = getSharedBucket(`${config.marketplace}:${group}:${cred}`, limits);
      if (config.maxConcurrentPerCredential !== undefined) {
        this.concurrency = getSharedConcurrencyLimit(`${config.marketplace}:${cred}`, config.maxConcurrentPerCredential);
      }
    }
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    }
    return u.toString();
  }

  async request<T = undefined>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    const o = { ...DEFAULTS, ...definedOnly(this.opts) };
    const url = this.url(req.path, req.query);
    const mp = this.config.marketplace;

    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < o.maxRetries;
      const canRetryUnknownOutcome = canRetry && !req.once;
      const release = await this.acquire(o.maxRetryWaitMs, req);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error("timeout")), o.timeoutMs);
      const untrack = this.trackAttempt(controller);
      const signal = controller.signal;
      const started = Date.now();
      let status = 0;
      let headers: Headers;
      let text: string;
      let bytes: Uint8Array | undefined;
      try {
        // Redirects are never followed: a redirect from an API host could lead the request (and its
        // credentials) anywhere, which a custom base URL must not be able to arrange.
        const res = await this.transport({ method: req.method, url, headers: this.headersFor(req), body: bodyFor(req), signal });
        status = res.status;
        headers = res.headers;
        if (res.redirect) {
          throw new RedirectRefusedError(
            `${mp}: ${req.method} ${req.path} answered with a redirect (${status}); redirects are not followed`,
            {
              marketplace: mp,
              status,
            },
          );
        }
        if (req.binary) {
          bytes = res.body.slice();
          text = status >= 200 && status < 300 ? "" : utf8.decode(bytes);
        } else {
          text = utf8.decode(res.body);
        }
      } catch (err) {
        if (err instanceof RedirectRefusedError) throw err;
        if (this.opts.signal?.aborted) throw this.opts.signal.reason ?? err;
        const timedOut = controller.signal.aborted;
        this.report(req.method, url, 0, attempt, started);
        if (canRetryUnknownOutcome) {
          await sleep(backoff(attempt, o.retryBaseDelayMs, o.retryMaxDelayMs), this.opts.signal);
          continue;
        }
        throw new UpstreamError(
          timedOut
            ? `${mp}: ${req.method} ${req.path} timed out after ${o.timeoutMs} ms (${attempt + 1} attempts)`
            : `${mp}: ${req.method} ${req.path} failed: ${(err as Error).message} (${attempt + 1} attempts)`,
          true,
          { marketplace: mp, cause: err },
        );
      } finally {
        clearTimeout(timer);
        untrack();
        release();
      }
      this.report(req.method, url, status, attempt, started);

      const body = tryParse(text);
      const requestId = this.config.requestId?.(body, headers) ?? extractRequestId(body, headers);
      const init = { marketplace: mp, status, requestId };

      if ((this.config.rateLimitStatuses ?? [429]).includes(status)) {
        const hinted = (this.config.retryHint ?? retryAfterMs)(headers);
        const waitMs = hinted ?? backoff(attempt, o.retryBaseDelayMs, o.retryMaxDelayMs);
        if (hinted !== undefined) this.bucket?.pause(hinted);
        if (!canRetry || waitMs > o.maxRetryWaitMs) {
          throw new RateLimitedError(
            `${mp}: rate limited on ${req.method} ${req.path}; retry in ${Math.ceil(waitMs / 1000)} s`,
            waitMs,
            init,
          );
        }
        await sleep(waitMs, this.opts.signal);
        continue;
      }
      if (status >= 500) {
        if (canRetryUnknownOutcome) {
          await sleep(backoff(attempt, o.retryBaseDelayMs, o.retryMaxDelayMs), this.opts.signal);
          continue;
        }
        throw new UpstreamError(
          `${mp}: ${req.method} ${req.path} answered ${status} (${attempt + 1} attempts): ${this.messageOf(body, text) ?? ""}`.trim(),
          true,
          init,
        );
      }
      if (status >= 400) {
        const ctx: UpstreamErrorContext = { marketplace: mp, status, body, text, headers, requestId };
        throw this.config.mapError?.(ctx) ?? defaultError(ctx, req, this.messageOf(body, text));
      }

      if (req.binary) return { status, headers, data: undefined as T, requestId, bytes };
      if (!req.schema) return { status, headers, data: undefined as T, requestId };
      if (body === NOT_JSON) {
        throw new ResponseValidationError(
          // Not the body itself: its text is the upstream's, and error messages travel to users.
          `${mp}: ${req.method} ${req.path} returned a body that is not valid JSON (status ${status}, ${text.length} characters)`,
          ["(body)"],
          init,
        );
      }
      const parsed = req.schema.safeParse(body);
      if (!parsed.success) {
        const paths = parsed.error.issues.map((i) => i.path.map(String).join(".") || "(root)");
        const detail = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
          .join("; ");
        throw new ResponseValidationError(`${mp}: unexpected response from ${req.method} ${req.path}: ${detail}`, paths, init);
      }
      return { status, headers, data: parsed.data, requestId };
    }
  }

  /** Attempts in flight, aborted together when the caller's signal aborts. */
  private readonly inFlight = new Set<AbortController>();
  private readonly abortInFlight = () => {
    for (const controller of this.inFlight) controller.abort(this.opts.signal?.reason);
  };

  /**
   * Lets the caller's signal (a sync's, alive for the whole sync) abort `controller`; the returned
   * function ends that. Not AbortSignal.any: on Node 20 every AbortSignal.any call leaves an entry
   * on its source signals that is never removed (~55 bytes of heap per request, ~17 MB over a
   * 1 M-review Ozon sync). One listener per client while attempts are in flight, not one per
   * attempt: a page's follow-up requests run at once and would pass Node's 10-listener warning.
   */
  private trackAttempt(controller: AbortController): () => void {
    const caller = this.opts.signal;
    if (!caller) return () => {};
    if (caller.aborted) {
      controller.abort(caller.reason);
      return () => {};
    }
    if (this.inFlight.size === 0) caller.addEventListener("abort", this.abortInFlight, { once: true });
    this.inFlight.add(controller);
    return () => {
      this.inFlight.delete(controller);
      if (this.inFlight.size === 0) caller.removeEventListener("abort", this.abortInFlight);
    };
  }

  private async acquire(maxWaitMs: number, req: HttpRequest<unknown>): Promise<() => void> {
    if (!this.bucket) return () => {};
    try {
      const releaseBucket = await this.bucket.acquire(this.opts.signal, maxWaitMs);
      if (!this.concurrency) return releaseBucket;
      const releaseShared = await this.concurrency.acquire();
      return () => {
        releaseShared();
        releaseBucket();
      };
    } catch (err) {
      if (!(err instanceof BucketWaitTooLongError)) throw err;
      const mp = this.config.marketplace;
      throw new RateLimitedError(
        `${mp}: client-side budget for ${req.method} ${req.path} exhausted; retry in ${Math.ceil(err.waitMs / 1000)} s`,
        err.waitMs,
        { marketplace: mp },
      );
    }
  }

  private messageOf(body: unknown, text: string): string | undefined {
    return this.config.errorMessage?.(body, text) ?? upstreamMessage(body, text);
  }

  private headersFor(req: HttpRequest<unknown>): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json", ...this.config.headers, ...req.headers };
    if (req.json !== undefined) h["content-type"] = "application/json";
    return h;
  }

  private report(method: string, url: string, status: number, attempt: number, started: number) {
    this.opts.onRequest?.({ method, url, status, attempt, durationMs: Date.now() - started });
  }
}

const NOT_JSON = Symbol("not-json");

function tryParse(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return parseJsonBigintSafe(text);
  } catch {
    return NOT_JSON;
  }
}

function bodyFor(req: HttpRequest<unknown>): string | FormData | undefined {
  if (req.json !== undefined) return JSON.stringify(req.json);
  if (req.form) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(req.form)) if (v !== undefined) fd.append(k, v);
    return fd;
  }
  return undefined;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Exponential backoff with jitter (50-100 % of the step) so parallel clients spread out. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** The standard Retry-After header (seconds or an HTTP date), in ms. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function extractRequestId(body: unknown, headers: Headers): string | undefined {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    for (const k of ["request_id", "requestID"]) if (typeof b[k] === "string" && b[k]) return b[k] as string;
  }
  for (const h of ["x-request-id", "x-requestid", "x-trace-id", "x-correlation-id"]) {
    const v = headers.get(h);
    if (v) return v;
  }
  return undefined;
}

/**
 * Generic reading of an error body's text (RFC 9457 problem details, `message`); a module with its
 * own body shape passes `errorMessage` in its client config.
 */
export function upstreamMessage(body: unknown, text: string): string | undefined {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    for (const k of ["detail", "message", "title", "error_description"]) {
      if (typeof b[k] === "string" && b[k]) return b[k] as string;
    }
  }
  // A body that is not structured is not echoed: it may be any page the host chose to send.
  void text;
  return undefined;
}

/** HTTP semantics only; what a marketplace means by a status or body code belongs in its mapError. */
function defaultError(ctx: UpstreamErrorContext, req: HttpRequest<unknown>, msg: string | undefined): ConnectorError {
  const init = { marketplace: ctx.marketplace, status: ctx.status, requestId: ctx.requestId };
  const where = `${ctx.marketplace}: ${req.method} ${req.path} answered ${ctx.status}`;
  if (ctx.status === 401) return new MarketplaceAuthError(`${where}: ${msg ?? "unauthorized"}`, "invalid_token", init);
  if (ctx.status === 403) return new MarketplaceAuthError(`${where}: ${msg ?? "forbidden"}`, "forbidden", init);
  return new MarketplaceRequestError(`${where}: ${msg ?? "request rejected"}`, msg, init);
}
