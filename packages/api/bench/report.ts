// Goals of issue 9 against the measured figures; the terminal summary and bench/results/<date>.md/.json.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ThroughputFigures } from "./load";
import type { ReadPathFigures } from "./read-path";
import type { SeedPlan } from "./seed";
import type { SyncFigures } from "./sync";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface Goal {
  area: "read" | "sync";
  figure: string;
  measured: string;
  goal: string;
  /** null: reported without a pass mark. */
  met: boolean | null;
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

export type Machine = ReturnType<typeof describeMachine> & { pgVersion: string; loadAverageAtStart: number[] };

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const s = (valueMs: number) => `${(valueMs / 1000).toFixed(1)} s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const walFigure = (wal: SyncFigures["unlimited"]["wal"]) =>
  `${wal.walMb} MB WAL, ${wal.fullPageImages} whole pages, ${wal.checkpoints} checkpoints`;

/** "; CPU per call: app X ms, pg client Y ms": what each side spends, less sensitive to a loaded machine than rates. */
function cpuPerCall(http: ThroughputFigures, sql: ThroughputFigures): string {
  if (http.cpuMsPerCall === undefined || sql.cpuMsPerCall === undefined) return "";
  const driver = http.driverCpuMsPerCall === undefined ? "" : ` (load driver ${http.driverCpuMsPerCall.toFixed(2)} ms)`;
  return `; CPU per call: app ${http.cpuMsPerCall.toFixed(1)} ms${driver}, direct pg client ${sql.cpuMsPerCall.toFixed(2)} ms`;
}

export function evaluateGoals(read: ReadPathFigures | null, sync: SyncFigures | null): Goal[] {
  const goals: Goal[] = [];
  if (read) {
    for (const query of read.queries) {
      goals.push({
        area: "read",
        figure: `${query.name}: p95 at concurrency 1 (HTTP; direct SQL ${ms(query.sql.c1.p95Ms)})`,
        measured: `p50 ${ms(query.http.c1.p50Ms)}, p95 ${ms(query.http.c1.p95Ms)}`,
        goal: "p95 ≤ 20 ms",
        met: query.http.c1.p95Ms <= 20,
      });
      const share = query.http.c16.perSecond / query.sql.c16.perSecond;
      goals.push({
        area: "read",
        figure: `${query.name}: throughput at concurrency 16, HTTP vs the same ${query.statements} SQL statements direct`,
        measured: `${Math.round(query.http.c16.perSecond)}/s vs ${Math.round(query.sql.c16.perSecond)}/s = ${ratio(share)}${cpuPerCall(query.http.c16, query.sql.c16)}`,
        goal: "≥ 0.5×",
        met: share >= 0.5,
      });
    }
    goals.push({
      area: "read",
      figure: `first page of a ${read.isolation.smallSellerItems}-item seller: among ${read.dataset.items} items vs alone in a database of its own (p50, median of ${read.isolation.rounds.aloneP50Ms.length} alternate rounds)`,
      measured: `${ms(read.isolation.amongAllP50Ms)} vs ${ms(read.isolation.aloneP50Ms)} = ${ratio(read.isolation.ratio)}`,
      goal: "≤ 1.2×",
      met: read.isolation.ratio <= 1.2,
    });
    goals.push({
      area: "read",
      figure: "trivial authenticated tRPC call (seller.list) at concurrency 16",
      measured: `${Math.round(read.trivialCall.perSecond)} calls/s${read.trivialCall.cpuMsPerCall === undefined ? "" : ` (app CPU ${read.trivialCall.cpuMsPerCall.toFixed(1)} ms per call)`}`,
      goal: "≥ 300 calls/s",
      met: read.trivialCall.perSecond >= 300,
    });
    goals.push({
      area: "read",
      figure: "seller page /s/<id>: time to first byte at concurrency 1 (whole page in brackets)",
      measured: `p50 ${ms(read.sellerPage.ttfb.p50Ms)}, p95 ${ms(read.sellerPage.ttfb.p95Ms)} (${ms(read.sellerPage.complete.p50Ms)}, ${ms(read.sellerPage.complete.p95Ms)})`,
      goal: "p95 ≤ 50 ms",
      met: read.sellerPage.ttfb.p95Ms <= 50,
    });
    for (const missing of read.notMeasured)
      goals.push({ area: "read", figure: missing, measured: "not measured", goal: "p95 ≤ 20 ms", met: null });
  }
  if (sync) {
    const limited = sync.rateLimited;
    const floor = Math.max(limited.apiFloorMs, limited.ingestFloorMs);
    goals.push({
      area: "sync",
      figure: `initial sync, ${limited.reviews} Ozon reviews at 50 requests/s: wall vs max(API floor ${s(limited.apiFloorMs)}, ingest floor ${s(limited.ingestFloorMs)})`,
      measured: `${s(limited.wallMs)} = ${ratio(limited.wallMs / floor)} (${Math.round(limited.itemsPerSecond)} items/s, ${limited.rateLimitedResponses} × 429)`,
      goal: "≤ 1.15×",
      met: limited.wallMs <= 1.15 * floor,
    });
    goals.push({
      area: "sync",
      figure:
        "initial sync: requests vs the fewest possible (pages + one comment list per answered review; photo and video URLs are read when a review is opened)",
      measured: `${limited.requests} vs ${limited.minRequests} = ${ratio(limited.requests / limited.minRequests)} (${limited.mediaRequests} review info; ${limited.storedMediaPending} of ${limited.reviewsWithMedia} reviews with media stored to be fetched on open)`,
      goal: "≤ 1.15×",
      met: limited.requests <= 1.15 * limited.minRequests,
    });
    const incremental = sync.incremental;
    goals.push({
      area: "sync",
      figure: `incremental sync after 1 % new (${incremental.newReviews} reviews): requests (wall)`,
      measured: `${incremental.requests} vs ${incremental.minRequests} (${s(incremental.wallMs)}; API floor ${s(incremental.apiFloorMs)})`,
      goal: "≤ 1.15× the fewest, rounded up",
      met: incremental.requests <= Math.ceil(1.15 * incremental.minRequests),
    });
    const open = sync.unlimited;
    const openFloor = Math.max(open.fetchOnlyMs, open.ingestFloorMs);
    goals.push({
      area: "sync",
      figure: `sync without rate limits, ${open.reviews} reviews: wall vs max(fetching alone ${s(open.fetchOnlyMs)}${open.fetchOnlySampled < open.reviews ? ` (from the first ${open.fetchOnlySampled})` : ""}, ingest floor ${s(open.ingestFloorMs)}: plain upserts of ${open.floor.before.rows} rows, ${s(open.floor.before.ms)} before the sync and ${s(open.floor.after.ms)} after)`,
      measured: `${s(open.wallMs)} = ${ratio(open.wallMs / openFloor)} (${Math.round(open.itemsPerSecond)} items/s)`,
      goal: "≤ 1.15×",
      met: open.wallMs <= 1.15 * openFloor,
    });
    const cores = os.cpus().length;
    goals.push({
      area: "sync",
      figure: `CPU used during the sync without rate limits, by process (${cores} cores × wall = ${s(cores * open.wallMs)}); PostgreSQL's CPU per 1 000 rows, WAL written, its whole pages and checkpoints: the sync against the floor's plain upserts (before; after)`,
      measured: `PostgreSQL ${s(open.cpuMs.postgres)} (busy ${Math.round((100 * open.cpuMs.postgres) / open.wallMs)} % of the wall), worker ${s(open.cpuMs.worker)}, sandbox ${s(open.cpuMs.sandbox)}; ${Math.round(open.postgresMsPerKRow)} vs ${Math.round(open.floor.before.postgresMsPerKRow)}, ${Math.round(open.floor.after.postgresMsPerKRow)} ms; ${walFigure(open.wal)} vs ${walFigure(open.floor.before.wal)}; ${walFigure(open.floor.after.wal)}`,
      goal: "reported",
      met: null,
    });
    goals.push({
      area: "sync",
      figure: `ingest of ${sync.ingest.rows} rows (a transaction per page) vs plain multi-row upserts of the same rows`,
      measured: `${Math.round(sync.ingest.ingestRowsPerSecond)} vs ${Math.round(sync.ingest.plainUpsertRowsPerSecond)} rows/s = ${ratio(sync.ingest.ingestRowsPerSecond / sync.ingest.plainUpsertRowsPerSecond)}`,
      goal: "≥ 0.5×",
      met: sync.ingest.ingestRowsPerSecond >= 0.5 * sync.ingest.plainUpsertRowsPerSecond,
    });
    goals.push({
      area: "sync",
      figure: `worker RSS while syncing ${open.reviews} reviews (start → peak → end; the sandbox process ${open.sandboxRssMb} MB)`,
      measured: `${open.workerRss.startMb} → ${open.workerRss.peakMb} → ${open.workerRss.endMb} MB`,
      goal: "< 300 MB",
      met: open.workerRss.peakMb < 300,
    });
    const replies = sync.replies;
    goals.push({
      area: "sync",
      figure: `${replies.count} replies delivered (2 job slots): wall vs the rate-limit floor`,
      measured: `${s(replies.wallMs)} vs ${s(replies.floorMs)} = ${ratio(replies.wallMs / replies.floorMs)} (${replies.requests} requests, ${replies.sent} sent)`,
      goal: "reported",
      met: null,
    });
    goals.push({
      area: "sync",
      figure: "duplicate sends (items the sandbox received more than one reply for)",
      measured: `${replies.duplicateSends} (replies received ${replies.repliesReceived} of ${replies.count})`,
      goal: "0, every reply received",
      met: replies.duplicateSends === 0 && replies.repliesReceived === replies.count,
    });
  }
  return goals;
}

const mark = (met: boolean | null) => (met === null ? "—" : met ? "met" : "MISSED");

function table(goals: Goal[]): string[] {
  return [
    "| area | figure | measured | goal | |",
    "| --- | --- | --- | --- | --- |",
    ...goals.map((goal) => `| ${goal.area} | ${goal.figure} | ${goal.measured} | ${goal.goal} | ${mark(goal.met)} |`),
  ];
}

function machineLines(machine: Machine, mode: string): string[] {
  return [
    `Mode: ${mode}. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}; ${machine.pgVersion.split(" on ")[0]} (embedded).`,
    `Load average (1, 5, 15 min): ${machine.loadAverageAtStart.join(", ")} at the start, ${machine.loadAverage.join(", ")} at the end.`,
  ];
}

export function printSummary(goals: Goal[], machine: Machine, mode: string) {
  console.log(["", ...machineLines(machine, mode), "", ...table(goals), ""].join("\n"));
  const missed = goals.filter((goal) => goal.met === false).length;
  console.log(
    `${goals.filter((goal) => goal.met).length} goals met, ${missed} missed, ${goals.filter((goal) => goal.met === null).length} reported only.\n`,
  );
}

export function writeResults(results: {
  mode: string;
  machine: Machine;
  durationS: number;
  read: ReadPathFigures | null;
  sync: SyncFigures | null;
  goals: Goal[];
  seed: SeedPlan;
}): string[] {
  const dir = path.join(repoRoot, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const name = results.mode === "full" ? date : `${date}-${results.mode}`;
  // A second run on the same day gets its own files (-2, -3, …): an earlier result is never overwritten.
  let base = path.join(dir, name);
  for (let run = 2; fs.existsSync(`${base}.md`) || fs.existsSync(`${base}.json`); run += 1) base = path.join(dir, `${name}-${run}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2)}\n`);
  const dataset = results.read?.dataset;
  const lines = [
    `# Benchmark ${date} (${results.mode})`,
    "",
    ...machineLines(results.machine, results.mode),
    `Run time: ${Math.round(results.durationS)} s.`,
    "",
    dataset
      ? `Data set: ${dataset.items} items (${dataset.messages} chat messages) over ${dataset.sellers} sellers, the largest ${dataset.largestSeller}; seeded in ${Math.round(dataset.seedSeconds)} s.`
      : "Data set: not seeded (sync figures only).",
    "",
    ...table(results.goals),
    "",
    "Method and goals: docs/performance.md (section Benchmark). Raw figures: the .json file beside this one.",
    "",
  ];
  fs.writeFileSync(`${base}.md`, lines.join("\n"));
  return [`${base}.md`, `${base}.json`].map((file) => path.relative(repoRoot, file));
}
