// `pnpm --filter @inbox/db migrate:dev -- --name <change>`: creates a migration from schema changes
// against a throw-away embedded PostgreSQL (or DATABASE_URL when set).
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../embedded-postgres";
import { runPrisma } from "../migrate";

const args = process.argv.slice(2).filter((arg) => arg !== "--");
const external = process.env.DATABASE_URL;
const server = external
  ? null
  : await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `inbox-migrate-${process.pid}`), ephemeral: true });
try {
  console.log(await runPrisma(["migrate", "dev", ...args], external ?? server!.url));
} finally {
  await server?.stop();
}
