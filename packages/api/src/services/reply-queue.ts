// Handing a stored reply to the delivery worker.
import type { JobQueue } from "../jobs/queues";

/** The reply is stored already: a failure to queue it is logged, not the user's error, because the
 * sweeper queues every PENDING reply without a job (see jobs/worker.ts), so none is stranded. */
export async function queueDelivery(jobs: JobQueue, replyId: string) {
  try {
    await jobs.enqueueReplyDelivery(replyId);
  } catch (error) {
    console.error(`Queueing reply ${replyId} failed; the sweeper will queue it:`, error);
  }
}
