// Pieces shared by the three Wildberries connectors: credentials, hosts, the HTTP client with
// WB's error mapping, token-type detection, and the date-window pager used by feedbacks/questions.
import { z } from "zod";
import { MarketplaceAuthError, MarketplaceRequestError, type ConnectorError } from "../core/errors";
import { MarketplaceHttpClient, retryAfterMs, upstreamMessage, type UpstreamErrorContext } from "../core/http";
import type { TokenBucketConfig } from "../core/rate-limit";
import type { ChannelItem, ConnectorOptions } from "../core/types";
import { decodeCursor, encodeCursor, sameText, zId } from "../core/util";

export const WB_FEEDBACKS_HOST = "https://feedbacks-api.wildberries.ru";
/** WB's sandbox for feedbacks and questions; only test tokens work there. Buyer chat has none. */
export const WB_FEEDBACKS_SANDBOX_HOST = "https://feedbacks-api-sandbox.wildberries.ru";
export const WB_CHAT_HOST = "https://buyer-chat-api.wildberries.ru";

export const wildberriesCredentialsSchema = z.object({
  apiToken: z.string().trim().min(1, "apiToken is required"),
  /**
   * Service secret of a registered service, sent as `X-Client-Secret`: a base token with it gets the
   * personal/service limits ("Base with secret") instead of the base token's hourly ones. Blank
   * (an empty form field) means none.
   */
  clientSecret: z.string().trim().optional(),
});
export type WildberriesCredentials = z.infer<typeof wildberriesCredentialsSchema>;

const TOKEN_TYPES: Record<number, string> = { 1: "base", 2: "test", 3: "personal", 4: "service" };

/** Reads the token type from the JWT payload (`acc`), so base tokens get their far lower limits. */
export function wbTokenType(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const acc = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { acc?: unknown }).acc;
    return typeof acc === "number" ? TOKEN_TYPES[acc] : undefined;
  } catch {
    return undefined;
  }
}

const HOUR = 3600;

/**
 * Documented limits per API group and token type (personal, service and base-with-secret share the
 * default). Feedbacks & questions: 3 req/s, burst 6; base 5 req/h. Buyer chat: 10 req/10 s, burst
 * 10; base 1 req/h.
 */
export const WILDBERRIES_LIMITS: Record<"feedbacks" | "chat", Record<"default" | "base", TokenBucketConfig>> = {
  feedbacks: { default: { capacity: 6, refillPerSecond: 3 }, base: { capacity: 1, refillPerSecond: 5 / HOUR } },
  chat: { default: { capacity: 10, refillPerSecond: 1 }, base: { capacity: 1, refillPerSecond: 1 / HOUR } },
};

/** A base token sent with a service secret counts as "Base with secret": the default limits. */
export function wildberriesRateLimit(
  group: "feedbacks" | "chat",
  tokenType: string | undefined,
  hasClientSecret = false,
): TokenBucketConfig {
  return WILDBERRIES_LIMITS[group][tokenType?.toLowerCase() === "base" && !hasClientSecret ? "base" : "default"];
}

/** WB's X-Ratelimit-Retry (seconds until the next request is allowed), else Retry-After. */
export function wildberriesRetryHint(headers: Headers): number | undefined {
  const retry = headers.get("x-ratelimit-retry");
  if (retry !== null && retry.trim() !== "" && Number.isFinite(Number(retry))) return Math.max(0, Number(retry) * 1000);
  return retryAfterMs(headers);
}

function mapWbError(ctx: UpstreamErrorContext, tokenType: string | undefined): ConnectorError | undefined {
  if (ctx.status !== 401) return undefined;
  const detail = wbErrorMessage(ctx.body, ctx.text) ?? "unauthorized";
  const init = { marketplace: ctx.marketplace, status: ctx.status, requestId: ctx.requestId };
  // WB answers 401 both for bad tokens and for a token whose category bitmask lacks this API.
  const reason = /scope|categor/i.test(detail) ? "token_category" : "invalid_token";
  const hint = tokenType === "test" ? ` (a test token works only against ${WB_FEEDBACKS_SANDBOX_HOST})` : "";
  return new MarketplaceAuthError(`wildberries: ${detail}${hint}`, reason, init);
}

