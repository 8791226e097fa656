// One LISTEN connection on one channel, reconnecting with backoff when it is lost. The live hub
// (live-hub.ts) and the membership cache (auth/membership-cache.ts) each keep one per process.
// PostgreSQL delivers a notification on commit, in commit order, and never to a connection that was
// not listening then: so a listener's owner treats a lost connection as "anything may have changed".
import { randomUUID } from "node:crypto";
import pg from "pg";

export interface PgListenerOptions {
  connectionString: string;
  /** A plain identifier (LISTEN takes no parameter). */
  channel: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  onNotification(payload: string): void;
  /** The connection is listening: first (`reconnected` false) or again after a loss. */
  onListening?(reconnected: boolean): void;
  /** The connection was lost; notifications sent until it listens again are never delivered. */
  onLost?(): void;
  log?: Pick<Console, "error">;
}

export interface PgListener {
  /** Connects on the first call; resolves once the connection listens. */
  listen(): Promise<void>;
  /** True while the connection listens: every notification committed from then on arrives. */
  readonly listening: boolean;
  /**
   * Resolves once every notification committed before the call has been handled: the connection
   * notifies itself and waits for that one, which PostgreSQL delivers after all earlier commits'.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;
/** Payloads of `settled()`'s own notifications (no id starts so), never passed to `onNotification`. */
const SETTLE_PREFIX = "~settle:";

export function createPgListener(options: PgListenerOptions): PgListener {
  const { channel, log = console } = options;
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let listening = false;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  const settling = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  let listenedBefore = false;
  /** A `settled()` waiting on a connection that went away would wait forever. */
  const abandonSettling = (why: string) => {
    for (const waiter of settling.values()) waiter.reject(new Error(`LISTEN ${channel}: ${why}`));
    settling.clear();
  };

  const connect = (): Promise<void> => {
    const connection = new pg.Client({
      connectionString: options.connectionString,
      application_name: options.applicationName,
      keepAlive: true,
    });
    client = connection;
    const lost = (error?: Error) => {
      if (client !== connection) return;
      client = null;
      connecting = null;
      listening = false;
      connection.removeAllListeners("notification");
      void connection.end().catch(() => {});
      options.onLost?.();
      abandonSettling("the connection was lost.");
      if (closed) return;
      if (error) log.error(`LISTEN ${channel}: the connection failed; reconnecting.`, error.message);
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (closed || connecting) return;
        connecting = connect().catch(() => {});
      }, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };
    connection.on("notification", (message) => {
      const payload = message.payload ?? "";
      if (payload.startsWith(SETTLE_PREFIX)) {
        settling.get(payload)?.resolve();
        settling.delete(payload);
        return;
      }
      if (payload) options.onNotification(payload);
    });
    connection.on("error", (error) => lost(error));
    connection.on("end", () => lost());
    return connection
      .connect()
      .then(() => connection.query(`LISTEN ${channel}`))
      .then(() => {
        if (client !== connection) return;
        retryMs = RETRY_MIN_MS;
        listening = true;
        options.onListening?.(listenedBefore);
        listenedBefore = true;
      })
      .catch((error: unknown) => {
        lost(error instanceof Error ? error : new Error(String(error)));
        throw error;
      });
  };

  return {
    listen() {
      if (closed) return Promise.reject(new Error(`LISTEN ${channel}: the listener is closed.`));
      return (connecting ??= connect());
    },
    get listening() {
      return listening;
    },
    async settled() {
      await this.listen();
      const connection = client;
      if (!connection) throw new Error(`LISTEN ${channel}: the connection was lost.`);
      const payload = `${SETTLE_PREFIX}${randomUUID()}`;
      const arrived = new Promise<void>((resolve, reject) => settling.set(payload, { resolve, reject }));
      await connection.query("SELECT pg_notify($1, $2)", [channel, payload]);
      await arrived;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const connection = client;
      client = null;
      connecting = null;
      listening = false;
      abandonSettling("the listener is closed.");
      await connection?.end().catch(() => {});
    },
  };
}
