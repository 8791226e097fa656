// Client-side token buckets, one per (marketplace limit group, credential), shared by every
// connector instance in the process, so three WB connectors with one token share WB's budget.
export interface TokenBucketConfig {
  /** Burst size: requests allowed back to back from a full bucket. */
  capacity: number;
  /** Sustained rate. */
  refillPerSecond: number;
  /** Parallel requests allowed (Yandex Market: 4). Unlimited when absent. */
  maxConcurrent?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
export { sleep };

/** Thrown by acquire() when the next token is further away than the caller is willing to wait. */
export class BucketWaitTooLongError extends Error {
  constructor(readonly waitMs: number) {
    super(`rate-limit budget exhausted; next request allowed in ${waitMs} ms`);
  }
}

/** At most `max` requests in flight; further acquirers wait in arrival order. */
export class ConcurrencyLimit {
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(public max: number) {}

  /** Waits for a slot; returns the function that frees it (idempotent). */
  async acquire(): Promise<() => void> {
    while (this.inFlight >= this.max) await new Promise<void>((r) => this.waiters.push(r));
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.waiters.shift()?.();
    };
  }
}

export class TokenBucket {
  private tokens: number;
  private updatedAt = Date.now();
  private blockedUntil = 0;
  private readonly slots = new ConcurrencyLimit(Infinity);
  // Serialises token waits so requests are granted in arrival order.
  private queue: Promise<void> = Promise.resolve();

  constructor(public config: TokenBucketConfig) {
    this.tokens = config.capacity;
  }

  private refill(now: number) {
    const elapsed = (now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.config.capacity, this.tokens + elapsed * this.config.refillPerSecond);
    this.updatedAt = now;
  }

  /** Upstream said "wait": every holder of this credential pauses, and the burst is spent. */
  pause(ms: number) {
    this.blockedUntil = Math.max(this.blockedUntil, Date.now() + ms);
    this.refill(Date.now());
    this.tokens = 0;
  }

  /** Waits for a token (and a concurrency slot); returns the function that frees the slot. */
  async acquire(signal?: AbortSignal, maxWaitMs = Infinity): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForToken(signal, maxWaitMs));
    this.queue = turn.catch(() => undefined);
    await turn;
    this.slots.max = this.config.maxConcurrent ?? Infinity;
    return this.slots.acquire();
  }

  private async waitForToken(signal: AbortSignal | undefined, maxWaitMs: number) {
    for (;;) {
      const now = Date.now();
      if (now < this.blockedUntil) {
        if (this.blockedUntil - now > maxWaitMs) throw new BucketWaitTooLongError(this.blockedUntil - now);
        await sleep(this.blockedUntil - now, signal);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.config.refillPerSecond) * 1000));
      // Base tokens refill in minutes: better to end the sync run than to hold it for an hour.
      if (waitMs > maxWaitMs) throw new BucketWaitTooLongError(waitMs);
      await sleep(waitMs, signal);
    }
  }
}

const buckets = new Map<string, TokenBucket>();

/** The process-wide bucket for a key; a changed config is applied to the existing bucket. */
export function getSharedBucket(key: string, config: TokenBucketConfig): TokenBucket {
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new TokenBucket(config);
    buckets.set(key, bucket);
  } else if (
    bucket.config.capacity !== config.capacity ||
    bucket.config.refillPerSecond !== config.refillPerSecond ||
    bucket.config.maxConcurrent !== config.maxConcurrent
  ) {
    bucket.config = config;
  }
  return bucket;
}

const concurrencyLimits = new Map<string, ConcurrencyLimit>();

/**
 * The process-wide parallel-request limit for a key, shared by several buckets (Yandex Market
 * allows 4 requests in flight per business across all of its methods).
 */
export function getSharedConcurrencyLimit(key: string, max: number): ConcurrencyLimit {
  let limit = concurrencyLimits.get(key);
  if (!limit) {
    limit = new ConcurrencyLimit(max);
    concurrencyLimits.set(key, limit);
  }
  limit.max = max;
  return limit;
}

/** Test helper: forget all shared buckets and concurrency limits. */
export function resetSharedBuckets() {
  buckets.clear();
  concurrencyLimits.clear();
}
