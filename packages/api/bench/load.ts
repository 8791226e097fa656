// A small load driver: a fixed number of concurrent loops over one async call, bounded by a count or
// a duration. Every call must succeed; a failure stops the bench (a figure measured on errors is none).
import fs from "node:fs";
import path from "node:path";
export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ThroughputFigures {
  concurrency: number;
  count: number;
  seconds: number;
  perSecond: number;
  p95Ms: number;
  /** CPU time per call of the process that serves it (when `cpuOf` was given), in ms. */
  cpuMsPerCall?: number;
  /** CPU time per call of the bench's own process when it drives another one (`cpuOf` a pid), in ms. */
  driverCpuMsPerCall?: number;
}

/**
 * CPU time (user + system) used so far, in ms: by this process ("self"), or by another process and
 * every process it started that is still running (the app server's workers, PostgreSQL's backends).
 */
export function processCpuMs(pid: number | "self"): number {
  if (pid === "self") {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    const { ppid, cpuMs } = procStat(stat);
    if (Number(entry) === pid || ppid === pid) total += cpuMs;
  }
  return total;
}

/**
 * CPU time (user + system) the PostgreSQL server of `dataDir` has used so far, in ms: its postmaster
 * (the pid in postmaster.pid) and every process it started (backends, WAL writer, checkpointer, I/O
 * workers), those still running.
 */
export function postgresCpuMs(dataDir: string): number {
  return processCpuMs(Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]));
}

/** A /proc/<pid>/stat line: after the parenthesised name (which may hold spaces), the parent (field 4) and utime + stime (14, 15, in clock ticks). */
function procStat(stat: string): { ppid: number; cpuMs: number } {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND };
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no samples");
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarise(durations: number[]): LatencyFigures {
  const sorted = [...durations].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.at(-1)! };
}

/**
 * Sequential calls (concurrency 1) after `warmup` unmeasured ones: `count` of them, or fewer (at
 * least 20) when they take longer than `maxSeconds` in all.
 */
export async function latency(call: () => Promise<unknown>, count: number, maxSeconds = 20, warmup = 5): Promise<LatencyFigures> {
  for (let i = 0; i < warmup; i += 1) await call();
  const durations: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < count && (i < 20 || performance.now() < deadline); i += 1) {
    const started = performance.now();
    await call();
    durations.push(performance.now() - started);
  }
  return summarise(durations);
}

/** `concurrency` loops calling for `seconds` (after a short warm-up); completed calls per second. */
export async function throughput(
  call: () => Promise<unknown>,
  concurrency: number,
  seconds: number,
  cpuOf?: number | "self",
): Promise<ThroughputFigures> {
  return figuresOf(concurrency, [await measureRound(call, concurrency, seconds, cpuOf)], cpuOf);
}

/** One way of doing a piece of work, for throughputInTurns. */
export interface Contender {
  call: () => Promise<unknown>;
  /** The process whose CPU per call is reported, as throughput's `cpuOf`. */
  cpuOf?: number | "self";
}

/**
 * Two ways of doing the same work (the app over HTTP, its SQL replayed) at `concurrency`, measured in
 * `rounds` alternating rounds that share `seconds` per contender: the machine's quiet and busy moments
 * fall on both alike, so their ratio compares the work, not two moments. Each figure sums its rounds.
 * Each contender first runs `warmupSeconds` at the same concurrency, unmeasured: the calls before
 * (at concurrency 1, on one connection) reach one of the app's server processes only, and a process
 * that has not yet compiled a call's code path would count its warm-up as the design's cost.
 */
export async function throughputInTurns(
  first: Contender,
  second: Contender,
  concurrency: number,
  seconds: number,
  rounds = 3,
  warmupSeconds = 2,
): Promise<[ThroughputFigures, ThroughputFigures]> {
  for (const contender of [first, second]) await measureRound(contender.call, concurrency, warmupSeconds);
  const measured: [Round[], Round[]] = [[], []];
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, contender] of [first, second].entries()) {
      measured[index]!.push(await measureRound(contender.call, concurrency, seconds / rounds, contender.cpuOf));
    }
  }
  return [figuresOf(concurrency, measured[0], first.cpuOf), figuresOf(concurrency, measured[1], second.cpuOf)];
}

interface Round {
  durations: number[];
  seconds: number;
  cpuMs: number;
  driverCpuMs: number;
}

async function measureRound(call: () => Promise<unknown>, concurrency: number, seconds: number, cpuOf?: number | "self"): Promise<Round> {
  await Promise.all(Array.from({ length: concurrency }, () => call()));
  const durations: number[] = [];
  const cpuBefore = cpuOf === undefined ? 0 : processCpuMs(cpuOf);
  const driverCpuBefore = processCpuMs("self");
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const callStarted = performance.now();
        await call();
        durations.push(performance.now() - callStarted);
      }
    }),
  );
  return {
    durations,
    seconds: (performance.now() - started) / 1000,
    cpuMs: cpuOf === undefined ? 0 : processCpuMs(cpuOf) - cpuBefore,
    driverCpuMs: processCpuMs("self") - driverCpuBefore,
  };
}

function figuresOf(concurrency: number, rounds: Round[], cpuOf?: number | "self"): ThroughputFigures {
  const durations = rounds.flatMap((round) => round.durations);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const total = (field: "cpuMs" | "driverCpuMs") => rounds.reduce((sum, round) => sum + round[field], 0);
  return {
    concurrency,
    count: durations.length,
    seconds,
    perSecond: durations.length / seconds,
    p95Ms: summarise(durations).p95Ms,
    ...(cpuOf === undefined ? {} : { cpuMsPerCall: total("cpuMs") / durations.length }),
    ...(typeof cpuOf === "number" ? { driverCpuMsPerCall: total("driverCpuMs") / durations.length } : {}),
  };
}
