// Every process a test file starts is tracked and killed (and waited for) after each test, also when
// the test failed or timed out, so no child outlives its test or still talks to the database when
// useTestDatabase() drops it (its afterAll runs after every afterEach).
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { afterAll, afterEach } from "vitest";

export interface ChildProcesses {
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  /** SIGKILLs every tracked child still running and resolves once all have exited. */
  killAll(): Promise<void>;
}

/** Call at the top of a test file, next to useTestDatabase(). */
export function useChildProcesses(): ChildProcesses {
  const running = new Map<ChildProcess, Promise<void>>();
  const children: ChildProcesses = {
    spawn(command, args, options) {
      const child = spawn(command, args, options);
      const exited = new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.once("error", () => resolve()); // never started: nothing to wait for
      });
      running.set(child, exited);
      void exited.then(() => running.delete(child)); // bookkeeping only: killAll() awaits the same promise
      return child;
    },
    async killAll() {
      for (const child of running.keys()) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await Promise.all(running.values());
    },
  };
  afterEach(() => children.killAll());
  afterAll(() => children.killAll()); // a child started by a test body still running after its timeout
  return children;
}