/**
 * Refuses a token on a host where it cannot work, before any request: test tokens work only in
 * WB's feedbacks sandbox (buyer chat has no sandbox), other tokens only in production.
 */
function assertTokenFitsHost(group: "feedbacks" | "chat", tokenType: string | undefined, baseUrl: string | undefined) {
  const isTest = tokenType === "test";
  const init = { marketplace: "wildberries" };
  if (isTest && group === "chat") {
    throw new MarketplaceAuthError(
      `wildberries: a test token cannot be used for buyer chat: WB has no chat sandbox and test tokens work only against ${WB_FEEDBACKS_SANDBOX_HOST}`,
      "invalid_token",
      init,
    );
  }
  const host = baseUrl?.replace(/\/+$/, "");
  if (isTest && host === WB_FEEDBACKS_HOST) {
    throw new MarketplaceAuthError(
      `wildberries: a test token works only against ${WB_FEEDBACKS_SANDBOX_HOST}, not ${host}`,
      "invalid_token",
      init,
    );
  }
  if (!isTest && host === WB_FEEDBACKS_SANDBOX_HOST) {
    throw new MarketplaceAuthError(
      `wildberries: ${WB_FEEDBACKS_SANDBOX_HOST} accepts only test tokens; this is a ${tokenType ?? "production"} token`,
      "invalid_token",
      init,
    );
  }
}

/** The HTTP client of one WB API group; throws MarketplaceAuthError when the token cannot work there. */
/** WB error bodies: the feedbacks envelope's `errorText`, else the problem shape's `detail`/`title`. */
export function wbErrorMessage(body: unknown, text: string): string | undefined {
  const errorText = (body as { errorText?: unknown } | undefined)?.errorText;
  return typeof errorText === "string" && errorText ? errorText : upstreamMessage(body, text);
}

