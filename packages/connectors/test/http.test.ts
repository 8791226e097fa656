import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  backoff,
  MarketplaceAuthError,
  MarketplaceHttpClient,
  MarketplaceRequestError,
  parseJsonBigintSafe,
  RateLimitedError,
  resetSharedBuckets,
  ResponseValidationError,
  retryAfterMs,
  UpstreamError,
  zId,
  type ConnectorOptions,
  type RequestInfo,
} from "../src/core/index";
import { mapOzonError, OZON_RATE_LIMIT } from "../src/ozon/client";
import { wbErrorMessage, wbRequestId, wildberriesRateLimit, wildberriesRetryHint } from "../src/wildberries/common";

type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error | "hang";

/** A fetch that plays a script of responses and records the requests. */
function scriptedFetch(script: Reply[]) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = script.shift() ?? { status: 200, body: "{}" };
    if (init.signal?.aborted) throw init.signal.reason; // as fetch does
    if (next === "hang") {
      return new Promise((_r, reject) => init.signal?.addEventListener("abort", () => reject(new Error("aborted"))));
    }
    if (next instanceof Error) throw next;
    return new Response(next.body ?? null, { status: next.status, headers: next.headers });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

let n = 0;
function client(script: Reply[], options: ConnectorOptions = {}, marketplace = "wildberries") {
  const f = scriptedFetch(script);
  const attempts: RequestInfo[] = [];
  const c = new MarketplaceHttpClient({
    marketplace,
    defaultBaseUrl: "https://api.example.test",
    credentialKey: `cred-${++n}`,
    rateLimit: { capacity: 5, refillPerSecond: 1 },
    ...(marketplace === "wildberries" ? { retryHint: wildberriesRetryHint, errorMessage: wbErrorMessage, requestId: wbRequestId } : {}),
    headers: { Authorization: "tok" },
    options: { fetch: f.fn, retryBaseDelayMs: 1, retryMaxDelayMs: 5, rateLimit: false, onRequest: (i) => attempts.push(i), ...options },
  });
  return { c, calls: f.calls, attempts };
}

const ok = { status: 200, body: '{"ok":true}' };
const okSchema = z.object({ ok: z.boolean() });

afterEach(() => resetSharedBuckets());

