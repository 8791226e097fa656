// The callers' memberships and session versions, kept per process between requests. Every access
// check reads the memberships (seller.list and every seller-scoped procedure); read from the database
// on each call they were one of the three statements of an inbox page and a third of its database
// time (docs/performance.md, "Memberships cached between requests"). Every signed-in request checks
// its session's version (auth/sessions.ts).
//
// Freshness comes from the database, not from a clock: migrations access_notify and session_notify
// make every change to a membership, and every end of a user's sessions, notify channel
// `inbox_access` with the user's id on commit (`*` when a seller is renamed or a table truncated),
// and the cache drops what it names: in every server process alike. It keeps entries only while its LISTEN
// connection listens; when that is lost, everything is dropped and every read goes to the database
// until it listens again. So a revoked member is refused as soon as the notification arrives (a few
// milliseconds after the commit), in every process.
import type { SellerMembership } from "../services/memberships";
import { createPgListener } from "../live/pg-listener";

export const ACCESS_CHANNEL = "inbox_access";
/** Payload that drops every entry. */
const EVERYONE = "*";

export interface MembershipCacheOptions {
  /**
   * A backstop only: an entry is read again after this long even if no notification came (a
   * connection that stopped delivering without failing).
   */
  maxAgeMs?: number;
  /** The same backstop for session versions, shorter: a revoked session must not outlive it. */
  sessionVersionMaxAgeMs?: number;
  /** Entries kept at most; the oldest go first. */
  maxUsers?: number;
  log?: Pick<Console, "error">;
}

export interface MembershipCache {
  /** The user's memberships: cached, or read with `load` (and kept when nothing changed meanwhile). */
  read(userId: string, load: () => Promise<SellerMembership[]>): Promise<SellerMembership[]>;
  /** The user's session version (null: no such user), kept as `read` keeps memberships. */
  readSessionVersion(userId: string, load: () => Promise<number | null>): Promise<number | null>;
  /** Drops the user's entries now: this process changed their access (the notification follows). */
  changed(userId: string): void;
  /** True while changes reach the cache (its LISTEN connection listens): only then are reads kept. */
  readonly listening: boolean;
  /** Resolves once every membership change committed before the call has reached this cache. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Entry<T> {
  value: Promise<T>;
  readAt: number;
}

export function createMembershipCache(connectionString: string, options: MembershipCacheOptions = {}): MembershipCache {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const sessionVersionMaxAgeMs = options.sessionVersionMaxAgeMs ?? 5_000;
  const maxUsers = options.maxUsers ?? 10_000;
  const memberships = new Map<string, Entry<SellerMembership[]>>();
  const sessionVersions = new Map<string, Entry<number | null>>();
  // Bumped by every notification and connection change: a read that started before one is not kept,
  // as it may have seen the database before the change it announces.
  let generation = 0;
  const dropAll = () => {
    generation += 1;
    memberships.clear();
    sessionVersions.clear();
  };
  const drop = (userId: string) => {
    generation += 1;
    memberships.delete(userId);
    sessionVersions.delete(userId);
  };
  const listener = createPgListener({
    connectionString,
    channel: ACCESS_CHANNEL,
    applicationName: "inbox-access",
    log: options.log,
    onNotification(userId) {
      if (userId === EVERYONE) dropAll();
      else drop(userId);
    },
    onListening: dropAll,
    onLost: dropAll,
  });

  function kept<T>(entries: Map<string, Entry<T>>, maxAge: number, userId: string, load: () => Promise<T>): Promise<T> {
    if (!listener.listening) {
      // Not listening yet (first use) or any more (lost): the database answers until it does.
      listener.listen().catch(() => {});
      return load();
    }
    const cached = entries.get(userId);
    if (cached && performance.now() - cached.readAt < maxAge) return cached.value;
    const startedIn = generation;
    const entry: Entry<T> = { value: load(), readAt: performance.now() };
    entry.value.then(
      () => {
        if (generation !== startedIn || !listener.listening) return;
        entries.delete(userId);
        entries.set(userId, entry);
        if (entries.size > maxUsers) entries.delete(entries.keys().next().value!);
      },
      () => {},
    );
    return entry.value;
  }

  return {
    read: (userId, load) => kept(memberships, maxAgeMs, userId, load),
    readSessionVersion: (userId, load) => kept(sessionVersions, sessionVersionMaxAgeMs, userId, load),
    changed: drop,
    get listening() {
      return listener.listening;
    },
    settled: () => listener.settled(),
    async close() {
      dropAll();
      await listener.close();
    },
  };
}

const cache = globalThis as unknown as { __inboxMembershipCache?: MembershipCache };

/** The process-wide cache for DATABASE_URL (the process-wide client's database). */
export function getMembershipCache(): MembershipCache {
  if (!cache.__inboxMembershipCache) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start` or set it to a PostgreSQL URL.");
    cache.__inboxMembershipCache = createMembershipCache(url);
  }
  return cache.__inboxMembershipCache;
}

/** Closes the process-wide cache (its LISTEN connection) at shutdown. */
export async function closeMembershipCache(): Promise<void> {
  const existing = cache.__inboxMembershipCache;
  cache.__inboxMembershipCache = undefined;
  await existing?.close();
}
