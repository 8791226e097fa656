// The Prisma client over node-postgres. One pool per process (per URL), reused across requests
// and hot reloads. The hot paths send their raw statements to the same pool directly: the inbox
// pages and counts (`rawReader`) and the sync's page saves (`rawTransaction`), where Prisma's
// raw-query layer costs more CPU than the statements themselves (docs/performance.md, "The app's
// CPU per call" and "Sync").
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "./generated/prisma/client";

/** What a raw read needs: Prisma's `$queryRaw` with a `Prisma.sql` statement, or the pool's. */
export interface RawReader {
  $queryRaw<T = unknown>(query: Prisma.Sql): Promise<T>;
}

// On globalThis, like the client cache below: the API server in front of Next.js and Next's own
// bundle each load this module, and either may have made the process's client.
const registry = globalThis as unknown as { __inboxRawReaders?: WeakMap<object, RawReader>; __inboxDate?: DateConstructor };
const readers = (registry.__inboxRawReaders ??= new WeakMap<object, RawReader>());

// Next.js replaces the global Date when its server prepares (next/dist/server/node-environment-
// extensions/date.js, which tracks `new Date()` in prerenders); through its Reflect.construct a parsed
// timestamp costs five times as much (90 against 18 µs per 100 dates here), and an inbox page parses
// about 90. The constructor the process's first copy of this module saw is kept for every copy: the
// API server loads it before Next.js prepares, and Next's bundle has a copy of its own. The dates are
// the same objects either way, and a timestamp with a value is never a read of the clock.
const IntrinsicDate = (registry.__inboxDate ??= Date);
const pools = new WeakMap<RawReader, pg.Pool>();

/**
 * How long an idle connection stays open. A new PostgreSQL backend is slow until its caches are
 * warm (catalog entries, the Russian stemmer): with pg's default of 10 s, a user who paused longer
 * than that got an inbox page with search and counts in 120–140 ms instead of 20–25 ms (1 M items).
 * Idle connections do not keep the process alive (`allowExitOnIdle`), so scripts still exit.
 */
const IDLE_CONNECTION_MS = 30 * 60_000;

export function createPrismaClient(connectionString: string): PrismaClient {
  // Pipelined (pg's `pipeline`): statements a transaction queues are written at once and run back to
  // back, rather than each waiting for this process to answer the one before (rawTransaction).
  const pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: IDLE_CONNECTION_MS, allowExitOnIdle: true, pipeline: true });
  // An idle connection that breaks (a database restart) must not crash the process before Prisma,
  // which adds its own listener when it connects, has run a query: the next query reports it.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  readers.set(prisma, poolReader(pool));
  return prisma;
}

/**
 * The pool behind a client made by `createPrismaClient`, as a raw reader that answers as Prisma's
 * `$queryRaw` does (timestamps as UTC dates, int8 as bigint). Any other client (a transaction, a
 * logging client) reads through itself, so statements inside a transaction stay in it.
 */
export function rawReader(client: Pick<PrismaClient, "$queryRaw">): RawReader {
  return readers.get(client) ?? client;
}

const TIMESTAMP = 1114;
const TIMESTAMP_ARRAY = 1115;
const TEXT_ARRAY: number = 1009;
const INT8 = 20;
// `timestamp(3)` columns hold UTC wall time (Prisma's convention): never the process's zone.
const parseTimestamp = (value: string) => new IntrinsicDate(`${value.replace(" ", "T")}Z`);
const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY) as (value: string) => Array<string | null>;
const READ_TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP) return parseTimestamp;
    if (oid === TIMESTAMP_ARRAY) return (value: string) => parseTextArray(value).map((at) => (at === null ? null : parseTimestamp(at)));
    if (oid === INT8) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Dates as UTC ISO text: node-postgres would send local time with an offset, which `::timestamp` drops. */
const asParameter = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.map(asParameter) : value;

const poolQuery = (query: Prisma.Sql) => ({ text: query.text, values: query.values.map(asParameter), types: READ_TYPES });

function poolReader(pool: pg.Pool): RawReader {
  const reader: RawReader = {
    async $queryRaw<T>(query: Prisma.Sql): Promise<T> {
      return (await pool.query(poolQuery(query))).rows as T;
    },
  };
  pools.set(reader, pool);
  return reader;
}

