#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run bench` and every other `npm run` command on a
// machine with only Node.js and npm: fetches the pinned pnpm, installs dependencies, generates the
// Prisma client, then starts the app, runs every check, runs the benchmark, or (`pnpm <args>`) runs
// any pnpm command. Only Node built-ins here: nothing else is installed yet.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PNPM_VERSION = "12.4.2";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const command = process.argv[2];
const started = Date.now();
/** `token:create` prints the token on stdout and nothing else: everything of ours goes to stderr. */
const stdoutIsResult = command === "token:create";
const progressStdio = stdoutIsResult ? ["inherit", "pipe", "inherit"] : "inherit";

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  NEXT_TELEMETRY_DISABLED: "1",
  CHECKPOINT_DISABLE: "1",
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};

function phase(name) {
  (stdoutIsResult ? console.error : console.log)(`\n▸ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s since start)`);
}

function ensurePnpm() {
  const prefix = path.join(root, ".tools", "pnpm");
  const bin = path.join(prefix, "node_modules", "pnpm", "bin", "pnpm.mjs");
  const installed =
    fs.existsSync(bin) && JSON.parse(fs.readFileSync(path.join(prefix, "node_modules", "pnpm", "package.json"), "utf8")).version;
  if (installed !== PNPM_VERSION) {
    phase(`Fetching pnpm ${PNPM_VERSION}`);
    const result = spawnSync(
      "npm",
      ["install", "--prefix", prefix, "--save-exact", "--no-audit", "--no-fund", "--no-package-lock", `pnpm@${PNPM_VERSION}`],
      {
        stdio: progressStdio,
        env,
      },
    );
    if (result.status !== 0) fail(`Could not install pnpm ${PNPM_VERSION} with npm: check access to the npm registry.`);
  }
  // Scripts that call `pnpm` themselves (`pnpm check`) find this one first.
  env.PATH = `${path.join(prefix, "node_modules", ".bin")}${path.delimiter}${env.PATH ?? ""}`;
  return bin;
}

function run(pnpmBin, args) {
  const result = spawnSync(process.execPath, [pnpmBin, ...args], { cwd: root, stdio: progressStdio, env });
  if (stdoutIsResult && result.stdout) process.stderr.write(result.stdout);
  if (result.status !== 0) fail(`\`pnpm ${args.join(" ")}\` failed (exit code ${result.status ?? result.signal}).`);
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

if (command !== "start" && command !== "test" && command !== "bench" && command !== "token:create" && command !== "pnpm")
  fail("Usage: node scripts/bootstrap.mjs start|test|bench [bench options] | token:create [options] | pnpm <pnpm arguments>");

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`Node.js 20.19 or newer is required (this is ${process.versions.node}).`);

const pnpm = ensurePnpm();

if (command === "pnpm") {
  // `npm run worker`, `npm run user:create -- …` and the other README commands on a machine with
  // only Node.js and npm: the pinned pnpm (fetched above once), dependencies and the Prisma client
  // when missing, then the command with its arguments. stdin is passed through (passwords).
  if (!fs.existsSync(path.join(root, "node_modules", ".modules.yaml"))) run(pnpm, ["install", "--frozen-lockfile"]);
  if (!fs.existsSync(path.join(root, "packages", "db", "src", "generated", "prisma", "client.ts"))) {
    run(pnpm, ["--filter", "@inbox/db", "generate"]);
  }
  const args = process.argv.slice(3);
  const result = spawnSync(process.execPath, [pnpm, ...args], { cwd: root, stdio: "inherit", env });
  process.exit(result.status ?? 1);
}

phase("Installing dependencies");
run(pnpm, ["install", "--frozen-lockfile"]);
phase("Generating the Prisma client");
run(pnpm, ["--filter", "@inbox/db", "generate"]);

if (command === "token:create") {
  // Straight to the script (no `pnpm run` banner on stdout); its exit code is ours.
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/auth/create-token-cli.ts", ...process.argv.slice(3).filter((arg) => arg !== "--")],
    { cwd: path.join(root, "packages", "api"), stdio: "inherit", env },
  );
  process.exit(result.status ?? 1);
} else if (command === "bench") {
  // `npm run bench -- --quick` and `pnpm bench --quick` both arrive here with the options after "bench".
  phase("Running the benchmark (docs/performance.md)");
  run(pnpm, ["--filter", "@inbox/api", "bench", ...process.argv.slice(3).filter((arg) => arg !== "--")]);
} else if (command === "test") {
  phase("Running every check: lint, format, types, unit and integration tests, browser tests");
  run(pnpm, ["run", "check"]);
  phase(`All checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} else {
  phase("Starting Marketplace Inbox");
  // The launcher runs directly (not under `pnpm run`, which reports a Ctrl-C as a failure). Ctrl-C
  // reaches it and Next.js; it then stops the workers and the database itself.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/launch.ts"], {
    cwd: path.join(root, "apps", "web"),
    stdio: "inherit",
    env,
  });
  process.on("SIGINT", () => {}); // the terminal already signalled the launcher
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1)));
}