describe("MarketplaceHttpClient retries", () => {
  it("retries 5xx with backoff and returns the later success", async () => {
    const { c, attempts } = client([{ status: 503 }, { status: 500 }, ok]);
    const res = await c.request({ method: "GET", path: "/x", schema: okSchema });
    expect(res.data.ok).toBe(true);
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [0, 503],
      [1, 500],
      [2, 200],
    ]);
  });

  it("retries network errors", async () => {
    const { c, calls } = client([new TypeError("fetch failed"), ok]);
    await expect(c.request({ method: "GET", path: "/x", schema: okSchema })).resolves.toMatchObject({ status: 200 });
    expect(calls).toHaveLength(2);
  });

  it("gives up on persistent 5xx with a retryable UpstreamError after maxRetries", async () => {
    const { c, calls } = client(Array(10).fill({ status: 502 }), { maxRetries: 2 });
    const err = await c.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).status).toBe(502);
    expect(calls).toHaveLength(3);
  });

  it("never retries other 4xx and carries the upstream message and request id", async () => {
    const body = JSON.stringify({ data: null, error: true, errorText: "Некорректный take", additionalErrors: null, requestId: "req-1" });
    const { c, calls } = client([{ status: 400, body }, ok]);
    const err = await c.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceRequestError);
    expect((err as MarketplaceRequestError).upstreamMessage).toBe("Некорректный take");
    expect((err as MarketplaceRequestError).requestId).toBe("req-1");
    expect(calls).toHaveLength(1);
  });

  it("maps 401 to invalid_token and 403 to forbidden without retrying; what a body code means is the module's mapError", async () => {
    const a = client([{ status: 401, body: '{"title":"unauthorized"}' }]);
    await expect(a.c.request({ method: "GET", path: "/x" })).rejects.toMatchObject({ reason: "invalid_token", code: "MARKETPLACE_AUTH" });
    const gated = {
      status: 403,
      body: '{"code":7,"message":"not available with existing subscription"}',
      headers: { "x-request-id": "h-1" },
    };
    const b = client([gated], {}, "acme");
    const err = await b.c.request({ method: "POST", path: "/v1/review/list" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketplaceAuthError);
    expect(err).toMatchObject({ reason: "forbidden", requestId: "h-1" });
    expect(b.calls).toHaveLength(1);
    const ozon = new MarketplaceHttpClient({
      marketplace: "ozon",
      defaultBaseUrl: "https://api.example.test",
      credentialKey: `cred-${++n}`,
      rateLimit: OZON_RATE_LIMIT,
      mapError: mapOzonError,
      options: { fetch: scriptedFetch([gated]).fn, rateLimit: false },
    });
    await expect(ozon.request({ method: "POST", path: "/v1/review/list" })).rejects.toMatchObject({ reason: "subscription_missing" });
  });

  it("reads the error text and request id with the module's own readers when it has them", async () => {
    const body = JSON.stringify({ fault: { text: "bad take", trace: "t-9" }, message: "generic" });
    const c = new MarketplaceHttpClient({
      marketplace: "acme",
      defaultBaseUrl: "https://api.example.test",
      credentialKey: `cred-${++n}`,
      rateLimit: { capacity: 5, refillPerSecond: 1 },
      errorMessage: (parsed) => (parsed as { fault?: { text?: string } }).fault?.text,
      requestId: (parsed) => (parsed as { fault?: { trace?: string } }).fault?.trace,
      options: {
        fetch: scriptedFetch([
          { status: 400, body },
          { status: 503, body },
        ]).fn,
        rateLimit: false,
        maxRetries: 0,
      },
    });
    await expect(c.request({ method: "GET", path: "/x" })).rejects.toMatchObject({ upstreamMessage: "bad take", requestId: "t-9" });
    await expect(c.request({ method: "GET", path: "/x" })).rejects.toThrow("acme: GET /x answered 503 (1 attempts): bad take");
  });

  it("honours X-Ratelimit-Retry before retrying a 429", async () => {
    const { c } = client([{ status: 429, headers: { "X-Ratelimit-Retry": "0.08" } }, ok]);
    const started = Date.now();
    await c.request({ method: "GET", path: "/x", schema: okSchema });
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("honours Retry-After and stops with RateLimitedError when the wait exceeds maxRetryWaitMs", async () => {
    const { c, calls } = client([{ status: 429, headers: { "Retry-After": "3598" } }, ok], { maxRetryWaitMs: 1000 });
    const err = await c.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(3_598_000);
    expect(calls).toHaveLength(1);
  });

  it("throws RateLimitedError with the wait time when 429 persists beyond maxRetries", async () => {
    const { c, calls } = client(Array(5).fill({ status: 429, headers: { "X-Ratelimit-Retry": "0.001" } }), { maxRetries: 2 });
    const err = await c.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(1);
    expect(calls).toHaveLength(3);
  });

  it("times out a hanging request, retries it, then reports UpstreamError", async () => {
    const { c, calls } = client(["hang", "hang"], { timeoutMs: 20, maxRetries: 1 });
    const err = await c.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toMatch(/timed out after 20 ms/);
    expect(calls).toHaveLength(2);
  });

  it("never repeats a one-time write after an unknown outcome, but retries it after a 429", async () => {
    const serverError = client([{ status: 502 }, ok]);
    await expect(serverError.c.request({ method: "POST", path: "/answer", json: {}, schema: okSchema, once: true })).rejects.toBeInstanceOf(
      UpstreamError,
    );
    expect(serverError.calls).toHaveLength(1);

    const dropped = client([new TypeError("socket hang up"), ok]);
    await expect(dropped.c.request({ method: "POST", path: "/answer", json: {}, schema: okSchema, once: true })).rejects.toBeInstanceOf(
      UpstreamError,
    );
    expect(dropped.calls).toHaveLength(1);

    const refused = client([{ status: 429, headers: { "Retry-After": "0" } }, ok]);
    const res = await refused.c.request({ method: "POST", path: "/answer", json: {}, schema: okSchema, once: true });
    expect(res.data.ok).toBe(true);
    expect(refused.calls).toHaveLength(2);
  });

  it("does not retry when the caller aborts", async () => {
    const ac = new AbortController();
    const { c, calls } = client(["hang", ok], { signal: ac.signal, timeoutMs: 5000 });
    setTimeout(() => ac.abort(new Error("stop")), 10);
    await expect(c.request({ method: "GET", path: "/x" })).rejects.toThrow("stop");
    expect(calls).toHaveLength(1);
  });

  it("keeps nothing on the caller's signal once its requests are done", async () => {
    // A sync's signal lives for the whole sync (hundreds of thousands of requests): whatever a
    // request hangs on it must go when the request ends. AbortSignal.any did not (Node 20 keeps one
    // entry per call in the source's kDependantSignals set), which grew the worker's heap per request.
    const ac = new AbortController();
    const { c, calls } = client([ok, { status: 503 }, ok, Object.assign(new Error("reset"), { code: "ECONNRESET" }), ok], {
      signal: ac.signal,
    });
    for (const path of ["/a", "/b", "/c"]) expect((await c.request({ method: "GET", path, schema: okSchema })).data.ok).toBe(true);
    expect(calls).toHaveLength(5);
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
    const dependants = Object.getOwnPropertySymbols(ac.signal).find((key) => key.description === "kDependantSignals");
    expect(dependants ? ((ac.signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants]?.size ?? 0) : 0).toBe(0);
  });

  it("hangs one listener on the caller's signal however many requests are in flight, and its abort stops them all", async () => {
    const ac = new AbortController();
    const { c, calls } = client(
      Array.from({ length: 12 }, () => "hang" as const),
      { signal: ac.signal, timeoutMs: 5000 },
    );
    const requests = Array.from({ length: 12 }, (_, i) => c.request({ method: "GET", path: `/r${i}` }));
    await vi.waitFor(() => expect(calls).toHaveLength(12));
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(1);
    ac.abort(new Error("stop"));
    for (const request of requests) await expect(request).rejects.toThrow("stop");
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
  });

  it("stops at once when the caller's signal is already aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("shutting down"));
    const { c } = client(["hang", ok], { signal: ac.signal, timeoutMs: 5000 });
    await expect(c.request({ method: "GET", path: "/x" })).rejects.toThrow("shutting down");
  });
});

