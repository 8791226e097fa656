// What the Yandex Market connectors share: credentials (Api-Key + businessId), the core HTTP
// clients (one per documented per-method quota) and the documented limits themselves.
import { z } from "zod";
import { BaseChannelConnector } from "../core/base";
import { MarketplaceRequestError } from "../core/errors";
import { sameText } from "../core/util";
import { MarketplaceHttpClient, upstreamMessage, type HttpRequest, type HttpResponse } from "../core/http";
import type { TokenBucketConfig } from "../core/rate-limit";
import type { ConnectorOptions } from "../core/types";

export const YANDEX_MARKET_API_BASE_URL = "https://api.partner.market.yandex.ru";

export const yandexMarketCredentialsSchema = z.object({
  /** Api-Key with the `communication` (or `all-methods`) scope. */
  apiKey: z.string().trim().min(1, "Api-Key is required"),
  /** Cabinet id (GET v2/campaigns → business.id), not a campaign id. */
  businessId: z
    .union([z.number().int().positive(), z.string().trim().regex(/^\d+$/, "businessId is numeric")])
    .meta({ secret: false, title: "Business ID" }),
});
export type YandexMarketCredentials = z.input<typeof yandexMarketCredentialsSchema>;

const HOUR = 3600;

/**
 * A bucket for an hourly quota: a burst of a quarter of it (upstream counts requests per hour, so
 * bursts are allowed; a first full read of questions walks ~115 month windows), refilled at the
 * hourly rate. Several processes may share a business: upstream's 420 with Remaining 0 then pauses
 * the bucket until X-RateLimit-Resource-Until.
 */
function hourly(perHour: number): TokenBucketConfig {
  return { capacity: Math.round(perHour / 4), refillPerSecond: perHour / HOUR };
}

/**
 * Hourly quota of each method, per business (`x-resource-limit-config` of each path in the
 * official OpenAPI spec, without the "Medium" subscription). Each method is its own bucket, so one
 * method's budget never starves another.
 */
export const YANDEX_MARKET_HOURLY_QUOTAS = {
  /** POST v2/businesses/{businessId}/chats */
  chats: 5000,
  /** GET v2/businesses/{businessId}/chat */
  chat: 1000,
  /** POST v2/businesses/{businessId}/chats/history */
  history: 10000,
  /** POST v2/businesses/{businessId}/chats/message */
  message: 1000,
  /** POST v2/businesses/{businessId}/goods-feedback */
  feedbacks: 5000,
  /** POST v2/businesses/{businessId}/goods-feedback/comments */
  feedbackComments: 5000,
  /** POST v2/businesses/{businessId}/goods-feedback/comments/update */
  feedbackCommentUpdate: 1000,
  /** POST v2/businesses/{businessId}/goods-feedback/skip-reaction */
  feedbackSkipReaction: 500,
  /** POST v1/businesses/{businessId}/goods-questions */
  questions: 1000,
  /** POST v1/businesses/{businessId}/goods-questions/answers */
  questionAnswers: 1000,
  /** POST v1/businesses/{businessId}/goods-questions/update */
  questionUpdate: 500,
} as const;
export type YandexMarketLimitGroup = keyof typeof YANDEX_MARKET_HOURLY_QUOTAS;

export const YANDEX_MARKET_LIMITS = Object.fromEntries(
  Object.entries(YANDEX_MARKET_HOURLY_QUOTAS).map(([group, perHour]) => [group, hourly(perHour)]),
) as Record<YandexMarketLimitGroup, TokenBucketConfig>;

/** "A maximum of four simultaneous requests" per business, across all methods (HTTP 420 beyond). */
export const YANDEX_MARKET_MAX_PARALLEL = 4;

/** Yandex Market error bodies: `{ status: "ERROR", errors: [{ code, message }] }`. */
export function yandexMarketErrorMessage(body: unknown, text: string): string | undefined {
  const first = (body as { errors?: Array<{ message?: unknown; code?: unknown }> } | undefined)?.errors?.[0];
  if (typeof first?.message === "string" && first.message) return first.message;
  if (typeof first?.code === "string" && first.code) return first.code;
  return upstreamMessage(body, text);
}

