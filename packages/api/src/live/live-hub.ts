// One LISTEN connection per process for the live stream (docs/architecture.md, "Live updates"). The
// database notifies channel `inbox_live` with a seller id when a statement that wrote items or
// replies of that seller commits (migration live_updates); the hub wakes the streams of this process
// that watch that seller. A wake carries nothing but "look again": each stream reads what changed
// from its own cursor, so a lost or folded notification costs latency, never an event.
import { createPgListener } from "./pg-listener";

export const LIVE_CHANNEL = "inbox_live";

export interface LiveHub {
  /**
   * Calls `wake` whenever one of `sellerIds` may have changed, and once after the connection was
   * lost and is back (anything may have changed meanwhile). Resolves once the hub listens, so a
   * caller that reads the database after it misses nothing committed in between.
   */
  subscribe(sellerIds: ReadonlySet<string>, wake: () => void): Promise<() => void>;
  /** Ends the connection; wakes nobody again. */
  close(): Promise<void>;
}

interface Subscriber {
  sellerIds: ReadonlySet<string>;
  wake: () => void;
}

export function createLiveHub(connectionString: string, log: Pick<Console, "error"> = console): LiveHub {
  const subscribers = new Set<Subscriber>();
  let closed = false;
  const listener = createPgListener({
    connectionString,
    channel: LIVE_CHANNEL,
    applicationName: "inbox-live",
    log,
    onNotification(sellerId) {
      for (const subscriber of subscribers) if (subscriber.sellerIds.has(sellerId)) subscriber.wake();
    },
    // Streams learn nothing while the connection was down: they read again once it is back.
    onListening(reconnected) {
      if (reconnected) subscribers.forEach((subscriber) => subscriber.wake());
    },
  });

  return {
    async subscribe(sellerIds, wake) {
      if (closed) throw new Error("The live hub is closed.");
      const subscriber: Subscriber = { sellerIds, wake };
      subscribers.add(subscriber);
      try {
        await listener.listen();
      } catch (error) {
        subscribers.delete(subscriber);
        throw error;
      }
      return () => void subscribers.delete(subscriber);
    },
    async close() {
      closed = true;
      subscribers.clear();
      await listener.close();
    },
  };
}

const cache = globalThis as unknown as { __inboxLiveHub?: LiveHub };

/** The process-wide hub for DATABASE_URL, connected on the first subscription. */
export function getLiveHub(): LiveHub {
  if (!cache.__inboxLiveHub) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start` or set it to a PostgreSQL URL.");
    cache.__inboxLiveHub = createLiveHub(url);
  }
  return cache.__inboxLiveHub;
}

/** Closes the process-wide hub (its LISTEN connection) at shutdown; a later subscription opens a new one. */
export async function closeLiveHub(): Promise<void> {
  const hub = cache.__inboxLiveHub;
  cache.__inboxLiveHub = undefined;
  await hub?.close();
}