describe("MarketplaceHttpClient bodies and validation", () => {
  it("names the drifted field path in ResponseValidationError", async () => {
    const { c } = client([{ status: 200, body: '{"data":{"feedbacks":[{"id":"a","createdDate":12345}]}}' }]);
    const schema = z.object({ data: z.object({ feedbacks: z.array(z.object({ id: z.string(), createdDate: z.string() })) }) });
    const err = await c.request({ method: "GET", path: "/x", schema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect((err as Error).message).toContain("data.feedbacks.0.createdDate");
    expect((err as ResponseValidationError).fieldPaths).toEqual(["data.feedbacks.0.createdDate"]);
  });

  it("reports an invalid JSON body as ResponseValidationError without retrying", async () => {
    const { c, calls } = client([{ status: 200, body: '{"data":{"feed' }, ok]);
    await expect(c.request({ method: "GET", path: "/x", schema: okSchema })).rejects.toBeInstanceOf(ResponseValidationError);
    expect(calls).toHaveLength(1);
  });

  it("sends JSON with a content type and multipart as FormData, query values encoded", async () => {
    const { c, calls } = client([{ status: 204 }, ok]);
    await c.request({ method: "POST", path: "/a", json: { id: "1", text: "Спасибо" }, query: { take: 5, skip: 0, dateFrom: undefined } });
    expect(calls[0]!.url).toBe("https://api.example.test/a?take=5&skip=0");
    expect((calls[0]!.init.headers as Record<string, string>)["content-type"]).toBe("application/json");
    expect(calls[0]!.init.body).toBe('{"id":"1","text":"Спасибо"}');
    await c.request({ method: "POST", path: "/m", form: { replySign: "s", message: "hi", file: undefined } });
    const fd = calls[1]!.init.body as FormData;
    expect(fd).toBeInstanceOf(FormData);
    expect([...fd.keys()]).toEqual(["replySign", "message"]);
  });

  it("keeps uint64 ids exact (bigint-safe JSON)", async () => {
    const { c } = client([{ status: 200, body: '{"messages":[{"message_id":3000000000118021931,"n":42,"s":"12345678901234567890"}]}' }]);
    const schema = z.object({ messages: z.array(z.object({ message_id: zId, n: z.number(), s: z.string() })) });
    const res = await c.request({ method: "POST", path: "/v3/chat/history", schema });
    expect(res.data.messages[0]).toEqual({ message_id: "3000000000118021931", n: 42, s: "12345678901234567890" });
  });
});

describe("helpers", () => {
  it("parseJsonBigintSafe only quotes unsafe integers outside strings", () => {
    expect(
      parseJsonBigintSafe('{"a":9007199254740993,"b":-9007199254740993,"c":1.5e3,"d":"9007199254740993 \\" 9007199254740995","e":123}'),
    ).toEqual({
      a: "9007199254740993",
      b: "-9007199254740993",
      c: 1500,
      d: '9007199254740993 " 9007199254740995',
      e: 123,
    });
  });

  it("parseJsonBigintSafe reads a body without unsafe integers as JSON.parse does, and keeps one exact at any depth", () => {
    const plain = '{"id":"9007199254740993","sku":900719925474099,"n":-12.5e2,"list":[1,{"x":null}],"text":"12345678901234567890"}';
    expect(parseJsonBigintSafe(plain)).toEqual(JSON.parse(plain));
    expect(parseJsonBigintSafe('{"chats":[{"messages":[{"message_id":3000000000118021931,"n":1}]}],"total":2}')).toEqual({
      chats: [{ messages: [{ message_id: "3000000000118021931", n: 1 }] }],
      total: 2,
    });
    expect(parseJsonBigintSafe("[9007199254740992]")).toEqual(["9007199254740992"]);
  });

  it("retryAfterMs reads Retry-After seconds and HTTP dates; WB's hint prefers X-Ratelimit-Retry", () => {
    expect(wildberriesRetryHint(new Headers({ "X-Ratelimit-Retry": "3", "Retry-After": "9" }))).toBe(3000);
    expect(wildberriesRetryHint(new Headers({ "Retry-After": "2" }))).toBe(2000);
    expect(retryAfterMs(new Headers({ "Retry-After": "2" }))).toBe(2000);
    const date = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs(new Headers({ "Retry-After": date }))).toBeGreaterThan(8000);
    expect(retryAfterMs(new Headers({ "X-Ratelimit-Retry": "3" }))).toBeUndefined();
  });

  it("backoff grows exponentially with jitter and is capped", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect([0, 1, 2, 3].map((a) => backoff(a, 100, 500))).toEqual([50, 100, 200, 250]);
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    expect(backoff(2, 100, 10_000)).toBe(400);
    vi.restoreAllMocks();
  });
});

