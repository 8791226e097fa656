// Read-path figures over HTTP against the production build and server (as `npm start` serves it), signed in through
// next-auth's credentials endpoint, next to the same SQL statements replayed directly with `pg`.
// The statements are captured from the service itself (Prisma's query events), so the replay follows
// whatever the read path sends today.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient, PrismaClient } from "@inbox/db";
import { createDatabaseIfMissing, migrateDeploy } from "@inbox/db/server";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { listInbox, type InboxFilter } from "../src/services/inbox";
import { cpuProfileFlags } from "./ipc";
import { latency, summarise, throughput, throughputInTurns, type LatencyFigures, type ThroughputFigures } from "./load";
import { signIn } from "./http-client";
import { capturePage, replayer, type CapturedStatement } from "./replay";
import { createBenchUser, seedSeller, type BenchUser, type SeededInbox, type SeedPlan } from "./seed";
import { NothingMeasuredError } from "./sync";
import { benchTriageQueries } from "./triage-scenarios";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const webDir = path.join(repoRoot, "apps", "web");
const HIGH_CONCURRENCY = 16;

export interface ReadPathOptions {
  prisma: PrismaClient;
  databaseUrl: string;
  user: BenchUser;
  plan: SeedPlan;
  log: (line: string) => void;
  seed: (prisma: PrismaClient, plan: SeedPlan, userId: string, log: (line: string) => void) => Promise<SeededInbox>;
}

export interface QueryFigures {
  name: string;
  statements: number;
  http: { c1: LatencyFigures; c16: ThroughputFigures };
  sql: { c1: LatencyFigures; c16: ThroughputFigures };
}

export interface ReadPathFigures {
  dataset: { items: number; sellers: number; largestSeller: number; smallestSeller: number; messages: number; seedSeconds: number };
  queries: QueryFigures[];
  /** The small seller's first page, p50: the median of rounds measured alternately in the two databases. */
  isolation: {
    smallSellerItems: number;
    aloneP50Ms: number;
    amongAllP50Ms: number;
    ratio: number;
    rounds: { aloneP50Ms: number[]; amongAllP50Ms: number[] };
  };
  trivialCall: ThroughputFigures;
  sellerPage: { ttfb: LatencyFigures; complete: LatencyFigures };
  /** Goals of the issue whose feature the app does not have yet. */
  notMeasured: string[];
}

type Input = InboxFilter & { cursor?: string | null; limit: number };

