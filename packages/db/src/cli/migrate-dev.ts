// `pnpm --filter @inbox/db migrate:dev -- --name <change>`: writes a new migration with the SQL that
// takes a database at the committed migrations to schema.prisma. The JS schema engine cannot create
// the shadow database `prisma migrate dev` wants, so we diff against a throw-away embedded
// PostgreSQL that has the committed migrations applied.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../embedded-postgres";
import { dbPackageDir, migrateDeploy, runPrisma } from "../migrate";

const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options: { name: { type: "string" } } });
if (!values.name || !/^[a-z0-9_]+$/.test(values.name)) {
  console.error("Usage: pnpm --filter @inbox/db migrate:dev -- --name <snake_case_change>");
  process.exit(1);
}

const server = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `inbox-migrate-${process.pid}`), ephemeral: true });
try {
  await migrateDeploy(server.url);
  const sql = await runPrisma(
    ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    server.url,
  );
  const body = sql.slice(sql.indexOf("-- ")).trim();
  if (!body || body.includes("This is an empty migration")) {
    console.log("schema.prisma matches the committed migrations: nothing to do.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const folder = path.join(dbPackageDir, "prisma", "migrations", `${stamp}_${values.name}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "migration.sql"), `${body}\n`);
    await migrateDeploy(server.url); // proves the new migration applies cleanly
    console.log(`Created ${path.relative(process.cwd(), folder)}/migration.sql`);
  }
} finally {
  await server.stop();
}