export function businessIdOf(credentials: YandexMarketCredentials): string {
  return String(credentials.businessId);
}

/**
 * How long to wait after a 420: when the method's hourly quota is spent
 * (X-RateLimit-Resource-Remaining: 0), until X-RateLimit-Resource-Until (an RFC 822 date);
 * otherwise it was the parallel-requests limit, for which the backoff is right.
 */
export function yandexMarketRetryHint(headers: Headers): number | undefined {
  if (headers.get("x-ratelimit-resource-remaining")?.trim() !== "0") return undefined;
  const until = Date.parse(headers.get("x-ratelimit-resource-until") ?? "");
  return Number.isNaN(until) ? undefined : Math.max(0, until - Date.now());
}

export function createYandexMarketHttpClient(
  credentials: YandexMarketCredentials,
  options: ConnectorOptions,
  group: YandexMarketLimitGroup,
): MarketplaceHttpClient {
  return new MarketplaceHttpClient({
    marketplace: "yandex-market",
    defaultBaseUrl: YANDEX_MARKET_API_BASE_URL,
    // Limits are per business, whichever key calls.
    credentialKey: `business:${businessIdOf(credentials)}`,
    rateLimitGroup: group,
    rateLimit: YANDEX_MARKET_LIMITS[group],
    maxConcurrentPerCredential: YANDEX_MARKET_MAX_PARALLEL,
    // Every method's spec lists 420 as its limit status (parallel requests and hourly quotas);
    // 429 is kept for a proxy in between.
    rateLimitStatuses: [420, 429],
    retryHint: yandexMarketRetryHint,
    errorMessage: yandexMarketErrorMessage,
    headers: { "Api-Key": credentials.apiKey },
    options,
  });
}

/**
 * What the three Yandex Market connectors share: the business's credentials, one HTTP client per
 * method quota (made on first use, all sharing the business's parallel-requests limit) and the
 * business's path prefix, whose API version differs by method family (questions are v1).
 */
export abstract class YandexMarketConnector extends BaseChannelConnector<YandexMarketCredentials> {
  static override credentialsSchema = yandexMarketCredentialsSchema;

  readonly marketplace = "yandex-market";
  private readonly clients = new Map<YandexMarketLimitGroup, MarketplaceHttpClient>();

  constructor(
    credentials: YandexMarketCredentials,
    options: ConnectorOptions,
    private readonly apiVersion: "v1" | "v2",
  ) {
    super(credentials, options);
  }

  /** One call of a business method (`path` below `/{version}/businesses/{businessId}`) under its quota `group`. */
  protected async call<T = undefined>(group: YandexMarketLimitGroup, request: HttpRequest<T>): Promise<HttpResponse<T>> {
    let client = this.clients.get(group);
    if (!client) {
      client = createYandexMarketHttpClient(this.credentials, this.options, group);
      this.clients.set(group, client);
    }
    return client.request({ ...request, path: `/${this.apiVersion}/businesses/${businessIdOf(this.credentials)}${request.path}` });
  }
}

/**
 * What an edit of the seller's answer does: nothing when the answer already reads `text` (a retry
 * after an unknown outcome stops here), else replace that answer. Throws when there is no answer, it
 * is not the one the edit replaces (changed meanwhile), or YM says the seller may not modify it
 * (`canModify`: required on question answers, optional on review comments, so only `false` refuses).
 */
export function ymEditOf<T extends { id: string; text: string; canModify?: boolean }>(
  what: "review" | "question",
  itemId: string,
  answer: T | undefined,
  edit: { text: string; replacing?: string },
): { write: boolean; answer: T } {
  const refuse = (message: string) =>
    new MarketplaceRequestError(`yandex-market: ${what} ${itemId} ${message}`, message, { marketplace: "yandex-market", status: 409 });
  if (!answer) throw refuse("has no answer to edit");
  if (sameText(answer.text, edit.text)) return { write: false, answer };
  if (edit.replacing !== undefined && !sameText(answer.text, edit.replacing)) {
    throw refuse("has another answer than the one the edit replaces: it changed meanwhile");
  }
  if (answer.canModify === false) throw refuse("has an answer the seller may no longer modify");
  return { write: true, answer };
}