/** WB puts its request id in the body (`requestId`), in both error shapes. */
export function wbRequestId(body: unknown): string | undefined {
  const id = (body as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === "string" && id ? id : undefined;
}

export function createWbClient(
  group: "feedbacks" | "chat",
  credentials: WildberriesCredentials,
  options: ConnectorOptions,
): MarketplaceHttpClient {
  const tokenType = options.tokenType ?? wbTokenType(credentials.apiToken);
  const clientSecret = credentials.clientSecret || undefined;
  assertTokenFitsHost(group, tokenType, options.baseUrl);
  const productionHost = group === "chat" ? WB_CHAT_HOST : WB_FEEDBACKS_HOST;
  return new MarketplaceHttpClient({
    marketplace: "wildberries",
    defaultBaseUrl: tokenType === "test" ? WB_FEEDBACKS_SANDBOX_HOST : productionHost,
    credentialKey: credentials.apiToken,
    rateLimitGroup: group,
    rateLimit: wildberriesRateLimit(group, tokenType, clientSecret !== undefined),
    retryHint: wildberriesRetryHint,
    headers: { Authorization: credentials.apiToken, ...(clientSecret && { "X-Client-Secret": clientSecret }) },
    options: { ...options, tokenType },
    mapError: (ctx) => mapWbError(ctx, tokenType),
    errorMessage: wbErrorMessage,
    requestId: wbRequestId,
  });
}

/** `createdDate` of feedbacks and questions: an ISO date-time. */
export const wbDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a date-time");

/**
 * `productDetails` of feedbacks and questions (spec `responseFeedback`: every field optional; only
 * brandName, supplierArticle and supplierName nullable).
 */
export const wbProductDetailsSchema = z.object({
  nmId: zId.optional(),
  imtId: zId.optional(),
  productName: z.string().optional(),
  supplierArticle: z.string().nullish(),
  supplierName: z.string().nullish(),
  brandName: z.string().nullish(),
  size: z.string().optional(),
});
export type WBProductDetails = z.infer<typeof wbProductDetailsSchema>;

/** The product's public card on wildberries.ru. */
export const wbProductUrl = (nmId: string) => `https://www.wildberries.ru/catalog/${encodeURIComponent(nmId)}/detail.aspx`;

export function wbProduct(details: WBProductDetails | null | undefined): ChannelItem["product"] {
  if (!details?.nmId) return undefined;
  return {
    externalId: details.nmId,
    name: details.productName || undefined,
    article: details.supplierArticle || undefined,
    url: wbProductUrl(details.nmId),
  };
}

/** WB feedbacks/questions envelope `{data, error, errorText, additionalErrors}`; only `data` is read. */
export const wbEnvelope = <T extends z.ZodType>(data: T) => z.object({ data });

// ---------------------------------------------------------------------------------------------
// Date-window paging. WB lists take `skip` (capped) + `dateFrom` (Unix s). Paging ascending by
// date with `dateFrom` moved up behind the page keeps positions stable while customers add newer
// items, and keeps `skip` at 0 or tiny, far below the caps. The spec does not say whether the
// `dateFrom` second itself is included, so the next page starts one second before the page's last
// second, and the items already delivered from there on (`k`) are dropped by id: while the lists do
// not change between pages, nothing is lost or delivered twice under either reading. The unanswered list is paged first, then the answered
// one, so an item answered meanwhile is still met (at worst twice).

/** At most this many ids travel in a window cursor (a page's last two seconds rarely hold more). */
const WB_WINDOW_KNOWN_IDS_MAX = 1_000;

export const windowCursorSchema = z.object({
  /** 0 = unanswered list, 1 = answered/archived list. */
  p: z.union([z.literal(0), z.literal(1)]),
  /** dateFrom, Unix seconds. */
  f: z.number().int().nonnegative(),
  /** skip inside the window. */
  s: z.number().int().nonnegative(),
  /** newest createdDate (Unix s) seen in this pass; the next getUpdates pass starts near it. */
  n: z.number().int().nonnegative(),
  /** dateFrom the pass started at (the answered list starts there too). */
  o: z.number().int().nonnegative(),
  /** ids delivered already from second `f` on: the next page drops them (absent: none). */
  k: z.array(z.string()).max(WB_WINDOW_KNOWN_IDS_MAX).optional(),
});
export type WindowCursor = z.infer<typeof windowCursorSchema>;

export interface WindowPage<T> {
  items: T[];
  next: WindowCursor | null;
}

/**
 * One page of a windowed pass. `fetch` performs the WB list call. Returns the cursor for the next
 * page or null when both lists are exhausted.
 */
export async function windowPage<T extends { id: string; createdDate: string }>(
  cursor: WindowCursor,
  take: number,
  fetch: (q: { isAnswered: boolean; take: number; skip: number; dateFrom: number }) => Promise<T[]>,
): Promise<WindowPage<T>> {
  const page = await fetch({ isAnswered: cursor.p === 1, take, skip: cursor.s, dateFrom: cursor.f });
  const known = new Set(cursor.k);
  const items = page.filter((item) => !known.has(item.id));
  const secs = page.map((i) => Math.floor(Date.parse(i.createdDate) / 1000));
  const newest = Math.max(cursor.n, ...secs);
  if (page.length < take) {
    // This list is exhausted; move to the answered list or finish the pass.
    return { items, next: cursor.p === 0 ? { p: 1, f: cursor.o, s: 0, n: newest, o: cursor.o } : null };
  }
  const from = secs[secs.length - 1]! - 1;
  // Pages read by position (skip > 0) from the same start lie within its first two seconds: when the
  // start moves on by one second, what they delivered there is fetched again and must be dropped too.
  // Read from position 0, this page holds those items itself.
  const carried = from === cursor.f + 1 && cursor.s > 0 ? (cursor.k ?? []) : [];
  const delivered = [...new Set([...carried, ...page.filter((_, i) => secs[i]! >= from).map((item) => item.id)])];
  if (from <= cursor.f || delivered.length > WB_WINDOW_KNOWN_IDS_MAX) {
    // The page ends within a second of where it started (or the ids would not fit a cursor): the
    // start stays, the next page is read by position, and its ids are remembered (while they fit).
    const remembered = [...new Set([...(cursor.k ?? []), ...page.map((item) => item.id)])];
    const { k: _dropped, ...rest } = cursor;
    return {
      items,
      next: {
        ...rest,
        s: cursor.s + page.length,
        n: newest,
        ...(remembered.length <= WB_WINDOW_KNOWN_IDS_MAX ? { k: remembered } : {}),
      },
    };
  }
  return { items, next: { ...cursor, f: from, s: 0, k: delivered, n: newest } };
}

export const encodeWindow = (c: WindowCursor) => encodeCursor(c);
export const decodeWindow = (s: string | null | undefined) => decodeCursor(s, windowCursorSchema);

/** Default lookback of a getUpdates pass: answers given within this time of creation are seen. */
export const UPDATES_LOOKBACK_SECONDS = 14 * 24 * 3600;

export interface WindowedResult<T> {
  items: T[];
  cursor: WindowCursor | null;
}

/** Starts a full pass (listItems), from `since` (ISO) when given, or resumes one. */
export function listCursor(cursor: string | null | undefined, skip = 0, since?: string): WindowCursor {
  const from = since ? Math.max(0, Math.floor(Date.parse(since) / 1000)) || 0 : 0;
  return decodeWindow(cursor) ?? { p: 0, f: from, s: skip, n: 0, o: from };
}

/**
 * getUpdates: a pass over both lists starting `lookback` before the newest item of the previous
 * pass, so new items and recent answer changes are delivered (re-delivery is harmless).
 */
export function updatesCursor(cursor: string | null): { state: WindowCursor; fresh: boolean } {
  const c = decodeWindow(cursor);
  if (!c) return { state: { p: 0, f: 0, s: 0, n: 0, o: 0 }, fresh: true };
  return { state: c, fresh: false };
}

export function nextPassCursor(newest: number): WindowCursor {
  const o = Math.max(0, newest - UPDATES_LOOKBACK_SECONDS);
  return { p: 0, f: o, s: 0, n: newest, o };
}

/**
 * Before a write that answers or edits a feedback or question: whether WB already shows `text` as
 * its answer (nothing to send; a retry after an unknown outcome stops here). Otherwise throws when
 * the write must not happen — for an answer, when another answer is there (it would replace it);
 * for an edit, when there is no answer, it is not the one the edit replaces, or WB no longer lets
 * edit it (once, within 60 days).
 */
export function wbAnswerAlreadySent(
  what: "feedback" | "question",
  itemId: string,
  answer: { text?: string | null; editable?: boolean | null } | null | undefined,
  text: string,
  write: { kind: "answer" } | { kind: "edit"; replacing?: string },
): boolean {
  const current = answer?.text || undefined;
  if (current !== undefined && sameText(current, text)) return true;
  const refuse = (message: string, upstream: string) => {
    throw new MarketplaceRequestError(`wildberries: ${what} ${itemId} ${message}`, upstream, { marketplace: "wildberries", status: 409 });
  };
  if (write.kind === "answer") {
    if (current !== undefined) refuse("already has an answer", `${what} already answered`);
    return false;
  }
  if (current === undefined) refuse("has no answer to edit", `${what} has no answer`);
  if (write.replacing !== undefined && !sameText(current, write.replacing)) {
    refuse("has another answer than the one the edit replaces: it changed meanwhile", "answer changed");
  }
  if (answer?.editable !== true) refuse("has an answer WB no longer lets edit", "answer is not editable");
  return false;
}
