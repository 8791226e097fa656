// The production server's processes (src/server/server-processes.ts), as real processes: they share
// the port, one that crashes is replaced while the others keep answering, a stop signal stops them
// all before the primary exits cleanly, and one that cannot listen stops the server with its reason,
// said once.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "supervised-server.ts");
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startServer(port: number, processes: number) {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, PORT: String(port), PROCESSES: String(processes) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/**
 * The pid of the process that answers a request on a new connection, or null while none does. A
 * connection the primary hands to a process at the moment it is killed is lost with it (Node's
 * cluster), so an answer that does not come within 2 s counts as none.
 */
function answeringPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 2_000 }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve(Number(body)));
      response.on("error", () => resolve(null));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(null));
  });
}

/** Asks until `count` different processes have answered; fails after `seconds`. */
async function answeringPids(port: number, count: number, seconds = 30): Promise<Set<number>> {
  const pids = new Set<number>();
  const deadline = Date.now() + seconds * 1000;
  while (pids.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${pids.size} of ${count} processes answered within ${seconds} s`);
    const pid = await answeringPid(port);
    if (pid) pids.add(pid);
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the server's processes", { timeout: 90_000 }, () => {
  it("share the port, a crashed one is replaced, and a stop signal stops them all first", async () => {
    const port = await freePort();
    const server = startServer(port, 2);
    const [first, second] = [...(await answeringPids(port, 2))];

    process.kill(first!, "SIGKILL");
    // The other keeps answering meanwhile, and a new process joins it.
    const after = await answeringPids(port, 2);
    expect(after.has(first!)).toBe(false);
    expect(after.has(second!)).toBe(true);
    expect(server.stderr()).toContain("A server process stopped (SIGKILL); starting another.");

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    for (const pid of after) expect(alive(pid)).toBe(false);
    expect(await answeringPid(port)).toBeNull();
  });

  it("stops with exit code 1 when its processes cannot listen, and says why once", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const server = startServer((taken.address() as AddressInfo).port, 3);
      expect(await server.exited).toBe(1);
      expect(server.stderr().match(/✖ cannot listen: EADDRINUSE/g)).toHaveLength(1);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
