// Measures a running app over HTTP as a signed-in user: calls/s and latency of a URL at a given
// concurrency, and the time to the first body byte (which is what streaming improves). Signs in
// through next-auth's credentials endpoint like a browser (CSRF token, callback, session cookie).
//
//   tsx scripts/measure-http.ts --base http://127.0.0.1:3417 --path /api/trpc/seller.list \
//       [--path /api/health ...] [--concurrency 1,16] [--seconds 10] [--warmup 2] [--anonymous] \
//       [--server-pid PID]
//
// Paths are measured one after another, each at every concurrency, so a constant route measured in
// the same run gives a baseline on a shared machine. Load average is printed with each line. On a
// loaded machine wall-clock rates say more about the neighbours than about the app; with
// --server-pid (the `next-server` process) the server's own CPU time per call is printed too,
// which does not depend on the load, and 1000 / that is the rate one Node process can sustain.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3000" },
    path: { type: "string", multiple: true, default: ["/api/trpc/seller.list"] },
    concurrency: { type: "string", default: "1,16" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    email: { type: "string", default: "demo@inbox.local" },
    password: { type: "string", default: "demo-inbox-2026" },
    anonymous: { type: "boolean", default: false },
    "server-pid": { type: "string" },
  },
});

/** CPU time (user + system, all threads) the server process has used so far, ms. */
function serverCpuMs(): number {
  if (!args["server-pid"]) return NaN;
  // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
  const stat = fs.readFileSync(`/proc/${args["server-pid"]}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const base = new URL(args.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

interface Sample {
  status: number;
  /** Request sent → first body byte, ms. */
  firstByteMs: number;
  /** Request sent → last body byte, ms. */
  totalMs: number;
}

function request(path: string, cookie: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = -1;
    const req = http.request(
      { host: base.hostname, port: base.port, path, method: "GET", agent, headers: cookie ? { cookie } : {} },
      (res) => {
        res.on("data", () => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
        });
        res.on("end", () => {
          const totalMs = performance.now() - started;
          resolve({ status: res.statusCode ?? 0, firstByteMs: firstByteMs < 0 ? totalMs : firstByteMs, totalMs });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The session cookie of a real sign-in: CSRF token, then the credentials callback. */
async function signIn(): Promise<string> {
  const csrfResponse = await fetch(new URL("/api/auth/csrf", base));
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const csrfCookie = csrfResponse.headers.getSetCookie().map((line) => line.split(";")[0]);
  const callback = await fetch(new URL("/api/auth/callback/credentials", base), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie.join("; ") },
    body: new URLSearchParams({ csrfToken, email: args.email, password: args.password, json: "true" }),
  });
  const session = callback.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => pair.includes("session-token="));
  if (session.length === 0) throw new Error(`Sign-in failed: HTTP ${callback.status}, no session cookie`);
  return session.join("; ");
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(path: string, cookie: string, concurrency: number, seconds: number) {
  const samples: Sample[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) samples.push(await request(path, cookie));
    }),
  );
  return { samples, elapsedS: (performance.now() - started) / 1000 };
}

const cookie = args.anonymous ? "" : await signIn();
const levels = args.concurrency.split(",").map(Number);
console.log(`# ${base.origin}  cpus=${os.cpus().length}  ${args.anonymous ? "anonymous" : "signed in"}`);
console.log("path\tc\tcalls/s\tp50 ms\tp95 ms\tp99 ms\tTTFB p50\tTTFB p95\tnon-2xx\tserver CPU ms/call\tload1");
for (const path of args.path) {
  for (const concurrency of levels) {
    await run(path, cookie, concurrency, Number(args.warmup));
    const cpuBefore = serverCpuMs();
    const { samples, elapsedS } = await run(path, cookie, concurrency, Number(args.seconds));
    const cpuPerCall = (serverCpuMs() - cpuBefore) / samples.length;
    const total = samples.map((s) => s.totalMs).sort((a, b) => a - b);
    const firstByte = samples.map((s) => s.firstByteMs).sort((a, b) => a - b);
    const failed = samples.filter((s) => s.status < 200 || s.status >= 300).length;
    const f = (n: number) => n.toFixed(1);
    console.log(
      [
        path,
        concurrency,
        f(samples.length / elapsedS),
        f(percentile(total, 50)),
        f(percentile(total, 95)),
        f(percentile(total, 99)),
        f(percentile(firstByte, 50)),
        f(percentile(firstByte, 95)),
        failed,
        Number.isNaN(cpuPerCall) ? "-" : cpuPerCall.toFixed(2),
        os.loadavg()[0]!.toFixed(2),
      ].join("\t"),
    );
  }
}
agent.destroy();
