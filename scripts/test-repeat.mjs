#!/usr/bin/env node
// `pnpm test:repeat <test file> <n> [--load] [--keep-going] [--verbose]`: runs one Vitest file n times
// in a row in the package that owns it, so a flaky test shows itself before it reaches CI.
//   --load        keeps the CPU busy with two busy-loop processes during the runs (CI machines are busy)
//   --keep-going  runs all n even after a failure (default: stop at the first one)
//   --verbose     shows every run's output (default: only a failed run's)
// Prints each run's duration and result, and ends with "N passed, N failed". Node built-ins only.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const usage = "usage: pnpm test:repeat <test file> <n> [--load] [--keep-going] [--verbose]";
const flags = new Set(process.argv.slice(2).filter((arg) => arg.startsWith("--")));
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
for (const flag of flags) if (!["--load", "--keep-going", "--verbose"].includes(flag)) fail(`unknown option ${flag}\n${usage}`);
if (positional.length !== 2) fail(usage);
const runs = Number(positional[1]);
if (!Number.isInteger(runs) || runs < 1) fail(`<n> must be a positive whole number\n${usage}`);

// pnpm runs root scripts from the repository root; INIT_CWD is where the command was typed.
const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), positional[0]);
if (!fs.existsSync(file)) fail(`no such file: ${file}`);
const packageDir = owningPackage(file);
const vitest = path.join(path.dirname(createRequire(path.join(packageDir, "package.json")).resolve("vitest/package.json")), "vitest.mjs");
const relative = path.relative(packageDir, file);

const loaders = flags.has("--load") ? [0, 1].map(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" })) : [];
const stopLoad = () => {
  for (const loader of loaders) if (loader.exitCode === null && loader.signalCode === null) loader.kill("SIGKILL");
};
process.on("exit", stopLoad);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopLoad();
    process.exit(130);
  });
}

console.log(
  `${relative} in ${path.relative(process.cwd(), packageDir) || "."}: ${runs} runs${loaders.length ? ", CPU kept busy by 2 busy loops" : ""}`,
);
let passed = 0;
let failed = 0;
for (let run = 1; run <= runs; run += 1) {
  const started = Date.now();
  const { code, output } = await runOnce();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) passed += 1;
  else failed += 1;
  if (code !== 0 && !flags.has("--verbose")) process.stdout.write(output);
  console.log(`run ${run}/${runs}: ${code === 0 ? "passed" : `FAILED (exit ${code})`} in ${seconds} s`);
  if (code !== 0 && !flags.has("--keep-going")) break;
}
stopLoad();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function runOnce() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, "run", relative], {
      cwd: packageDir,
      env: { ...process.env, FORCE_COLOR: "0" },
      stdio: ["ignore", flags.has("--verbose") ? "inherit" : "pipe", flags.has("--verbose") ? "inherit" : "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

/** The nearest directory above `file` with a package.json, below the repository root. */
function owningPackage(start) {
  for (let dir = path.dirname(start); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && !fs.existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    if (fs.existsSync(path.join(dir, "pnpm-workspace.yaml"))) break;
  }
  fail(`${start} is not inside a package of this repository`);
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
