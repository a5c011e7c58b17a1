import { log } from "../log";
import type { JobDefinition } from "./definition";
import { redisEnabled } from "../redis";
import { processSingleton } from "../singleton";

// Background work behind one small interface: `enqueue(name, payload)` and handlers registered by
// name. With REDIS_URL the jobs go to BullMQ and the worker process (workers/index.ts) runs them;
// without it they run in this process, with the same handlers, retries and schedules.

export type { JobDefinition };

const ATTEMPTS = 5;

class Jobs {
  readonly definitions = new Map<string, JobDefinition>();
  private timers: NodeJS.Timeout[] = [];
  private inFlight = new Set<Promise<unknown>>();

  register(definitions: JobDefinition[]): void {
    for (const d of definitions) this.definitions.set(d.name, d);
  }

  /** Queues a job; `delayMs` holds it back that long (a handler's own retry schedule). */
  async enqueue(name: string, payload: unknown, options: { delayMs?: number } = {}): Promise<void> {
    const delay = options.delayMs ?? 0;
    if (redisEnabled()) {
      const { queue, FINISHED_JOBS } = await import("./bullmq");
      await this.track(queue().add(name, payload, { attempts: ATTEMPTS, backoff: { type: "exponential", delay: 500 }, ...FINISHED_JOBS, ...(delay > 0 ? { delay } : {}) }));
      return;
    }
    if (delay > 0) setTimeout(() => void this.track(this.runInProcess(name, payload, 1)), delay).unref();
    else void this.track(this.runInProcess(name, payload, 1));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * Resolves once nothing this process queued is still being handed over or run (jobs those jobs
   * queue included; delayed retries not): a one-shot process, the CLI, waits for it before it exits.
   */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async runInProcess(name: string, payload: unknown, attempt: number): Promise<void> {
    const job = this.definitions.get(name);
    if (!job) {
      log.error({ job: name }, "no handler registered for job");
      return;
    }
    try {
      await job.run(payload);
    } catch (error) {
      log.error({ job: name, attempt, err: (error as Error).message }, "job failed");
      if (attempt < ATTEMPTS) setTimeout(() => void this.runInProcess(name, payload, attempt + 1), 500 * 2 ** attempt).unref();
    }
  }

  /** In-process schedules (no Redis): the server runs the periodic jobs itself. */
  startSchedules(): void {
    if (redisEnabled() || this.timers.length) return;
    for (const job of this.definitions.values()) {
      if (!job.every) continue;
      const timer = setInterval(() => void this.runInProcess(job.name, {}, ATTEMPTS), job.every);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stopSchedules(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }
}

export const jobs = processSingleton("jobs", () => new Jobs());
