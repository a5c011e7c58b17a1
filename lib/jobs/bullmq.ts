import { Queue, Worker } from "bullmq";
import { env } from "../env";
import { log } from "../log";
import { queueConnection } from "../redis";
import type { Redis } from "ioredis";
import { existingSingleton, processSingleton } from "../singleton";
import { QUEUE, type JobDefinition } from "./definition";

// BullMQ re-emits its connection's errors, and an EventEmitter's unhandled 'error' ends the process;
// an outage is reported once by the connection itself (lib/redis.ts)
const quietly = (error: Error) => log.debug({ err: error.message }, "queue connection error");

/**
 * What Redis keeps of a finished job: nothing once it succeeded (a usage batch is in the database by
 * then, and its payload — a few hundred KB at a busy hub's flush — kept for the last thousand jobs
 * held ~400 MB of Redis at 1,300 calls a second), the last failures for an operator to look at.
 * Scheduled jobs too: a poll every 5 s would otherwise pile up in an idle hub's Redis for good.
 */
export const FINISHED_JOBS = { removeOnComplete: true, removeOnFail: 5000 } as const;

export const queue = () =>
  processSingleton("bullmq-queue", () => new Queue(QUEUE, { connection: queueConnection(), prefix: env().HUB_REDIS_PREFIX }).on("error", quietly));

/** The worker process: runs these jobs and keeps the periodic ones scheduled. */
export async function startWorker(definitions: ReadonlyMap<string, JobDefinition>, concurrency = 4): Promise<Worker> {
  for (const job of definitions.values()) {
    if (job.every) await queue().upsertJobScheduler(job.name, { every: job.every }, { name: job.name, data: {}, opts: FINISHED_JOBS });
  }
  const worker = new Worker(
    QUEUE,
    async (job) => {
      const definition = definitions.get(job.name);
      if (!definition) throw new Error(`no handler for job ${job.name}`);
      await definition.run(job.data);
    },
    { connection: queueConnection(), concurrency, prefix: env().HUB_REDIS_PREFIX },
  );
  worker.on("error", quietly);
  worker.on("failed", (job, error) => log.error({ job: job?.name, attempt: job?.attemptsMade, err: error.message }, "job failed"));
  return worker;
}

/** Closes this process's queue and Redis connections, if it opened any. */
export async function closeQueues(): Promise<void> {
  await existingSingleton<Queue>("bullmq-queue")?.close();
  for (const name of ["redis-queue", "redis-fast"]) await existingSingleton<Redis>(name)?.quit().catch(() => undefined);
}
