// Per-token request limits: a token bucket per API token, refilled continuously, in memory. The
// production server's processes share one (apps/web src/server/shared-limiter.ts: their primary
// keeps the buckets), so a token gets its rate whichever process answers; separate deployments of the
// app behind one address each limit on their own.
export interface TokenBucketOptions {
  /** Sustained calls per second. */
  ratePerSecond: number;
  /** Calls allowed at once after a quiet period. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** What the API's edge asks before it runs a token's calls: a TokenBucketLimiter, or one it asks elsewhere. */
export interface RequestLimiter {
  readonly options: TokenBucketOptions;
  take(key: string, cost?: number): RateDecision | Promise<RateDecision>;
}

/** Buckets idle this long are full again and can be forgotten. */
const IDLE_FORGET_MS = 10 * 60_000;

export class TokenBucketLimiter implements RequestLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1))
      throw new Error("Rate limit needs a positive rate and a burst of at least 1.");
  }

  /** Takes `cost` calls from `key`'s bucket, or says how many seconds until they are available. */
  take(key: string, cost = 1, now = Date.now()): RateDecision {
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetIdle(now);
    const needed = Math.min(cost, burst);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - bucket.tokens) / ratePerSecond)) };
  }

  private forgetIdle(now: number) {
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > IDLE_FORGET_MS) this.buckets.delete(key);
  }
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}").`);
  return value;
}

/** INBOX_API_RATE_PER_SECOND (default 10) and INBOX_API_BURST (default 20). */
export function apiRateLimitFromEnv(): TokenBucketOptions {
  return { ratePerSecond: positiveNumber("INBOX_API_RATE_PER_SECOND", 10), burst: positiveNumber("INBOX_API_BURST", 20) };
}
