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
export async function createTestDatabase(server: Pick<TestDatabaseServer, "adminUrl" | "template">): Promise<TestDatabase> {
  const name = `inbox_test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(server.adminUrl, name, server.template);
  const url = withDatabase(server.adminUrl, name);
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(server.adminUrl, name);
    },
  };
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