export async function benchReadPath(options: ReadPathOptions): Promise<ReadPathFigures> {
  const { prisma, log, plan, user } = options;
  const small = { key: "small", name: "Маленький продавец", items: plan.smallSellerItems };
  const smallSellerId = await seedSeller(prisma, { ...small, userId: user.id });
  // Steady state, as after the big seed (seed.ts): visibility map and statistics set.
  await prisma.$executeRawUnsafe("VACUUM (ANALYZE)");
  // The same small seller alone, in a database of its own served by an app of its own: both are
  // measured in turns after the big seed, so the ratio compares the data, not two moments of the machine.
  const aloneDb = await databaseWithSmallSellerAlone(options.databaseUrl, small);

  await buildIfStale(log, options.databaseUrl);
  const app = await startApp(options.databaseUrl, log);
  const aloneApp = await startApp(aloneDb.url, log);
  const capture = capturingClient(options.databaseUrl);
  // Pipelined, as the app's pool is: statements the app writes together are replayed together.
  const replayPool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, pipeline: true });
  try {
    const http = await signInForReads(app.url, user);
    const aloneHttp = await signInForReads(aloneApp.url, aloneDb.user);
    const firstPage: Input = { limit: 30 };

    const seedStarted = performance.now();
    log(`seed: ${plan.items} items over ${plan.sellers} sellers (Zipf)`);
    const seeded = await options.seed(prisma, plan, user.id, log);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seed: done in ${seedSeconds.toFixed(0)} s (${seeded.messages} messages)`);

    log("read: the small seller among everyone and alone, in turns");
    const among = () => http.list(smallSellerId, firstPage);
    const alone = () => aloneHttp.list(smallSellerId, firstPage);
    // Both apps warmed up alike (3 s of calls at concurrency 4), then rounds of 10 warm-up calls and
    // half the samples each, alternately; each figure is the median of its rounds' p50s.
    await throughput(among, 4, 3);
    await throughput(alone, 4, 3);
    const aloneP50s: number[] = [];
    const amongP50s: number[] = [];
    for (let round = 0; round < ISOLATION_ROUNDS; round += 1) {
      const samples = Math.ceil(plan.read.samplesC1 / 2);
      aloneP50s.push((await latency(alone, samples, 10, 10)).p50Ms);
      amongP50s.push((await latency(among, samples, 10, 10)).p50Ms);
    }
    await aloneApp.stop();
    const aloneP50Ms = summarise(aloneP50s).p50Ms;
    const amongAllP50Ms = summarise(amongP50s).p50Ms;

    const largest = seeded.sellerIds[0]!;
    let cursor: string | null = null;
    for (let step = 0; step < plan.read.cursorSteps; step += 1) {
      cursor = (await http.list(largest, { limit: 30, cursor })).nextCursor;
      if (!cursor) throw new NothingMeasuredError(`the largest seller ran out of pages after ${step + 1} steps`);
    }
    const cases: { name: string; input: Input }[] = [
      { name: "inbox.list first page (+ counts)", input: firstPage },
      {
        name: "inbox.list filtered: unanswered Ozon reviews",
        input: { limit: 30, status: "unanswered", marketplace: "ozon", channel: "review" },
      },
      { name: `inbox.list after ${plan.read.cursorSteps} cursor steps`, input: { limit: 30, cursor } },
    ];
    const queries: QueryFigures[] = [];
    for (const { name, input } of cases) {
      log(`read: ${name}`);
      const statements = await capturePage(() => capture.statements(largest, input), name);
      const replay = replayer(replayPool, statements, "together");
      const callHttp = () => http.list(largest, input);
      const httpC1 = await latency(callHttp, plan.read.samplesC1);
      const sqlC1 = await latency(replay, plan.read.samplesC1);
      // CPU per call: the app's server processes for HTTP, the bench's own (the pg client) for the replay.
      const [httpC16, sqlC16] = await throughputInTurns(
        { call: () => http.listAnswered(largest, input), cpuOf: app.pid },
        { call: replay, cpuOf: "self" },
        HIGH_CONCURRENCY,
        plan.read.secondsC16,
      );
      queries.push({ name, statements: statements.length, http: { c1: httpC1, c16: httpC16 }, sql: { c1: sqlC1, c16: sqlC16 } });
    }
    queries.push(
      ...(await benchTriageQueries({
        baseUrl: app.url,
        appPid: app.pid,
        user,
        databaseUrl: options.databaseUrl,
        replayPool,
        plan,
        log,
        sellerIds: seeded.sellerIds,
      })),
    );
    log("read: seller.list (a trivial authenticated call)");
    const trivialCall = await throughput(() => http.sellerList(), HIGH_CONCURRENCY, plan.read.secondsC16, app.pid);
    log("read: time to first byte of the seller page");
    for (let i = 0; i < 5; i += 1) await http.page(`/s/${largest}`);
    const firstByte: number[] = [];
    const complete: number[] = [];
    for (let i = 0; i < plan.read.samplesC1; i += 1) {
      const timing = await http.page(`/s/${largest}`);
      firstByte.push(timing.firstByteMs);
      complete.push(timing.completeMs);
    }
    return {
      dataset: {
        items: seeded.sizes.reduce((a, b) => a + b, 0) + plan.smallSellerItems,
        sellers: seeded.sizes.length + 1,
        largestSeller: seeded.sizes[0]!,
        smallestSeller: plan.smallSellerItems,
        messages: seeded.messages,
        seedSeconds,
      },
      queries,
      isolation: {
        smallSellerItems: plan.smallSellerItems,
        aloneP50Ms,
        amongAllP50Ms,
        ratio: amongAllP50Ms / aloneP50Ms,
        rounds: { aloneP50Ms: aloneP50s, amongAllP50Ms: amongP50s },
      },
      trivialCall,
      sellerPage: { ttfb: summarise(firstByte), complete: summarise(complete) },
      notMeasured: [],
    };
  } finally {
    await replayPool.end();
    await capture.close();
    await app.stop();
    await aloneApp.stop();
    await aloneDb.close();
  }
}

const ISOLATION_ROUNDS = 5;

/** A second database on the same server, migrated, holding the bench user and the small seller only. */
async function databaseWithSmallSellerAlone(databaseUrl: string, small: { key: string; name: string; items: number }) {
  const url = new URL(databaseUrl);
  url.pathname = "/inbox_small_alone";
  await createDatabaseIfMissing(databaseUrl, "inbox_small_alone");
  await migrateDeploy(url.toString());
  const prisma = createPrismaClient(url.toString());
  const user = await createBenchUser(prisma);
  await seedSeller(prisma, { ...small, userId: user.id });
  await prisma.$executeRawUnsafe("VACUUM (ANALYZE)");
  return { url: url.toString(), user, close: () => prisma.$disconnect() };
}

/** A Prisma client that records the SQL (with parameters) each service call sends. */
function capturingClient(databaseUrl: string) {
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }),
    log: [{ emit: "event", level: "query" }],
  });
  let recorded: CapturedStatement[] = [];
  client.$on("query", (event) => recorded.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  return {
    async statements(sellerId: string, input: Input) {
      recorded = [];
      await listInbox(client, sellerId, input);
      const statements = recorded.filter((statement) => !/^(BEGIN|COMMIT|DEALLOCATE)/i.test(statement.sql));
      if (statements.length === 0) throw new NothingMeasuredError("no SQL was captured from listInbox");
      return statements;
    },
    close: () => client.$disconnect(),
  };
}

/** Builds the web app when no build exists or a source file is newer than it. */
async function buildIfStale(log: (line: string) => void, databaseUrl: string) {
  const buildId = path.join(webDir, ".next", "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const newest = (target: string): number => {
    if (!fs.existsSync(target)) return 0;
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(
      0,
      ...fs
        .readdirSync(target)
        .filter((entry) => entry !== "node_modules" && entry !== "generated")
        .map((entry) => newest(path.join(target, entry))),
    );
  };
  const sources = [
    "apps/web/src",
    "apps/web/next.config.ts",
    "packages/api/src",
    "packages/db/src",
    "packages/connectors/src",
    "pnpm-lock.yaml",
  ];
  const stale = Math.max(...sources.map((source) => newest(path.join(repoRoot, source))));
  if (builtAt > stale) return;
  log("read: building the web app (no build, or sources changed since)");
  await new Promise<void>((resolve, reject) => {
    const build = spawn(process.execPath, [nextBin(), "build"], {
      cwd: webDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const killOnExit = () => build.kill("SIGTERM");
    process.once("exit", killOnExit);
    build.once("exit", () => process.off("exit", killOnExit));
    build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with code ${code}`))));
  });
}

