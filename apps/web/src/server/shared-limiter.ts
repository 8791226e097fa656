// The per-token request limits (@inbox/api auth/rate-limit.ts) of the production server's processes
// (scripts/server.ts), kept in one place: the primary holds the token buckets, and each worker asks
// it over the cluster's IPC channel before it runs a token's calls. So a token gets its rate
// (INBOX_API_RATE_PER_SECOND) whichever process answers it, as with a single process. Only calls made
// with an API token ask; session calls from the browser never do.
import cluster, { type Worker } from "node:cluster";
import {
  apiRateLimitFromEnv,
  TokenBucketLimiter,
  type RateDecision,
  type RequestLimiter,
  type TokenBucketOptions,
} from "@inbox/api/rate-limit";

const TAKE = "inbox:rate-limit:take";
const DECIDED = "inbox:rate-limit:decided";

interface TakeMessage {
  type: typeof TAKE;
  id: number;
  key: string;
  cost: number;
}

interface DecidedMessage {
  type: typeof DECIDED;
  id: number;
  decision: RateDecision;
}

function isMessage<T extends { type: string }>(message: unknown, type: T["type"]): message is T {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === type;
}

/** In the primary: answers every worker's requests from one set of buckets. */
export function serveSharedLimits(options: TokenBucketOptions = apiRateLimitFromEnv()): void {
  const limiter = new TokenBucketLimiter(options);
  cluster.on("message", (worker: Worker, message: unknown) => {
    if (!isMessage<TakeMessage>(message, TAKE)) return;
    const reply: DecidedMessage = { type: DECIDED, id: message.id, decision: limiter.take(message.key, message.cost) };
    // With a callback a failed send (a process that has just died) is reported to it, not thrown in
    // the primary as an unhandled 'error': the supervisor replaces that process.
    if (worker.isConnected()) worker.send(reply, undefined, undefined, () => {});
  });
}

/** A limiter whose every decision comes from the primary, so always later. */
export interface SharedLimiter extends RequestLimiter {
  take(key: string, cost?: number): Promise<RateDecision>;
}

/** In a worker: a limiter that asks the primary (serveSharedLimits) for each decision. */
export function sharedLimiter(options: TokenBucketOptions = apiRateLimitFromEnv()): SharedLimiter {
  if (!process.send) throw new Error("sharedLimiter runs in a server process started by the cluster's primary.");
  const send = process.send.bind(process);
  let nextId = 0;
  const waiting = new Map<number, { resolve: (decision: RateDecision) => void; reject: (error: Error) => void }>();
  const fail = (id: number, error: Error) => {
    waiting.get(id)?.reject(error);
    waiting.delete(id);
  };
  // No handler for the primary going away: a cluster worker exits at once when it does.
  process.on("message", (message: unknown) => {
    if (!isMessage<DecidedMessage>(message, DECIDED)) return;
    waiting.get(message.id)?.resolve(message.decision);
    waiting.delete(message.id);
  });
  return {
    options,
    take(key, cost = 1) {
      const id = nextId++;
      return new Promise<RateDecision>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const message: TakeMessage = { type: TAKE, id, key, cost };
        send(message, undefined, undefined, (error) => {
          if (error) fail(id, error);
        });
      });
    },
  };
}
