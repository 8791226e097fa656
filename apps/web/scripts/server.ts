// The production server, run by the launcher (`npm start`, the browser tests) and the benchmark
// in place of `next start`: one port, the API handler (src/server/api-server.ts) for /api/trpc,
// /api/v1 and /api/openapi.json, Next.js's request handler for everything else. Needs a build
// (`next build`) and the launcher's environment (DATABASE_URL, NEXTAUTH_SECRET, NEXTAUTH_URL).
//
//   node --import tsx scripts/server.ts      (PORT and HOST from the environment)
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gracefulClose } from "../src/server/graceful-close";
import { listenFailure } from "./launch-policy";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";

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
const handleApi = createApiListener({ hostname, port });

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
  console.error(`✖ ${listenFailure(error, port, hostname)}`);
  process.exit(1);
});
server.listen(port, hostname);

const stop = () => {
  // Idle connections close now, busy ones after their answer.
  void closing
    .close()
    .then(() => Promise.all([closeLiveHub(), closeMembershipCache()]))
    .then(() => app.close())
    .finally(() => process.exit(0));
  // Live-update streams never finish on their own: they end now, and their clients resume elsewhere.
  endEventStreams();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
