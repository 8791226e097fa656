// What the Yandex Market connectors share: credentials (Api-Key + businessId), the core HTTP
// clients (one per documented limit group) and the documented limits themselves.
import { z } from "zod";
import { MarketplaceHttpClient } from "../core/http";
import type { TokenBucketConfig } from "../core/rate-limit";
import type { ConnectorOptions } from "../core/types";

export const YANDEX_MARKET_API_BASE_URL = "https://api.partner.market.yandex.ru";

export const yandexMarketCredentialsSchema = z.object({
  /** Api-Key with the `communication` (or `all-methods`) scope. */
  apiKey: z.string().trim().min(1, "Api-Key is required"),
  /** Cabinet id (GET v2/campaigns → business.id), not a campaign id. */
  businessId: z.union([z.number().int().positive(), z.string().trim().regex(/^\d+$/, "businessId is numeric")]),
});
export type YandexMarketCredentials = z.input<typeof yandexMarketCredentialsSchema>;

const HOUR = 3600;

/**
 * Hourly per-method limits (reference §3) and the 4-parallel-requests limit per business, split
 * over the groups (1 + 2 + 1) so one process never exceeds 4 in flight for a business.
 */
export const YANDEX_MARKET_LIMITS = {
  /** POST …/chats: 5 000 req/h. */
  chats: { capacity: 100, refillPerSecond: 5000 / HOUR, maxConcurrent: 1 },
  /** POST …/chats/history: 10 000 req/h; GET …/chat shares this group (its limit is not documented). */
  history: { capacity: 200, refillPerSecond: 10000 / HOUR, maxConcurrent: 2 },
  /** POST …/chats/message: 1 000 req/h. */
  message: { capacity: 20, refillPerSecond: 1000 / HOUR, maxConcurrent: 1 },
} satisfies Record<string, TokenBucketConfig>;
export type YandexMarketLimitGroup = keyof typeof YANDEX_MARKET_LIMITS;

export function businessIdOf(credentials: YandexMarketCredentials): string {
  return String(credentials.businessId);
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
    // 420 Enhance Your Calm: more than 4 parallel requests per business.
    rateLimitStatuses: [420, 429],
    headers: { "Api-Key": credentials.apiKey },
    options,
  });
}
