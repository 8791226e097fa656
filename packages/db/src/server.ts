// Brings the database up for a process that serves or works: the server at DATABASE_URL when set,
// otherwise an embedded PostgreSQL under .data/. Either way the committed migrations are applied.
import fs from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDeploy } from "./migrate";
import { generateSecretKey } from "./secrets";

export { createDatabaseIfMissing, quoteIdent, removeEmbeddedCluster, startEmbeddedPostgres } from "./embedded-postgres";
export { migrateDeploy, runPrisma } from "./migrate";

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Where the embedded cluster's files are (may differ from the requested folder, see embedded-postgres.ts). */
  clusterDir?: string;
  /** Stops the embedded server (no-op for an external one). */
  stop(): Promise<void>;
}

export async function ensureDatabase(options: { dataDir: string; log?: (line: string) => void }): Promise<DatabaseHandle> {
  const external = process.env.DATABASE_URL;
  if (external) {
    await migrateDeploy(external);
    return { url: external, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.join(options.dataDir, "postgres"),
    database: "inbox",
    log: options.log,
  });
  try {
    await migrateDeploy(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url, embedded: true, clusterDir: server.dataDir, stop: () => server.stop() };
}

/** A value generated on the first start and kept (owner-only) in the data dir. */
export function persistentValue(dataDir: string, name: string, generate: () => string): string {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, generate(), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

/** INBOX_SECRET_KEY from the environment, or a key generated once into `<dataDir>/secret.key`. */
export function ensureSecretKey(dataDir: string): string {
  return process.env.INBOX_SECRET_KEY || persistentValue(dataDir, "secret.key", generateSecretKey);
}
