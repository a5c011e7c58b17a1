import { releaseExpiredHolds } from "../billing/holds";
import { pruneUsage, rollUp } from "../billing/rollups";
import { fulfil } from "../billing/stripe";
import { env } from "../env";
import { writeUsageBatch, type Queued } from "../billing/usage-writer";
import { jobs, type JobDefinition } from "./index";
import { fromWire } from "./wire";

/** Every background job of the hub; the server (no Redis) or the worker (Redis) runs them. */
export function jobDefinitions(): JobDefinition[] {
  const { HUB_ROLLUP_EVERY_MS, HUB_USAGE_RETENTION_DAYS } = env();
  return [
    { name: "usage.write", run: (payload) => writeUsageBatch(fromWire<Queued[]>(payload)) },
    { name: "usage.rollup", every: HUB_ROLLUP_EVERY_MS, run: async () => void (await rollUp()) },
    { name: "holds.reconcile", every: 60_000, run: async () => void (await releaseExpiredHolds()) },
    { name: "usage.retention", every: 24 * 3_600_000, run: async () => void (await pruneUsage(HUB_USAGE_RETENTION_DAYS)) },
    { name: "stripe.fulfil", run: async (payload) => void (await fulfil((payload as { sessionId: string }).sessionId)) },
  ];
}

export function registerJobs(): void {
  jobs.register(jobDefinitions());
}
