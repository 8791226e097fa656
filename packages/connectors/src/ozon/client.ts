// What the three Ozon connectors share: credentials, the configured core HTTP client (headers
// Client-Id/Api-Key, the 50 rps budget per Client-Id) and the mapping of Ozon rpcStatus errors.
import { z } from "zod";
import { MarketplaceAuthError, MarketplaceRequestError, type ConnectorError } from "../core/errors";
import { MarketplaceHttpClient, type UpstreamErrorContext } from "../core/http";
import type { TokenBucketConfig } from "../core/rate-limit";
import type { ConnectorOptions } from "../core/types";
import { rpcStatusSchema } from "./schemas";

export const OZON_API_BASE_URL = "https://api-seller.ozon.ru";

export const ozonCredentialsSchema = z.object({
  /** Numeric seller id sent as the Client-Id header. */
  clientId: z.string().trim().regex(/^\d+$/, "Client-Id is the numeric seller id").meta({ secret: false, title: "Client-Id" }),
  apiKey: z.string().trim().min(1, "Api-Key is required"),
});
export type OzonCredentials = z.infer<typeof ozonCredentialsSchema>;

/** Maps Ozon's 401/403/404 rpcStatus bodies to typed errors; other statuses use core's mapping. */
export function mapOzonError(ctx: UpstreamErrorContext): ConnectorError | undefined {
  const parsed = rpcStatusSchema.safeParse(ctx.body);
  const message = parsed.success ? (parsed.data.message ?? "") : ctx.text.slice(0, 300);
  const code = parsed.success ? parsed.data.code : undefined;
  const init = { marketplace: "ozon", status: ctx.status, requestId: ctx.requestId };
  if (ctx.status === 401) {
    return new MarketplaceAuthError(`ozon: credentials rejected (401): ${message}`, "invalid_token", init);
  }
  if (ctx.status === 403) {
    // Both a missing subscription and a bad key come as 403 code 7; only the text tells them apart.
    if (/existing subscription|subscription/i.test(message)) {
      return new MarketplaceAuthError(
        `ozon: the seller's subscription does not include this method (403 code ${code ?? "?"}): ${message}`,
        "subscription_missing",
        init,
      );
    }
    if (/missing a required role|restricted to specific ip/i.test(message)) {
      return new MarketplaceAuthError(`ozon: Api-Key not allowed to call this method (403): ${message}`, "forbidden", init);
    }
    if (/api-?key|client-?id|deactivated/i.test(message)) {
      return new MarketplaceAuthError(`ozon: invalid Client-Id/Api-Key (403): ${message}`, "invalid_token", init);
    }
    return new MarketplaceAuthError(`ozon: forbidden (403 code ${code ?? "?"}): ${message}`, "forbidden", init);
  }
  if (ctx.status === 404) {
    return new MarketplaceRequestError(`ozon: not found (404): ${message}`, message, init);
  }
  return undefined;
}

/**
 * 50 rps per Client-Id across all methods. A burst of 5 on a 45 rps refill never puts more than 50
 * requests into any one-second window (5 + 45 × 1 s), so jitter cannot tip us into 429 code 8, and
 * a sync runs at 90 % of Ozon's limit. (The earlier 20 + 40 rps could send 60 in the first second.)
 */
export const OZON_RATE_LIMIT: TokenBucketConfig = { capacity: 5, refillPerSecond: 45 };

export function createOzonHttpClient(credentials: OzonCredentials, options: ConnectorOptions): MarketplaceHttpClient {
  return new MarketplaceHttpClient({
    marketplace: "ozon",
    defaultBaseUrl: OZON_API_BASE_URL,
    // The 50 rps limit is per Client-Id, whichever key is used.
    credentialKey: `client:${credentials.clientId}`,
    rateLimit: OZON_RATE_LIMIT,
    headers: { "Client-Id": credentials.clientId, "Api-Key": credentials.apiKey },
    options,
    mapError: mapOzonError,
  });
}

/** One POST with a JSON body, validated by `schema`. */
export async function ozonPost<T>(
  http: MarketplaceHttpClient,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
  options: { once?: boolean } = {},
): Promise<T> {
  const res = await http.request({ method: "POST", path, json: body, schema, ...options });
  return res.data;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof MarketplaceRequestError && err.status === 404;
}

/** Ozon chat message `data` is a list of markdown strings. */
export function joinMessageData(data: string[]): string {
  return data.join("\n");
}

/**
 * `map` over a page's records at once: their follow-up requests (comments, answers, history) queue
 * on the Client-Id's token bucket, so a page costs its requests at the budget's rate rather than
 * their summed latency. Every call is settled before this returns or throws (the first error), so no
 * request outlives a failed page.
 */
export async function mapConcurrently<T, R>(records: readonly T[], map: (record: T) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(records.map(map));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