/**
 * Independent reads sent together: on a client from `createPrismaClient`, on one pooled connection in
 * one write, answered in order, each its own statement (and snapshot) as if sent one by one — one
 * round trip instead of one each. On any other client, one after another through it. Each answer
 * settles with its own statement, and one the caller drops is handled (no unhandled rejection).
 */
export function readTogether(client: Pick<PrismaClient, "$queryRaw">, statements: Prisma.Sql[]): Array<Promise<unknown>> {
  const reader = rawReader(client);
  const pool = pools.get(reader);
  if (!pool) {
    let previous: Promise<unknown> = Promise.resolve();
    return statements.map((statement) => {
      const answer = previous.then(() => reader.$queryRaw(statement));
      previous = answer.catch(() => {});
      return handled(answer);
    });
  }
  const connecting = pool.connect().then((connection) => ({ connection, written: batchedWrites(connection) }));
  // The queries are queued in consecutive promise callbacks, within one turn: one write.
  const answers = statements.map((statement) =>
    handled(
      connecting.then(({ connection, written }) => {
        written.holdUntilNextTick();
        return connection.query(poolQuery(statement)).then((result) => result.rows as unknown);
      }),
    ),
  );
  void connecting.then(
    ({ connection }) => Promise.allSettled(answers).then(() => connection.release()),
    () => {},
  );
  return answers;
}

/**
 * The statements a raw transaction offers: Prisma's tagged-template `$queryRaw` and `$executeRaw`
 * (a Prisma transaction client is one too).
 */
