// The job queue of tests that call routers in-process: it records what a router queues instead of
// sending it to pg-boss, so tests can assert the jobs (and no test depends on a job table).
import type { JobQueue } from "../../src/jobs/queues";

export type RecordedJob =
  | { kind: "sync"; accountId: string }
  | { kind: "reply"; replyId: string; startAfter?: Date }
  | { kind: "mark-read"; itemIds: string[] }
  | { kind: "automation"; sellerId: string };

export class RecordingJobQueue implements JobQueue {
  readonly jobs: RecordedJob[] = [];

  async enqueueSync(accountId: string): Promise<void> {
    this.jobs.push({ kind: "sync", accountId });
  }

  async enqueueReplyDelivery(replyId: string, startAfter?: Date): Promise<void> {
    this.jobs.push({ kind: "reply", replyId, ...(startAfter ? { startAfter } : {}) });
  }

  async enqueueMarkReadUpstream(itemIds: string[]): Promise<void> {
    this.jobs.push({ kind: "mark-read", itemIds: [...itemIds] });
  }

  async enqueueAutomation(sellerId: string): Promise<void> {
    this.jobs.push({ kind: "automation", sellerId });
  }

  /** The jobs as short strings (`sync <accountId>`, `reply <replyId>`, `mark-read <itemIds>`, `automation <sellerId>`), in the order queued. */
  get calls(): string[] {
    return this.jobs.map((job) => {
      switch (job.kind) {
        case "sync":
          return `sync ${job.accountId}`;
        case "reply":
          return `reply ${job.replyId}`;
        case "mark-read":
          return `mark-read ${job.itemIds.join(",")}`;
        case "automation":
          return `automation ${job.sellerId}`;
      }
    });
  }

  clear(): void {
    this.jobs.length = 0;
  }
}
