import { ensureFirstAdmin } from "./admin/users";
import { alertJobs } from "./alerts/jobs";
import { videoJobs } from "./gateway/videos/jobs";
import { restoreVideoHolds } from "./gateway/videos/poll";
import { billingJobs } from "./billing/jobs";
import { responseCacheJobs } from "./gateway/response-cache/jobs";
import { masterKey } from "./crypto/master-key";
import { db } from "./db/client";
import { migrate } from "./db/migrate";
import { ConfigError, env } from "./env";
import { credentialHealth } from "./gateway/credential-health";
import { lifecycle } from "./lifecycle";
import { jobs } from "./jobs";
import { loggingJobs } from "./logging/jobs";
import { closeQueues } from "./jobs/bullmq";
import { log } from "./log";
import { processSingleton } from "./singleton";
import { startTracing } from "./telemetry/tracing";

/** Validates the environment, loads the master key and migrates the database. */
export async function prepare(): Promise<void> {
  const { DATABASE_URL } = env();
  masterKey();
  const applied = await migrate(DATABASE_URL);
  if (applied.length) log.info({ applied }, "database migrated");
}

/** Creates the first admin on a fresh hub and prints a generated password once. */
export async function createFirstAdmin(): Promise<void> {
  const { HUB_ADMIN_EMAIL, HUB_ADMIN_PASSWORD } = env();
  const created = await ensureFirstAdmin({ email: HUB_ADMIN_EMAIL, password: HUB_ADMIN_PASSWORD });
  if (!created) return;
  if (created.generated) {
    console.log(`\n  First admin created: ${created.user.email}\n  Password (shown once, change it after signing in): ${created.password}\n`);
  } else {
    log.info({ email: created.user.email }, "first admin created from HUB_ADMIN_EMAIL");
  }
}

function installSignalHandlers(): void {
  lifecycle.onShutdown("database", () => db().$disconnect(), "close");
  lifecycle.onShutdown("queue", closeQueues, "close");
  const stop = (signal: NodeJS.Signals) => {
    void lifecycle.shutdown(signal).finally(() => process.exit(0));
  };
  // Next.js installs its own handlers (which exit without flushing) unless NEXT_MANUAL_SIG_HANDLE is
  // set; ours must be the only ones, however the server was started.
  if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
    process.removeAllListeners("SIGTERM");
    process.removeAllListeners("SIGINT");
  }
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/**
 * Server start-up: refuse to start on bad configuration, with one line. Once per process: the hub's
 * HTTP server (scripts/server.cjs, scripts/dev.mts) boots before it listens and before Next loads.
 */
export const bootServer = (): Promise<void> => processSingleton("boot", boot);

async function boot(): Promise<void> {
  try {
    await prepare();
    await createFirstAdmin();
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `start-up failed: ${(error as Error).message}`;
    console.error(message);
    process.exit(1);
  }
  // video jobs outlive a restart; their holds must be in place before the first call is admitted
  await restoreVideoHolds().catch((error: Error) => log.error({ err: error.message }, "could not restore the holds of running video jobs"));
  installSignalHandlers();
  await startTracing();
  credentialHealth.start();
  // without Redis this process runs the background jobs too (with Redis, the worker does)
  jobs.register([...billingJobs(), ...alertJobs(), ...videoJobs(), ...loggingJobs(), ...responseCacheJobs()]);
  jobs.startSchedules();
  log.info({ port: env().PORT }, "aigne hub ready");
}
