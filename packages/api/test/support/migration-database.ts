// A scratch database at the schema just before one migration, for tests that run that migration on
// rows of the previous schema. Migrations run the way our pg adapter runs them: statement by
// statement, split at semicolons. The database is dropped after the file's tests.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createDatabaseIfMissing } from "@inbox/db/server";
import pg from "pg";
import { afterAll, inject } from "vitest";
import "@inbox/db/testing/global-setup";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../../db/prisma/migrations");

async function apply(client: pg.Client, folder: string) {
  const sql = fs.readFileSync(path.join(MIGRATIONS, folder, "migration.sql"), "utf8");
  for (const statement of sql.split(";")) if (statement.trim()) await client.query(statement);
}

/** Call at the top of a test file; `migrateToBefore()` in a test, then `applyTarget()` after seeding. */
export function useDatabaseBeforeMigration(target: string) {
  const server = inject("testDatabase");
  const name = `inbox_migration_${randomBytes(5).toString("hex")}`;
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });

  afterAll(async () => {
    await client.end();
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  return {
    client,
    async migrateToBefore() {
      await createDatabaseIfMissing(server.adminUrl, name);
      await client.connect();
      const folders = fs
        .readdirSync(MIGRATIONS)
        .filter((entry) => /^\d{14}_/.test(entry))
        .sort();
      for (const folder of folders.filter((entry) => entry < target)) await apply(client, folder);
    },
    applyTarget: () => apply(client, target),
  };
}
