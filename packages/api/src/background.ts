// Background writes that never outlive their owner. A write still running when its owner returns
// can take a pooled connection after `prisma.$disconnect()` has begun: it then fails inside an open
// transaction (the backend stays `idle in transaction`) and the pool never ends, so shutdown hangs.
// Owners therefore await `Heartbeat.stop()` / `TaskTracker.drain()` before they return or disconnect.

export interface Heartbeat {
  /** Stops beating; resolves once the beat in flight, if any, has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `beat` every `everyMs` (counted from the end of the previous beat, so beats never overlap)
 * until `stop()`. A failed beat goes to `onError`, and the next beat still runs on time.
 */
export function startHeartbeat(beat: () => Promise<void>, options: { everyMs: number; onError: (error: unknown) => void }): Heartbeat {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      inFlight = beat()
        .catch((error: unknown) => options.onError(error))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, options.everyMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

/** Promises started by an owner that must all have settled before it shuts down (e.g. running jobs). */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();

  /** Starts `task` and tracks it until it settles; the caller still gets its result or error. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const started = task();
    const settled: Promise<unknown> = started.then(
      () => this.running.delete(settled),
      () => this.running.delete(settled),
    );
    this.running.add(settled);
    return started;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once every tracked task (including ones started meanwhile) has settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
