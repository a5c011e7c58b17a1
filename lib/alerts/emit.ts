import { uuidv7 } from "../ids";
import { jobs } from "../jobs";
import { log } from "../log";
import type { AlertDataByType, AlertEvent, AlertEventType } from "./events";

// What billing, the gateway and the admin functions call when they notice something worth an alert.
// It only enqueues the dispatch job: no database write and no network call on the caller's path, and
// a failure to enqueue is logged, never thrown — an alert must not fail the call that noticed it.

export const DISPATCH_JOB = "alerts.dispatch";

export function emit<T extends AlertEventType>(type: T, data: AlertDataByType[T], options: { dedupKey?: string; userId?: string } = {}): void {
  const id = uuidv7();
  const event: AlertEvent<T> = { id, type, dedupKey: options.dedupKey ?? id, at: new Date().toISOString(), data, ...(options.userId ? { userId: options.userId } : {}) };
  jobs.enqueue(DISPATCH_JOB, event).catch((error: Error) => log.warn({ alert: type, err: error.message }, "could not queue an alert"));
}

// keys this process already emitted with emitOnce; bounded, and at worst forgetting one costs a
// dispatch job that the delivery's dedup key then stops
const emitted = new Set<string>();
const MAX_REMEMBERED = 10_000;

/**
 * For a hot path that notices the same thing on every call (a budget refusing each call): only the
 * first notice per dedup key in this process queues a job.
 */
export function emitOnce<T extends AlertEventType>(type: T, data: AlertDataByType[T], options: { dedupKey: string; userId?: string }): void {
  if (emitted.has(options.dedupKey)) return;
  if (emitted.size >= MAX_REMEMBERED) emitted.clear();
  emitted.add(options.dedupKey);
  emit(type, data, options);
}