const nextBin = () => createRequire(path.join(webDir, "package.json")).resolve("next/dist/bin/next");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The production server (apps/web/scripts/server.ts: Next.js with the API in front) on a free
 * loopback port, as `npm start` serves the app (no demo data, no workers).
 */
async function startApp(databaseUrl: string, log: (line: string) => void) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [...cpuProfileFlags(), "--import", "tsx", path.join(webDir, "scripts", "server.ts")],
    {
      cwd: webDir,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
        NEXTAUTH_URL: url,
        INBOX_DEMO: "off",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The bench stopped by a signal or an error must not leave the app serving.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the app did not become healthy within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log(`read: app serving at ${url} (pid ${child.pid})`);
  return {
    url,
    pid: child.pid!,
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Signs in (http-client.ts) and adds the read path's checked calls. */
async function signInForReads(baseUrl: string, user: BenchUser) {
  const session = await signIn(baseUrl, user);
  const me = await session.trpc<unknown[]>("seller.list");
  if (me.length === 0) throw new NothingMeasuredError("seller.list returned no sellers for the bench user");
  return {
    async list(sellerId: string, input: Input) {
      const result = await session.trpc<{ items: unknown[]; nextCursor: string | null }>("inbox.list", { sellerId, ...input });
      if (result.items.length === 0) throw new NothingMeasuredError(`inbox.list of ${sellerId} returned no items`);
      return result;
    },
    /** The same call, its answer not decoded (http-client.ts, `trpcAnswered`). */
    listAnswered: (sellerId: string, input: Input) => session.trpcAnswered("inbox.list", { sellerId, ...input }),
    sellerList: () => session.trpcAnswered("seller.list"),
    page: session.page,
  };
}
