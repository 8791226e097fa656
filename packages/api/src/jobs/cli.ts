// `pnpm worker`: the background workers as a process of their own. Run any number of them, on any
// number of machines, against one PostgreSQL (DATABASE_URL); without DATABASE_URL they join the
// embedded database of this checkout (started by `npm start`, or started here).
//
// The `worker` script runs this with --max-old-space-size=512, on purpose. Every job holds a bounded
// working set (a sync: one page of 100 items and the page read ahead; automation: RULE_BATCH items):
// ~30 MB of live heap after a GC, ~50 MB at most between collections under this limit, the same
// after 200 000 synced reviews as after 20 000, so a 1 M-review sync (10 000 pages) needs no more.
// Without a limit V8 sizes the heap from the machine's memory (4 GB on a 24 GB host) and lets
// garbage pile up: heap ~170 MB and RSS ~270 MB over 200 000 reviews, 282 → 370 MB over the bench's
// 1 M. With 512 MB (256 or 384 do the same) V8 collects sooner: heap ~78 MB, RSS ~175–195 MB, flat;
// 512 leaves ten times the largest working set seen as margin. bench/sync-worker.ts is started with
// the same flags (bench/sync.ts).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient } from "@inbox/db";
import { ensureDatabase, ensureSecretKey } from "@inbox/db/server";
import { startWorkers } from "./worker";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const dataDir = path.resolve(process.env.INBOX_DATA_DIR ?? path.join(repoRoot, ".data"));

process.env.INBOX_SECRET_KEY = ensureSecretKey(dataDir);
// Joining the demo of `npm start` (embedded database): its accounts live on local sandboxes.
if (!process.env.DATABASE_URL && process.env.INBOX_DEMO !== "off") process.env.INBOX_ALLOW_CUSTOM_BASE_URL ??= "1";
const database = await ensureDatabase({ dataDir });
const prisma = createPrismaClient(database.url);
const workers = await startWorkers({
  prisma,
  databaseUrl: database.url,
  concurrency: Number(process.env.INBOX_WORKER_CONCURRENCY ?? 2),
  log: (line) => console.log(`[${new Date().toISOString()}] ${line}`),
});
console.log(`Worker ${workers.id} is running. Ctrl-C stops it after the current jobs.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log("Stopping: finishing or releasing the current jobs…");
  try {
    await workers.stop(); // resolves only once no job (nor its heartbeat) writes any more
    await prisma.$disconnect();
    await database.stop();
    process.exit(0);
  } catch (error) {
    console.error("Stopping the worker failed:", error);
    process.exit(1);
  }
}
// stop() handles its own failure and ends the process, so the promise needs no other owner.
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
