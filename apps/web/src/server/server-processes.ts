// The production server's processes (scripts/server.ts), as Node's cluster runs them: the primary
// forks them, they share the port (the primary hands each new connection to the next one), a
// process that crashes is replaced, and a stop signal stops them all before the primary exits. The
// primary also keeps the per-token request limits they share (shared-limiter.ts).
import cluster, { type Worker } from "node:cluster";
import { serveSharedLimits } from "./shared-limiter";

export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

/** What a server process tells the primary when it cannot listen, before it exits. */
const LISTEN_FAILED = "inbox:listen-failed";
interface ListenFailed {
  type: typeof LISTEN_FAILED;
  message: string;
}

/** Restarts within this window count together; more than RESTARTS_ALLOWED of them stop the server. */
const RESTART_WINDOW_MS = 60_000;
const RESTARTS_ALLOWED = 5;
/** How long a server process waits for its answers under way after a stop before it exits anyway. */
export const STOP_DEADLINE_MS = 30_000;
/** The primary's backstop: a process still running this long after the stop is killed. */
const KILL_DEADLINE_MS = STOP_DEADLINE_MS + 10_000;

/**
 * In the primary: forks `count` processes (running this script again, as cluster workers) and keeps
 * them running until a stop signal, then exits once they have (each gives its answers under way
 * STOP_DEADLINE_MS; one still running after KILL_DEADLINE_MS is killed). A process that exits before
 * it listened could not start (a taken port, no build): the server stops with its code.
 */
export function superviseServerProcesses(count: number): void {
  serveSharedLimits();
  const running = new Map<number, Worker>();
  const listened = new Set<number>();
  const restarts: number[] = [];
  let stopping = false;
  let exitCode = 0;
  let listenFailureSaid = false;
  const fork = () => {
    const worker = cluster.fork();
    // A message to a process that has just died fails with EPIPE: its exit is handled below.
    worker.on("error", () => {});
    running.set(worker.id, worker);
  };
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (running.size === 0) process.exit(exitCode);
    // Each stops as it does alone: answers under way finish, live streams end.
    for (const worker of running.values()) worker.process.kill("SIGTERM");
    setTimeout(() => {
      console.error(`✖ Server processes still running ${KILL_DEADLINE_MS / 1000} s after the stop: killed.`);
      for (const worker of running.values()) worker.process.kill("SIGKILL");
    }, KILL_DEADLINE_MS).unref();
  };
  cluster.on("listening", (worker) => listened.add(worker.id));
  // Every process fails to listen alike: the reason is said once.
  cluster.on("message", (_worker, message: Partial<ListenFailed> | null) => {
    if (message?.type !== LISTEN_FAILED || listenFailureSaid) return;
    listenFailureSaid = true;
    console.error(message.message);
  });
  cluster.on("exit", (worker, code, signal) => {
    running.delete(worker.id);
    if (stopping) {
      if (running.size === 0) process.exit(exitCode);
      return;
    }
    if (!listened.has(worker.id)) {
      if (signal) console.error(`✖ A server process was stopped (${signal}) before it could listen: the server stops.`);
      return stop(code || 1);
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > RESTARTS_ALLOWED) {
      console.error(`✖ Server processes keep stopping (${restarts.length} in a minute): the server stops. See the errors above.`);
      return stop(1);
    }
    console.error(`A server process stopped (${signal ?? `exit code ${code}`}); starting another.`);
    fork();
  });
  for (let i = 0; i < count; i += 1) fork();
  // One stop arrives several times (a terminal's Ctrl-C, the launcher's SIGTERM): the first counts.
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(0));
}

/** In a server process that cannot listen: says why (through the primary, in a cluster) and exits 1. */
export function exitWithListenFailure(message: string): void {
  if (cluster.isWorker && process.send) {
    const failure: ListenFailed = { type: LISTEN_FAILED, message };
    process.send(failure, undefined, undefined, () => process.exit(1));
    return;
  }
  console.error(message);
  process.exit(1);
}
