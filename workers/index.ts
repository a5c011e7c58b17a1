// The worker process (docker compose's `worker` service): runs the background jobs from BullMQ —
// usage writes, rollups, hold reconciliation, retention, top-up fulfilment, alerts. Needs REDIS_URL.
import { prepare } from "../lib/boot";
import { db } from "../lib/db/client";
import { ConfigError, env } from "../lib/env";
import { alertJobs } from "../lib/alerts/jobs";
import { billingJobs } from "../lib/billing/jobs";
import { videoJobs } from "../lib/gateway/videos/jobs";
import { responseCacheJobs } from "../lib/gateway/response-cache/jobs";
import { jobs } from "../lib/jobs";
import { loggingJobs } from "../lib/logging/jobs";
import { startWorker } from "../lib/jobs/bullmq";
import { serveWorkerHealth } from "../lib/jobs/worker-health";
import { log } from "../lib/log";

async function main() {
  try {
    if (!env().REDIS_URL) throw new ConfigError("the worker needs REDIS_URL (without Redis the server runs the jobs itself)");
    await prepare();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
  jobs.register([...billingJobs(), ...alertJobs(), ...videoJobs(), ...loggingJobs(), ...responseCacheJobs()]);
  const worker = await startWorker(jobs.definitions);
  const { HUB_WORKER_HEALTH_PORT } = env();
  const health = HUB_WORKER_HEALTH_PORT
    ? await serveWorkerHealth(worker, HUB_WORKER_HEALTH_PORT).catch((error: Error) => {
        console.error(`worker health endpoint on port ${HUB_WORKER_HEALTH_PORT}: ${error.message} (set HUB_WORKER_HEALTH_PORT, 0 turns it off)`);
        process.exit(1);
      })
    : undefined;
  log.info({ healthPort: HUB_WORKER_HEALTH_PORT || undefined }, "aigne hub worker ready");
  const stop = async (signal: string) => {
    log.info({ signal }, "worker stopping: finishing active jobs");
    health?.close();
    // close() waits for the jobs in progress; queued ones stay in Redis for the next worker
    await worker.close();
    await db().$disconnect();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

void main();
