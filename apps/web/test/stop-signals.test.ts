// `npm start`, `npm run worker` and the other README commands run through scripts/bootstrap.mjs.
// npm passes a stop signal only to its own child: a supervisor's SIGTERM, or a SIGINT sent to npm
// alone, once left the app, the workers and PostgreSQL running with nobody to stop them. The
// command here is a small Node.js process standing in for the app, run the way `npm run worker` runs
// its command: npm → bootstrap → pnpm → the package script's shell, which passes no signal on → the
// command.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inbox-stop-signals-"));
const command = path.join(dir, "command.cjs");
fs.writeFileSync(
  command,
  `const fs = require("node:fs");
const [state] = process.argv.slice(2);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { fs.writeFileSync(state, "stopped by " + signal); process.exit(0); });
fs.writeFileSync(state, "running");
setInterval(() => {}, 60_000);
`,
);

// Also after a failed or timed-out test: nothing it started outlives it.
afterEach(() => {
  for (const pid of leftOver()) process.kill(pid, "SIGKILL");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** Processes still running whose command line names this test's folder (the command, its shell). */
function leftOver(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(dir)) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

describe("a README command stopped through npm", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("passes %s on to the command it runs, and nothing is left running", async (signal) => {
    const state = path.join(dir, `${signal}.state`);
    // Started as a supervisor starts it: no terminal, a process group of its own.
    // `; true` keeps the shell waiting for the command instead of becoming it, as a script's shell.
    const script = `node ${JSON.stringify(command)} ${JSON.stringify(state)}; true`;
    const npm = spawn("npm", ["run", "--silent", "pnpm", "--", "exec", "sh", "-c", script], {
      cwd: root,
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    await until(() => fs.existsSync(state));

    npm.kill(signal); // npm alone, not its group
    await exited;

    // Each process waits for its command before it exits, so by now the command has stopped.
    expect(fs.readFileSync(state, "utf8")).toBe(`stopped by ${signal}`);
    expect(leftOver()).toEqual([]);
  });
});
