/**
 * @inbox/connectors core — the API every marketplace module codes against.
 *
 * - types.ts: ChannelItem / ChannelMessage and the params/results of the connector methods.
 * - BaseChannelConnector<TCredentials> (base.ts): subclass it, set `marketplace`, `channel`,
 *   `static credentialsSchema` (zod; validated in the constructor → ConnectorCredentialsError) and
 *   `static replyTextLimits`; implement `listItems`, override any of sendReply / markRead /
 *   getUpdates / getItem. `capabilities` is derived from which methods you override (never set it).
 *   Semantics: listItems(cursor null → … → nextCursor null) enumerates every item exactly once even
 *   while items are added; getUpdates({cursor}) returns changes since the cursor with an always-string
 *   nextCursor checkpoint (re-delivery allowed, skipping never) and hasMore; getItem returns current
 *   upstream state incl. answered/answerText (null when missing).
 * - MarketplaceHttpClient (http.ts): the only way to call a marketplace. new MarketplaceHttpClient({
 *   marketplace, defaultBaseUrl, credentialKey, rateLimitGroup?, rateLimit, maxConcurrentPerCredential?,
 *   rateLimitStatuses?, retryHint?, headers, options, mapError?, errorMessage?, requestId? }) then
 *   client.request({ method, path, query?, json?, form?, schema?, binary? }) → { status, headers, data,
 *   requestId, bytes? } (binary: a 2xx body comes back unparsed as `bytes`, for downloads).
 *   It rate-limits per credential (shared across instances; the documented limit comes from the
 *   marketplace module), retries the marketplace's rate-limit statuses (default 429) honouring its
 *   retry hint (default Retry-After), and 5xx/network/timeouts with backoff,
 *   never retries other 4xx, parses JSON bigint-safely (ids > 2^53 become strings) and maps errors:
 *   401 → MarketplaceAuthError(invalid_token), 403 → MarketplaceAuthError(forbidden) unless the
 *   module's mapError says more, persistent 429 → RateLimitedError(retryAfterMs),
 *   5xx/network/timeout → UpstreamError, other 4xx → MarketplaceRequestError, zod/JSON failure →
 *   ResponseValidationError (message names the field path). Use zId for ids that may be numbers.
 * - Registry (registry.ts): registerConnector(marketplace, channel, Class) on import of your module's
 *   index.ts, and augment ConnectorTypeMap (`declare module "../core/registry"`).
 * - Sandbox kit: ../sandbox/kit.ts. Conformance: ../testing/conformance.ts (registerConformanceTarget
 *   from your module's conformance.ts, discovered automatically by test/conformance.test.ts).
 */
export * from "./types";
export * from "./errors";
export * from "./rate-limit";
export * from "./json";
export * from "./http";
export * from "./base";
export * from "./registry";
export * from "./util";
