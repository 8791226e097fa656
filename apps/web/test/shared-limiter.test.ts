// The per-token limit is the same however many processes serve (src/server/shared-limiter.ts): real
// cluster workers take from one token's bucket through their primary, which grants the burst once
// in all, not once per process, and keeps other tokens apart.
import cluster, { type Worker } from "node:cluster";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { serveSharedLimits } from "../src/server/shared-limiter";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "limited-worker.ts");

interface Taken {
  type: "test:taken";
  allowed: number;
  refusedRetryAfter: number[];
  otherTokenAllowed: boolean;
}

beforeAll(() => {
  cluster.setupPrimary({ exec: fixture, execArgv: ["--import", "tsx"], silent: false });
  serveSharedLimits({ ratePerSecond: 0.001, burst: 5 });
});

describe("request limits shared by the server's processes", () => {
  it("grants a token's burst once across all workers, and each token its own", async () => {
    const workers: Worker[] = [cluster.fork(), cluster.fork(), cluster.fork()];
    try {
      const reports = await Promise.all(
        workers.map(
          (worker) =>
            new Promise<Taken>((resolve, reject) => {
              worker.on("message", (message: Taken) => {
                if (message.type === "test:taken") resolve(message);
              });
              worker.once("exit", (code) => reject(new Error(`a worker exited with code ${code} before reporting`)));
            }),
        ),
      );
      // 15 calls for one token from three processes: its burst of 5, the rest refused with a wait.
      expect(reports.reduce((sum, report) => sum + report.allowed, 0)).toBe(5);
      const refused = reports.flatMap((report) => report.refusedRetryAfter);
      expect(refused).toHaveLength(10);
      expect(refused.every((seconds) => seconds >= 1)).toBe(true);
      // Another token has a bucket of its own: its 3 calls are all within its burst.
      expect(reports.filter((report) => report.otherTokenAllowed)).toHaveLength(3);
    } finally {
      await Promise.all(
        workers.map((worker) => (worker.isDead() ? undefined : new Promise((resolve) => worker.once("exit", resolve).process.kill()))),
      );
    }
  });
  it("outlives a worker that dies with its answers still to come", async () => {
    const worker = cluster.fork({ EXIT_EARLY: "1" });
    expect(await new Promise((resolve) => worker.once("exit", resolve))).toBe(0);
    // Its answers fail to send: the primary (this process) goes on answering the others.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = cluster.fork();
    try {
      const report = await new Promise<Taken>((resolve) =>
        next.on("message", (message: Taken) => {
          if (message.type === "test:taken") resolve(message);
        }),
      );
      // Every one of its calls is answered, allowed or refused with a wait.
      expect(report.allowed + report.refusedRetryAfter.length).toBe(5);
    } finally {
      await new Promise((resolve) => next.once("exit", resolve).process.kill());
    }
  });
});
