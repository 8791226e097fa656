// The job queue of tests that call routers in-process: it records what a router queues instead of
// sending it to pg-boss, so tests can assert the jobs (and no test depends on a job table).
import type { JobQueue } from "../../src/jobs/queues";

export type RecordedJob = { kind: "sync"; accountId: string } | { kind: "reply"; replyId: string; startAfter?: Date };

export class RecordingJobQueue implements JobQueue {
  readonly jobs: RecordedJob[] = [];

  async enqueueSync(accountId: string): Promise<void> {
    this.jobs.push({ kind: "sync", accountId });
  }

  async enqueueReplyDelivery(replyId: string, startAfter?: Date): Promise<void> {
    this.jobs.push({ kind: "reply", replyId, ...(startAfter ? { startAfter } : {}) });
  }

  /** The jobs as short strings (`sync <accountId>`, `reply <replyId>`), in the order queued. */
  get calls(): string[] {
    return this.jobs.map((job) => (job.kind === "sync" ? `sync ${job.accountId}` : `reply ${job.replyId}`));
  }

  clear(): void {
    this.jobs.length = 0;
  }
}