export interface RawTransaction {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

type SendStatement = (query: string | pg.QueryConfig) => Promise<pg.QueryResult>;

/** `statement` with a handler: a failure the transaction awaits later is not reported as unhandled meanwhile. */
function handled<R>(statement: Promise<R>): Promise<R> {
  statement.catch(() => {});
  return statement;
}

/** The statements a transaction has sent, awaited together before it ends (`settled` throws the first failure). */
function sentStatements() {
  const sent: Promise<unknown>[] = [];
  return {
    /** `statement`, recorded and handled (which also starts a lazy Prisma statement). */
    track<R>(statement: Promise<R>): Promise<R> {
      sent.push(handled(statement));
      return statement;
    },
    settled: () => Promise.all(sent),
  };
}

/**
 * The statements a client sends in one turn of the event loop, written to its socket together.
 * node-postgres writes each statement as it is sent (corked only around its own messages); on 2
 * cores each of those writes can wake the database backend for a statement it cannot run yet. The
 * socket is corked at the first statement of a turn and uncorked on the next tick, once the turn's
 * promise callbacks (which may send more: a checkpoint, then COMMIT) have run.
 */
function batchedWrites(connection: pg.PoolClient) {
  const stream = (connection as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  let held = false;
  const release = () => {
    held = false;
    stream!.uncork!();
  };
  return {
    holdUntilNextTick() {
      if (held || !stream?.cork || !stream.uncork) return;
      held = true;
      stream.cork();
      process.nextTick(release);
    },
  };
}

/**
 * BEGIN (with any settings), the work's statements, COMMIT on one pooled connection; ROLLBACK when
 * anything fails. The pool is pipelined, so each statement is written as soon as it is sent — BEGIN
 * with the first one, COMMIT right behind the last — and PostgreSQL runs them back to back instead of
 * waiting for this process between them. Every statement's outcome is awaited before the commit is
 * reported, whether the work awaited it or not; the first to fail is the error (PostgreSQL answers
 * COMMIT after a failed statement with a rollback).
 */
async function onePoolTransaction<T>(pool: pg.Pool, begin: string, work: (send: SendStatement) => Promise<T>): Promise<T> {
  const connection = await pool.connect();
  const statements = sentStatements();
  const written = batchedWrites(connection);
  const send: SendStatement = (query) => {
    written.holdUntilNextTick();
    return statements.track(connection.query(query as pg.QueryConfig));
  };
  let broken = false;
  try {
    void send(begin); // awaited with the others below
    const result = await work(send);
    const commit = send("COMMIT");
    await statements.settled();
    if ((await commit).command !== "COMMIT") throw new Error("PostgreSQL rolled the transaction back at COMMIT.");
    return result;
  } catch (error) {
    // A connection that cannot even roll back is dropped rather than lent again mid-transaction.
    await connection.query("ROLLBACK").catch(() => (broken = true));
    // Everything sent has been answered by now: a statement that failed (a BEGIN, an INSERT) is the
    // cause of whatever failed after it.
    await statements.settled();
    throw error;
  } finally {
    connection.release(broken);
  }
}

// A template's strings are an array; a `Prisma.sql` statement is not (and may come from another copy
// of this module, so `instanceof` would not do).
const sqlOf = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql =>
  Array.isArray(query) ? Prisma.sql(query as TemplateStringsArray, ...values) : (query as Prisma.Sql);

/**
 * A transaction of raw statements. On a client from `createPrismaClient` it runs on one pooled
 * connection, answering as Prisma's `$queryRaw` does: Prisma's interactive transaction costs its
 * query engine's CPU on every statement and on BEGIN and COMMIT (docs/performance.md, "Sync"). On any
 * other client (a logging one, a transaction), it is that client's own interactive transaction.
 * Either way every statement the work sends runs, in the order sent, and is awaited before COMMIT:
 * the work need not await a statement whose answer it does not use, which lets the pool write it
 * together with the next ones (onePoolTransaction). `settings` hold for this transaction alone
 * (`SET LOCAL` right after BEGIN).
 */
export async function rawTransaction<T>(
  client: Pick<PrismaClient, "$queryRaw" | "$transaction">,
  work: (tx: RawTransaction) => Promise<T>,
  settings: StatementSettings = {},
): Promise<T> {
  const set = setLocal(settings);
  const pool = pools.get(rawReader(client));
  if (!pool) {
    return (client as PrismaClient).$transaction(async (tx) => {
      for (const statement of set) await tx.$executeRawUnsafe(statement);
      const statements = sentStatements();
      const result = await work({
        $queryRaw: <R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
          statements.track(tx.$queryRaw<R>(sqlOf(query, values))),
        $executeRaw: (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
          statements.track(tx.$executeRaw(sqlOf(query, values))),
      });
      await statements.settled();
      return result;
    });
  }
  return onePoolTransaction(pool, ["BEGIN", ...set].join("; "), (send) =>
    work({
      $queryRaw: <R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
        handled(send(poolQuery(sqlOf(query, values))).then((result) => result.rows as R)),
      $executeRaw: (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) =>
        handled(send(poolQuery(sqlOf(query, values))).then((result) => result.rowCount ?? 0)),
    }),
  );
}

/** Settings for one statement: planner switches (`{ enable_seqscan: "off" }`) or integers (`gin_fuzzy_search_limit`). */
export type StatementSettings = Record<string, "on" | "off" | number>;

const settingValue = (name: string, value: StatementSettings[string]): string => {
  if (value === "on" || value === "off") return value;
  if (Number.isSafeInteger(value) && value >= 0) return String(value);
  throw new Error(`Not a value for ${name}: ${String(value)}`);
};

/** The statements that give a transaction these settings until it ends. */
function setLocal(settings: StatementSettings): string[] {
  return Object.entries(settings).map(([name, value]) => {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`Not a setting: ${name}`);
    return `SET LOCAL ${name} = ${settingValue(name, value)}`;
  });
}

/**
 * One read with settings of its own: `SET LOCAL` in a transaction around it, so the settings
 * end with it. On a client from `createPrismaClient` it runs on one pooled connection (Prisma's batch
 * transaction cost ~2 ms more CPU per call); on any other client, as a Prisma batch transaction.
 */
export async function queryRawWithSettings<T>(
  client: Pick<PrismaClient, "$queryRaw" | "$executeRawUnsafe" | "$transaction">,
  settings: StatementSettings,
  query: Prisma.Sql,
): Promise<T> {
  const set = setLocal(settings);
  const pool = pools.get(rawReader(client));
  if (!pool) {
    const results = await client.$transaction([...set.map((statement) => client.$executeRawUnsafe(statement)), client.$queryRaw<T>(query)]);
    return results.at(-1) as T;
  }
  return onePoolTransaction(pool, ["BEGIN", ...set].join("; "), async (send) => (await send(poolQuery(query))).rows as T);
}

const cache = globalThis as unknown as { __inboxPrisma?: PrismaClient };

/** The process-wide client for DATABASE_URL. */
export function getPrisma(): PrismaClient {
  if (!cache.__inboxPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start` or set it to a PostgreSQL URL.");
    cache.__inboxPrisma = createPrismaClient(url);
  }
  return cache.__inboxPrisma;
}
