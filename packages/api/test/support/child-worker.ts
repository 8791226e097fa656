// Starts test/support/sync-child.ts as a real process (node --import tsx) and follows its stdout, so a
// test can wait for the n-th HTTP response and SIGKILL the process right there.
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildProcesses } from "./child-processes";

const here = path.dirname(fileURLToPath(import.meta.url));
const apiRoot = path.resolve(here, "..", "..");

export interface ChildWorker {
  process: ChildProcess;
  /** Resolves when the child has printed `line` `count` times in total; rejects when it exits first. */
  waitFor(line: string, count?: number): Promise<void>;
  count(line: string): number;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
  /** Exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stderr(): string;
}

/** Started through `children` (see useChildProcesses), which kills it after the test at the latest. */
export function startChildWorker(children: ChildProcesses, env: Record<string, string>): ChildWorker {
  const child = children.spawn(process.execPath, ["--import", "tsx", path.join(here, "sync-child.ts")], {
    cwd: apiRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const counts = new Map<string, number>();
  const waiters: Array<{ line: string; count: number; resolve: () => void }> = [];
  let buffered = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      counts.set(line, (counts.get(line) ?? 0) + 1);
      for (const waiter of [...waiters]) {
        if ((counts.get(waiter.line) ?? 0) >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return {
    process: child,
    count: (line) => counts.get(line) ?? 0,
    waitFor(line, count = 1) {
      if ((counts.get(line) ?? 0) >= count) return Promise.resolve();
      return Promise.race([
        new Promise<void>((resolve) => waiters.push({ line, count, resolve })),
        exited.then((code) => {
          if ((counts.get(line) ?? 0) >= count) return;
          throw new Error(`child exited (${code}) before printing "${line}" ${count} times; stderr:\n${stderr}`);
        }),
      ]);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    exited,
    stderr: () => stderr,
  };
}
