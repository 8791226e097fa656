// Real PostgreSQL for tests: one server per test run (embedded, or the server of DATABASE_URL),
// a migrated template database, and a fresh database cloned from it for every test file.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient } from "../client";
import { createDatabaseIfMissing, quoteIdent, startEmbeddedPostgres } from "../embedded-postgres";
import { migrateDeploy } from "../migrate";
import type { PrismaClient } from "../generated/prisma/client";

export interface TestDatabaseServer {
  /** Admin URL (any database) of the server; the template database name rides along. */
  adminUrl: string;
  template: string;
  stop(): Promise<void>;
}

export async function startTestDatabaseServer(): Promise<TestDatabaseServer> {
  const template = `inbox_template_${randomBytes(4).toString("hex")}`;
  const external = process.env.DATABASE_URL;
  const server = external
    ? null
    : await startEmbeddedPostgres({
        dataDir: path.join(os.tmpdir(), `inbox-test-pg-${process.pid}-${randomBytes(3).toString("hex")}`),
        database: "postgres",
        ephemeral: true,
      });
  const adminUrl = external ?? server!.adminUrl;
  await createDatabaseIfMissing(adminUrl, template);
  await migrateDeploy(withDatabase(adminUrl, template));
  return {
    adminUrl,
    template,
    async stop() {
      await dropDatabase(adminUrl, template);
      await server?.stop();
    },
  };
}

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/** A new, migrated, empty database of its own for one test file. */
export async function createTestDatabase(
  server: Pick<TestDatabaseServer, "adminUrl" | "template">,
  options: { reportStuckDisconnectAfterMs?: number } = {},
): Promise<TestDatabase> {
  const reportAfterMs = options.reportStuckDisconnectAfterMs ?? 15_000; // well below the hook timeout
  const name = `inbox_test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(server.adminUrl, name, server.template);
  const url = withDatabase(server.adminUrl, name);
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    async drop() {
      // A query started and never awaited can keep a pooled backend `idle in transaction`; the pool
      // then never ends. Say which connections hold on instead of hanging until the hook times out.
      const disconnected = prisma.$disconnect().then(() => true);
      let wait: NodeJS.Timeout | undefined;
      const stuck = new Promise<false>((resolve) => (wait = setTimeout(() => resolve(false), reportAfterMs)));
      const finished = await Promise.race([disconnected, stuck]);
      clearTimeout(wait);
      if (finished) return dropDatabase(server.adminUrl, name);
      const holders = await connectionsTo(server.adminUrl, name);
      await dropDatabase(server.adminUrl, name); // FORCE ends those backends, so the server can stop
      throw new Error(
        `prisma.$disconnect() of test database ${name} had not finished after ${reportAfterMs / 1000} s: ` +
          `a query or transaction is still running or was started and never awaited (see packages/api/src/background.ts). ` +
          `Connections to the database: ${holders.length === 0 ? "none" : holders.map(describeConnection).join("; ")}`,
      );
    },
  };
}

export interface DatabaseConnection {
  pid: number;
  applicationName: string;
  state: string | null;
  transactionStartedAt: Date | null;
  query: string;
}

/** Backends connected to `database`, as pg_stat_activity sees them. */
export async function connectionsTo(adminUrl: string, database: string): Promise<DatabaseConnection[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<DatabaseConnection>(
      `SELECT pid, application_name AS "applicationName", state, xact_start AS "transactionStartedAt", left(query, 200) AS query
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY pid`,
      [database],
    );
    return rows;
  } finally {
    await client.end();
  }
}

function describeConnection(connection: DatabaseConnection): string {
  const since = connection.transactionStartedAt ? `, transaction open since ${connection.transactionStartedAt.toISOString()}` : "";
  return `pid ${connection.pid} (${connection.applicationName || "no application_name"}) ${connection.state ?? "unknown state"}${since}, last query: ${connection.query}`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function dropDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
