// Brings the database up for a process that serves or works: the server at DATABASE_URL when set,
// otherwise an embedded PostgreSQL under .data/. Either way the committed migrations are applied.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { privilegedRoleWarning, provisionAppRole } from "./app-role";
import { postgresServerGroup, startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDeploy } from "./migrate";
import { generateSecretKey } from "./secrets";

export { createDatabaseIfMissing, quoteIdent, removeEmbeddedCluster, startEmbeddedPostgres } from "./embedded-postgres";
export { migrateDeploy, runPrisma } from "./migrate";
export { APP_ROLE, JOB_SCHEMA, privilegedRoleWarning } from "./app-role";

export interface DatabaseHandle {
  /** What the app, workers and CLIs connect with: embedded, the `inbox_app` role (see app-role.ts). */
  url: string;
  embedded: boolean;
  /** Where the embedded cluster's files are (may differ from the requested folder, see embedded-postgres.ts). */
  clusterDir?: string;
  /** Stops the embedded server (no-op for an external one). */
  stop(): Promise<void>;
}

export async function ensureDatabase(options: {
  dataDir: string;
  log?: (line: string) => void;
  warn?: (line: string) => void;
}): Promise<DatabaseHandle> {
  const external = process.env.DATABASE_URL;
  if (external) {
    await migrateDeploy(external);
    const warning = await privilegedRoleWarning(external);
    if (warning) (options.warn ?? console.warn)(`⚠ ${warning}`);
    return { url: external, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir, "postgres"),
    database: "inbox",
    log: options.log,
  });
  let url: string;
  try {
    // Migrations as the superuser (it owns the schema); the app gets a role of its own.
    await migrateDeploy(server.url);
    const password = persistentValue(options.dataDir, "app-database.password", () => randomBytes(24).toString("base64url"));
    url = await provisionAppRole(server.url, password);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, embedded: true, clusterDir: server.dataDir, stop: () => server.stop() };
}

/** A value generated on the first start and kept (owner-only) in the data dir. */
export function persistentValue(dataDir: string, name: string, generate: () => string): string {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, generate(), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

/**
 * INBOX_SECRET_KEY from the environment, or (embedded database only) a key generated once into
 * `<dataDir>/secret.key`. With an external DATABASE_URL a key generated on this machine would make
 * the stored credentials unreadable to every other app or worker process: refuse instead.
 */
export function ensureSecretKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.INBOX_SECRET_KEY) return env.INBOX_SECRET_KEY;
  if (env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL points at an external database but INBOX_SECRET_KEY is not set. Set it to the same 32-byte base64 key " +
        "on every app and worker process (`openssl rand -base64 32` for a new deployment).",
    );
  }
  return persistentValue(dataDir, "secret.key", generateSecretKey);
}

/**
 * The data folder holds keys, secrets and the database URL: the owner's alone (folder 0700, files
 * 0600). As root with the embedded cluster inside, the `postgres` system user must still pass
 * through to its own folder: then the folder is root:postgres 0710 (enter, never list or read).
 */
export function restrictToOwner(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const serverGroup = postgresServerGroup();
  if (serverGroup === null) {
    fs.chmodSync(dataDir, 0o700);
  } else {
    fs.chownSync(dataDir, 0, serverGroup);
    fs.chmodSync(dataDir, 0o710);
  }
  for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) fs.chmodSync(path.join(dataDir, entry.name), 0o600);
  }
}
