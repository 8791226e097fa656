// The production server, run by the launcher (`npm start`, the browser tests) and the benchmark
// in place of `next start`: one port, the API handler (src/server/api-server.ts) for /api/trpc,
// /api/v1 and /api/openapi.json, Next.js's request handler for everything else. Needs a build
// (`next build`) and the launcher's environment (DATABASE_URL, NEXTAUTH_SECRET, NEXTAUTH_URL).
//
// It serves from several processes (WEB_CONCURRENCY; one per core by default, see launch-policy.ts),
// as Node's cluster runs them (src/server/server-processes.ts): this primary forks the workers, which
// share the port (the primary hands each new connection to the next worker), replaces one that
// crashes, and stops them all on SIGTERM, SIGINT or SIGHUP. What decides a request is the same in
// every process: sessions are cookies, caches are dropped by the database's notifications (@inbox/api
// auth/membership-cache.ts), and the per-token limits are kept by the primary
// (src/server/shared-limiter.ts); docs/architecture.md says what stays per process.
//
//   node --import tsx scripts/server.ts      (PORT, HOST and WEB_CONCURRENCY from the environment)
import cluster from "node:cluster";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gracefulClose } from "../src/server/graceful-close";
import { exitWithListenFailure, STOP_DEADLINE_MS, STOP_SIGNALS, superviseServerProcesses } from "../src/server/server-processes";
import { sharedLimiter } from "../src/server/shared-limiter";
import { listenFailure, serverProcessCount } from "./launch-policy";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";

if (cluster.isPrimary) {
  let processes: number;
  try {
    processes = serverProcessCount(process.env, os.availableParallelism());
    // The limits the primary keeps for its processes: a bad setting is said here, not as a stack trace.
    if (processes > 1) superviseServerProcesses(processes);
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (processes === 1) await serve(false);
} else {
  await serve(true);
}

async function serve(inCluster: boolean) {
  // Next.js, React and tRPC read NODE_ENV when they load, as `next start` sets it: so they are imported only after.
  Object.assign(process.env, { NODE_ENV: "production" });
  const { default: next } = await import("next");
  // Before app.prepare(), where Next.js replaces the global Date: @inbox/db keeps the intrinsic one for
  // the timestamps it parses (packages/db/src/client.ts).
  const { createApiListener, endEventStreams } = await import("../src/server/api-server");
  const { closeLiveHub, closeMembershipCache } = await import("@inbox/api");
  const app = next({ dir: webDir, dev: false, hostname, port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const handleApi = createApiListener({ hostname, port, ...(inCluster ? { limiter: sharedLimiter() } : {}) });

  const server = http.createServer((req, res) => {
    handleApi(req, res)
      .then((handled) => (handled ? undefined : handleNext(req, res)))
      .catch((error: unknown) => {
        console.error(`${req.method} ${req.url} failed:`, error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  // Idle keep-alive connections stay open longer than clients and proxies keep theirs before reusing
  // them (60 s is usual for nginx and load balancers). With Node's 5 s, a request sent on a connection
  // the server was closing at that moment failed with ECONNRESET (seen in the browser tests' API calls).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const closing = gracefulClose(server);
  server.once("error", (error: NodeJS.ErrnoException) => {
    if (server.listening) throw error;
    // The launcher checks the port first; another program may still have taken it since.
    exitWithListenFailure(`✖ ${listenFailure(error, port, hostname)}`);
  });
  server.listen(port, hostname);

  let stopping = false;
  const stop = () => {
    // One stop reaches a process several times (a terminal's Ctrl-C, the launcher's SIGTERM, the
    // primary's): the first starts it, and answers under way get STOP_DEADLINE_MS to finish.
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`✖ Answers still under way ${STOP_DEADLINE_MS / 1000} s after the stop: the server process exits without them.`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    // Idle connections close now, busy ones after their answer.
    void closing
      .close()
      .then(() => Promise.all([closeLiveHub(), closeMembershipCache()]))
      .then(() => app.close())
      .finally(() => process.exit(0));
    // Live-update streams never finish on their own: they end now, and their clients resume elsewhere.
    endEventStreams();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  // In a cluster, a process whose primary is gone exits at once (Node's own handler): none serves on alone.
}
