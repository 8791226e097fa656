// Brings the whole app up: database (embedded unless DATABASE_URL is set), migrations, demo data on
// an empty database, a production build when sources changed, then the production server
// (scripts/server.ts: Next.js with the API in front) or `next dev`.
// Ctrl-C stops Next.js and then the embedded database, cleanly.
//
//   tsx scripts/launch.ts [--dev] [--fresh] [--data-dir DIR] [--quiet]
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { DEMO_USER, startDemoSandboxes, type DemoSandboxes } from "@inbox/api/demo";
import { openAppInstance } from "@inbox/api/instance";
import { apiRateLimitFromEnv } from "@inbox/api/rate-limit";
import type { Workers } from "@inbox/api/workers";
import { ensureDatabase, ensureSecretKey, persistentValue, removeEmbeddedCluster, restrictToOwner } from "@inbox/db/server";
import { decideDemo, isLoopbackHost, listenFailure, serverProcessCount } from "./launch-policy";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(webDir, "..", "..");

const { values: args } = parseArgs({
  // `pnpm --filter @inbox/web serve -- --no-workers` passes the `--` through: it separates nothing here.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    dev: { type: "boolean", default: false },
    fresh: { type: "boolean", default: false },
    "data-dir": { type: "string" },
    /** Skip the in-process workers (a separate `pnpm worker` does the jobs). */
    "no-workers": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
});

const dataDir = path.resolve(args["data-dir"] ?? process.env.INBOX_DATA_DIR ?? path.join(repoRoot, ".data"));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const publicUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
// A wildcard address is not one to connect to; ask the app on loopback then.
const healthUrlBase = host === "0.0.0.0" || host === "::" ? `http://127.0.0.1:${port}` : publicUrl;
const step = (message: string) => console.log(`▸ ${message}`);
const loopback = isLoopbackHost(host);