describe("client-side rate limiting", () => {
  it("shares one bucket between clients with the same credential", async () => {
    const make = () => {
      const f = scriptedFetch([]);
      return new MarketplaceHttpClient({
        marketplace: "wildberries",
        defaultBaseUrl: "https://api.example.test",
        credentialKey: "shared-token",
        rateLimitGroup: "feedbacks",
        rateLimit: wildberriesRateLimit("feedbacks", "personal"),
        options: { fetch: f.fn, rateLimit: { capacity: 2, refillPerSecond: 20 } },
      });
    };
    const a = make();
    const b = make();
    const started = Date.now();
    await Promise.all([
      a.request({ method: "GET", path: "/1" }),
      b.request({ method: "GET", path: "/2" }),
      a.request({ method: "GET", path: "/3" }),
      b.request({ method: "GET", path: "/4" }),
    ]);
    // Burst 2, then 2 more at 20/s ⇒ at least ~100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("uses each marketplace's documented limits (WB per token type)", () => {
    expect(wildberriesRateLimit("feedbacks", "personal")).toEqual({ capacity: 6, refillPerSecond: 3 });
    expect(wildberriesRateLimit("chat", "service")).toEqual({ capacity: 10, refillPerSecond: 1 });
    expect(wildberriesRateLimit("chat", "base").capacity).toBe(1);
    expect(OZON_RATE_LIMIT).toMatchObject({ capacity: 5, refillPerSecond: 45 });
  });
});
