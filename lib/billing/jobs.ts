import { env } from "../env";
import type { JobDefinition } from "../jobs";
import { fromWire } from "../jobs/wire";
import { releaseExpiredHolds } from "./holds";
import { checkPrices } from "./price-guard/check";
import { pruneUsage, rollUp } from "./rollups";
import { checkSpendSpikes } from "./spend-spikes";
import { fulfil } from "./stripe";
import { writeUsageBatch, type Queued } from "./usage-writer";

const SPEND_SPIKES_EVERY_MS = 15 * 60_000;
const PRICE_CHECK_EVERY_MS = 3_600_000;

/**
 * Billing's background jobs: usage writes, rollups, hold reconciliation, retention, spend-spike
 * checks, the price guard, top-up fulfilment. The server (no Redis) or the worker (Redis) registers and runs them.
 */
export function billingJobs(): JobDefinition[] {
  const { HUB_ROLLUP_EVERY_MS, HUB_USAGE_RETENTION_DAYS } = env();
  return [
    { name: "usage.write", run: (payload) => writeUsageBatch(fromWire<Queued[]>(payload)) },
    { name: "usage.rollup", every: HUB_ROLLUP_EVERY_MS, run: async () => void (await rollUp()) },
    { name: "holds.reconcile", every: 60_000, run: async () => void (await releaseExpiredHolds()) },
    { name: "usage.retention", every: 24 * 3_600_000, run: async () => void (await pruneUsage(HUB_USAGE_RETENTION_DAYS)) },
    { name: "usage.spend-spikes", every: SPEND_SPIKES_EVERY_MS, run: async () => void (await checkSpendSpikes()) },
    { name: "prices.check", every: PRICE_CHECK_EVERY_MS, run: async () => void (await checkPrices()) },
    { name: "stripe.fulfil", run: async (payload) => void (await fulfil((payload as { sessionId: string }).sessionId)) },
  ];
}