async function main() {
  let demo: boolean;
  try {
    // Demo sandboxes and data (a published password): see launch-policy.ts.
    const decision = decideDemo(process.env, host);
    if (decision.warning) console.warn(decision.warning);
    demo = decision.demo;
    // An external database without INBOX_SECRET_KEY: refuse before anything starts.
    if (process.env.DATABASE_URL) ensureSecretKey(dataDir);
    // A taken port or a bad WEB_CONCURRENCY or API limit would fail only after the database, the
    // workers and the first sync had started.
    if (!args.dev) serverProcessCount(process.env, os.availableParallelism());
    apiRateLimitFromEnv();
    await ensurePortFree();
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (args.fresh) {
    // The cluster may live outside dataDir (see embedded-postgres.ts), and a killed earlier run may
    // still serve it: stop and remove it first.
    if (!process.env.DATABASE_URL) await removeEmbeddedCluster(path.join(dataDir, "postgres"));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  // Keys, secrets and the database URL live here: the owner's alone.
  restrictToOwner(dataDir);
  if (!demo && !process.env.INBOX_DEMO) step("Demo data is off (DATABASE_URL or a non-loopback HOST); INBOX_DEMO=on turns it on");

  const database = await ensureDatabase({ dataDir });
  step(
    database.embedded ? `Started embedded PostgreSQL (cluster in ${database.clusterDir})` : "Using the PostgreSQL server at DATABASE_URL",
  );
  let child: ChildProcess | null = null;
  let workers: Workers | null = null;
  let sandboxes: DemoSandboxes | null = null;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (workers) step("Stopping the workers (current jobs finish or are released)");
    // Whatever fails on the way out, the database is still stopped last.
    await workers?.stop().catch((error: unknown) => console.error("Stopping the workers failed:", error));
    await sandboxes?.close().catch((error: unknown) => console.error("Closing the sandboxes failed:", error));
    if (database.embedded) step("Stopping embedded PostgreSQL");
    try {
      await database.stop();
    } catch (error) {
      console.error("Stopping PostgreSQL failed:", error);
      code ||= 1;
    }
    process.exit(code);
  };
  // shutdown() runs once, reports its own failures and ends the process: the promise needs no other owner.
  // SIGHUP too: a closed terminal must not leave PostgreSQL (its own process group) running.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));

  try {
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      INBOX_SECRET_KEY: ensureSecretKey(dataDir),
      NEXTAUTH_SECRET:
        process.env.NEXTAUTH_SECRET ?? persistentValue(dataDir, "nextauth.secret", () => randomBytes(32).toString("base64url")),
      NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? publicUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      // Demo accounts point at local sandboxes; real deployments leave custom hosts off (SSRF).
      ...(demo ? { INBOX_ALLOW_CUSTOM_BASE_URL: "1" } : {}),
    };
    Object.assign(process.env, env);

    const instance = openAppInstance(database.url);
    // Credentials sealed in the first format (no key id, not bound to their account) are re-sealed once.
    const reencrypted = await instance.resealAccountSecrets();
    if (reencrypted > 0) step(`Re-sealed ${reencrypted} stored credentials with key ids and account binding`);
    if (demo) {
      sandboxes = await startDemoSandboxes({
        epoch: persistentValue(dataDir, "demo-epoch", () => new Date().toISOString()),
        // Customers keep writing, so the inbox stays alive: a new review, question or message a minute.
        customersEveryMs: 60_000,
      });
      const { created } = await instance.seedDemo(sandboxes.accounts);
      step(created ? "Created the demo user, sellers and marketplace accounts (sandboxes)" : "Reusing the existing data");
      if (created) {
        // The first inbox arrives through the real path: connectors → sync → database.
        for (const [index, account] of sandboxes.accounts.entries()) {
          step(`First sync ${index + 1}/${sandboxes.accounts.length}: ${account.displayName}`);
          await instance.syncAccount(account.id);
        }
      }
    }
    if (!demo && !loopback && (await instance.hasDemoUser())) {
      throw new Error(
        `This database holds the demo user, whose password is published, and HOST=${host} is reachable from the network. ` +
          "Start on a fresh data dir (--fresh), remove that user, or bind to 127.0.0.1.",
      );
    }
    if (!demo && !(await instance.hasUsers())) {
      step("No users yet: create the first with `npm run user:create -- --email … --name … --seller …` (it asks for the password)");
    }
    if (!args["no-workers"]) {
      workers = await instance.startWorkers({
        log: args.quiet ? undefined : (line) => console.log(`  [worker] ${line}`),
      });
    }
    // Tests and tools find the running instance here.
    // Holds the app role's database URL (never the superuser's) with its password: owner-only, also
    // when the file already existed.
    const runtimeFile = path.join(dataDir, "runtime.json");
    fs.writeFileSync(runtimeFile, JSON.stringify({ databaseUrl: database.url, url: publicUrl }, null, 2), { mode: 0o600 });
    fs.chmodSync(runtimeFile, 0o600);

    if (!args.dev) await buildIfNeeded(env);

    // Production: scripts/server.ts, Next.js with the API answered in front of it. `next dev` serves
    // the API through its route handlers (app/api), so API changes reload like the rest.
    const command = args.dev
      ? [createRequire(path.join(webDir, "package.json")).resolve("next/dist/bin/next"), "dev", "--port", String(port), "--hostname", host]
      : ["--import", "tsx", path.join(webDir, "scripts", "server.ts")];
    child = spawn(process.execPath, command, {
      cwd: webDir,
      env: args.dev ? env : { ...env, NODE_ENV: "production", PORT: String(port), HOST: host },
      stdio: args.quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    });
    // Ctrl-C reaches Next.js too; exiting on that signal is a clean stop, not a failure.
    child.on("exit", (code, signal) => void shutdown(code === 0 || signal === "SIGINT" || signal === "SIGTERM" ? 0 : (code ?? 1)));
    await waitForHealth();
    console.log(
      [
        "",
        `  Marketplace Inbox is running at ${publicUrl}`,
        demo ? `  Sign in as ${DEMO_USER.email} / ${DEMO_USER.password}` : "  Sign in with your account (demo data is off).",
        "  Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

/** A fingerprint of everything the production build depends on. */
function sourceFingerprint(): string {
  const hash = createHash("sha256");
  const roots = [
    "apps/web/src",
    "apps/web/next.config.ts",
    "apps/web/postcss.config.mjs",
    "packages/api/src",
    "packages/db/src",
    "packages/db/prisma/schema.prisma", // the generated client follows it (and is regenerated each start)
    "packages/connectors/src",
    "pnpm-lock.yaml",
  ];
  const visit = (target: string) => {
    if (!fs.existsSync(target)) return;
    const stat = fs.statSync(target);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(target).sort()) {
        if (entry !== "node_modules" && entry !== "generated") visit(path.join(target, entry));
      }
    } else {
      hash.update(`${path.relative(repoRoot, target)}:${stat.size}:${stat.mtimeMs}\n`);
    }
  };
  for (const root of roots) visit(path.join(repoRoot, root));
  return hash.digest("hex");
}

async function buildIfNeeded(env: NodeJS.ProcessEnv) {
  const stampFile = path.join(webDir, ".next", "inbox-build-stamp");
  const fingerprint = sourceFingerprint();
  const built =
    fs.existsSync(path.join(webDir, ".next", "BUILD_ID")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === fingerprint;
  if (built) return;
  step("Building the web app (first start or sources changed; about half a minute)");
  const nextBin = createRequire(path.join(webDir, "package.json")).resolve("next/dist/bin/next");
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [nextBin, "build"], { cwd: webDir, env, stdio: "inherit" });
    // A stop during the build (SIGTERM from a supervisor) must not leave `next build` running.
    const stopBuild = () => build.kill("SIGTERM");
    process.once("SIGTERM", stopBuild);
    build.once("exit", () => process.off("SIGTERM", stopBuild));
    build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with code ${code}`))));
  });
  fs.writeFileSync(stampFile, fingerprint);
}

/** Refuses, with what to do, when something already listens on the app's port. */
async function ensurePortFree() {
  const probe = net.createServer();
  const failure = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    probe.once("error", resolve);
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
  if (failure) throw new Error(listenFailure(failure, port, host));
}

async function waitForHealth() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${healthUrlBase}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The app did not become healthy on port ${port} within 60 s.`);
}

await main();
