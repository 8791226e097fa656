// One LISTEN connection per process for the live stream (docs/architecture.md, "Live updates"). The
// database notifies channel `inbox_live` with a seller id when a statement that wrote items or
// replies of that seller commits (migration live_updates); the hub wakes the streams of this process
// that watch that seller. A wake carries nothing but "look again": each stream reads what changed
// from its own cursor, so a lost or folded notification costs latency, never an event.
import pg from "pg";

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

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

export function createLiveHub(connectionString: string, log: Pick<Console, "error"> = console): LiveHub {
  const subscribers = new Set<Subscriber>();
  let client: pg.Client | null = null;
  let listening: Promise<void> | null = null;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const wakeAll = () => subscribers.forEach((subscriber) => subscriber.wake());

  const connect = (): Promise<void> => {
    const connection = new pg.Client({ connectionString, application_name: "inbox-live" });
    client = connection;
    const lost = (error?: Error) => {
      if (client !== connection) return;
      client = null;
      listening = null;
      connection.removeAllListeners("notification");
      void connection.end().catch(() => {});
      if (closed) return;
      if (error) log.error("Live updates: the LISTEN connection failed; reconnecting.", error.message);
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (closed || listening) return;
        // Streams learn nothing while the connection was down: they read again once it is back.
        listening = connect().then(wakeAll, () => {});
      }, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };
    connection.on("notification", (message) => {
      const sellerId = message.payload;
      if (!sellerId) return;
      for (const subscriber of subscribers) if (subscriber.sellerIds.has(sellerId)) subscriber.wake();
    });
    connection.on("error", (error) => lost(error));
    connection.on("end", () => lost());
    return connection
      .connect()
      .then(() => connection.query(`LISTEN ${LIVE_CHANNEL}`))
      .then(() => {
        retryMs = RETRY_MIN_MS;
      })
      .catch((error: unknown) => {
        lost(error instanceof Error ? error : new Error(String(error)));
        throw error;
      });
  };

  return {
    async subscribe(sellerIds, wake) {
      if (closed) throw new Error("The live hub is closed.");
      const subscriber: Subscriber = { sellerIds, wake };
      subscribers.add(subscriber);
      try {
        await (listening ??= connect());
      } catch (error) {
        subscribers.delete(subscriber);
        throw error;
      }
      return () => void subscribers.delete(subscriber);
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      subscribers.clear();
      const connection = client;
      client = null;
      listening = null;
      await connection?.end().catch(() => {});
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
