import { queueConnection } from "../redis";
import { jobs } from "./index";

// A batch writer (usage events, call bodies) hands its batch to the worker's queue when it can and
// writes it itself when it cannot. The queue's connection queues commands through a reconnect
// (maxRetriesPerRequest: null), so without a time limit an outage would stall the writer for good.

/** How long a batch may wait for the queue to take it. */
export const ENQUEUE_TIMEOUT_MS = 2000;
const QUEUE_DOWN = new Set(["reconnecting", "close", "end"]);

/** Queues the job; false when the queue is down, refused it, or did not take it in time. */
export async function enqueueWithin(name: string, payload: unknown, timeoutMs = ENQUEUE_TIMEOUT_MS): Promise<boolean> {
  // a connection still being made (start-up) queues the command; one that lost Redis is skipped
  if (QUEUE_DOWN.has(queueConnection().status)) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const queued = jobs.enqueue(name, payload).then(
    () => true,
    () => false,
  );
  return Promise.race([queued, timeout]).finally(() => clearTimeout(timer));
}
