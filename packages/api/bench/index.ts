// `pnpm bench [--quick] [--only read|sync]`: the performance figures of docs/performance.md, measured
// on a database of the bench's own (embedded PostgreSQL under /tmp, thrown away afterwards), the web
// app served as in production and the marketplace sandbox in its own process. Prints the goals met or
// missed and writes bench/results/<date>.md and .json at the repository root. Exits non-zero when a
// figure was measured on nothing (no rows stored, no successful request, errors in responses).
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPrismaClient } from "@inbox/db";
import { migrateDeploy, startEmbeddedPostgres } from "@inbox/db/server";
import { benchReadPath, type ReadPathFigures } from "./read-path";
import { describeMachine, evaluateGoals, printSummary, writeResults } from "./report";
import { benchSync, type SyncFigures } from "./sync";
import { createBenchUser, seedInbox, SEED_PLAN } from "./seed";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const mode = args.quick ? "quick" : "full";
const only = args.only as "read" | "sync" | undefined;
if (only && only !== "read" && only !== "sync") throw new Error(`--only takes "read" or "sync", not ${only}`);

// The bench owns every secret it needs: no environment variable to set.
process.env.INBOX_SECRET_KEY ??= Buffer.alloc(32, 9).toString("base64");
process.env.CHECKPOINT_DISABLE = "1";
const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const machineBefore = describeMachine();
const server = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `inbox-bench-${process.pid}`), ephemeral: true });
let exitCode = 0;
// Ctrl-C (or a supervisor's SIGTERM): the database is stopped and its files removed; the app and the
// child processes follow the bench out (see read-path.ts and ipc.ts).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\nBENCH STOPPED (${signal})`);
    void server.stop().finally(() => process.exit(130));
  });
}
try {
  await migrateDeploy(server.url);
  const prisma = createPrismaClient(server.url);
  try {
    const plan = SEED_PLAN[mode];
    const user = await createBenchUser(prisma);
    let read: ReadPathFigures | null = null;
    let sync: SyncFigures | null = null;
    if (only !== "sync") {
      read = await benchReadPath({ prisma, databaseUrl: server.url, user, plan, log, seed: seedInbox });
    }
    if (only !== "read") {
      const seller = await prisma.seller.create({ data: { name: "Синхронизация (бенчмарк)" } });
      sync = await benchSync({
        prisma,
        databaseUrl: server.url,
        sellerId: seller.id,
        rateLimitedReviews: plan.sync.rateLimitedReviews,
        unlimitedReviews: plan.sync.unlimitedReviews,
        ingestSample: plan.sync.ingestSample,
        replies: plan.sync.replies,
        postgresDataDir: server.dataDir,
        log,
      });
    }
    const pgVersion = (await prisma.$queryRaw<{ version: string }[]>`SELECT version()`)[0]!.version;
    const goals = evaluateGoals(read, sync);
    const machine = { ...describeMachine(), pgVersion, loadAverageAtStart: machineBefore.loadAverage };
    printSummary(goals, machine, mode);
    const files = writeResults({ mode, machine, durationS: (Date.now() - started) / 1000, read, sync, goals, seed: plan });
    log(`results written to ${files.join(" and ")}`);
  } finally {
    await prisma.$disconnect();
  }
} catch (error) {
  console.error(`\nBENCH FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await server.stop();
}
process.exit(exitCode);
