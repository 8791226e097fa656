// Request/response over a forked child's IPC channel: the bench keeps the marketplace sandbox and the
// sync worker in their own processes, so their CPU and memory are not counted against each other.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = path.dirname(fileURLToPath(import.meta.url));

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface ChildHandle {
  call<T>(method: string, args?: unknown): Promise<T>;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Diagnosis: with `INBOX_BENCH_CPU_PROFILE=<dir>`, the app and the sync worker are started with
 * these flags and leave their V8 CPU profiles there when they stop.
 */
export function cpuProfileFlags(): string[] {
  const dir = process.env.INBOX_BENCH_CPU_PROFILE;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** Forks bench/<script> under tsx (with `nodeFlags`, e.g. a heap limit) and waits for its "ready" message. */
export async function startChild(
  script: string,
  env: Record<string, string | undefined> = {},
  nodeFlags: string[] = [],
): Promise<ChildHandle> {
  const child: ChildProcess = fork(path.join(benchDir, script), [], {
    cwd: path.resolve(benchDir, ".."),
    execArgv: [...nodeFlags, "--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      exited = true;
      for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited (code ${code}) during a call`));
      pending.clear();
      resolve();
    }),
  );
  child.on("message", (message: Reply | "ready") => {
    if (message === "ready") return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`${script}: ${message.error}`));
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", (message) => (message === "ready" ? resolve() : reject(new Error(`${script} sent ${String(message)}`))));
    child.once("exit", (code) => reject(new Error(`${script} exited with code ${code} before it was ready`)));
  });
  return {
    pid: child.pid!,
    call<T>(method: string, args?: unknown) {
      if (exited) return Promise.reject(new Error(`${script} is not running`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, method, args });
      });
    },
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await exit;
    },
  };
}

/** The child side: answers calls with the given methods, then says "ready". */
export function serveCalls(methods: Record<string, (args: never) => unknown>, onStop: () => Promise<void>) {
  process.on("message", (message: { id: number; method: string; args: never }) => {
    const method = methods[message.method];
    void (async () => {
      try {
        if (!method) throw new Error(`unknown method ${message.method}`);
        process.send!({ id: message.id, ok: true, value: await method(message.args) });
      } catch (error) {
        process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
  const stop = () => void onStop().finally(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // The parent going away (crash, Ctrl-C) takes this process with it.
  process.once("disconnect", stop);
  process.send!("ready");
}
