#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run bench` and every other `npm run` command on a
// machine with only Node.js and npm: fetches the pinned pnpm, installs dependencies, generates the
// Prisma client, then starts the app, runs every check, runs the benchmark, or (`pnpm <args>`) runs
// any pnpm command. Only Node built-ins here: nothing else is installed yet.
import { spawn, spawnSync } from "node:child_process";
import { Buffer } from "node:buffer";
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
  // pnpm's install script puts its native binary in place of the `pnpm` bin. We run that binary
  // itself: it passes a stop signal on to its command, where the Node.js wrapper (bin/pnpm.mjs,
  // kept for when install scripts were blocked) would die and leave the command running.
  const native = path.join(prefix, "node_modules", "pnpm", "pnpm");
  return isNativeExecutable(native) ? [native] : [process.execPath, bin];
}

function isNativeExecutable(file) {
  try {
    const head = Buffer.alloc(4);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    // ELF (Linux) or 64-bit Mach-O (macOS); the placeholder is a text file.
    return head.toString("latin1") === "\x7fELF" || head.readUInt32LE(0) === 0xfeedfacf;
  } catch {
    return false;
  }
}

function run(pnpmCommand, args) {
  const [file, ...fileArgs] = pnpmCommand;
  const result = spawnSync(file, [...fileArgs, ...args], { cwd: root, stdio: progressStdio, env });
  if (stdoutIsResult && result.stdout) process.stderr.write(result.stdout);
  if (result.status !== 0) fail(`\`pnpm ${args.join(" ")}\` failed (exit code ${result.status ?? result.signal}).`);
}

/**
 * Runs the command's main process and ends with its exit code, passing on every stop signal. npm
 * signals only its own child, which is this script (the package.json scripts `exec` it). In a
 * terminal, Ctrl-C (SIGINT) and a hang-up (SIGHUP) reach every process of the foreground group, the
 * command's included, so only a SIGTERM sent to npm is passed on. Anywhere else (a supervisor, CI, a
 * background job) a signal reaches npm alone: the command gets a process group of its own and every
 * stop signal goes to the whole group, the shells of package scripts and what they started included
 * (a shell does not pass a signal on to its command). In a terminal the command stays in the
 * terminal's group, where it can read a password (a background group could not).
 */
function runUntilStopped([file, ...args], { cwd = root, failure, stopIsSuccess = false }, onSuccess = () => {}) {
  const interactive = process.stdin.isTTY === true;
  const child = spawn(file, args, { cwd, stdio: "inherit", env, detached: !interactive });
  child.on("error", (error) => fail(`Could not start ${path.basename(file)}: ${error.message}`));
  let stoppedBy = null;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      stoppedBy ??= signal;
      if (interactive && signal !== "SIGTERM") return; // the terminal signalled the command itself
      try {
        process.kill(interactive ? child.pid : -child.pid, signal);
      } catch {
        // already gone: its exit ends this process
      }
    });
  }
  child.on("exit", (code, signal) => {
    // A command that ended by the stop signal itself stopped cleanly; one that exited with a code
    // (the launcher when stopping PostgreSQL failed) is taken at its word.
    if (code === 0 || (code === null && stoppedBy && stopIsSuccess)) {
      onSuccess();
      process.exit(0);
    }
    if (stoppedBy) fail(`Stopped (${stoppedBy}).`);
    if (failure) fail(`${failure} (${signal ? `ended by ${signal}` : `exit code ${code}`}).`);
    process.exit(code ?? 1);
  });
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
  runUntilStopped([...pnpm, ...process.argv.slice(3)], {});
} else {
  phase("Installing dependencies");
  run(pnpm, ["install", "--frozen-lockfile"]);
  phase("Generating the Prisma client");
  run(pnpm, ["--filter", "@inbox/db", "generate"]);
  runCommand();
}

function runCommand() {
  const extraArgs = process.argv.slice(3).filter((arg) => arg !== "--");
  if (command === "token:create") {
    // Straight to the script (no `pnpm run` banner on stdout); its exit code is ours.
    runUntilStopped([process.execPath, "--import", "tsx", "src/auth/create-token-cli.ts", ...extraArgs], {
      cwd: path.join(root, "packages", "api"),
    });
  } else if (command === "bench") {
    // `npm run bench -- --quick` and `pnpm bench --quick` both arrive here with the options after "bench".
    phase("Running the benchmark (docs/performance.md)");
    runUntilStopped([...pnpm, "--filter", "@inbox/api", "bench", ...extraArgs], { failure: "The benchmark failed" });
  } else if (command === "test") {
    phase("Running every check: lint, format, types, unit and integration tests, browser tests");
    runUntilStopped([...pnpm, "run", "check"], { failure: "A check failed (its output is above)" }, () =>
      phase(`All checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`),
    );
  } else {
    phase("Starting Marketplace Inbox");
    // The launcher runs directly (not under `pnpm run`, which reports a Ctrl-C as a failure); on a
    // stop it ends Next.js, the workers and the database itself, and a stop is a clean exit.
    runUntilStopped([process.execPath, "--import", "tsx", "scripts/launch.ts"], {
      cwd: path.join(root, "apps", "web"),
      stopIsSuccess: true,
    });
  }
}
