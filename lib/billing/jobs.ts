import { env } from "../env";
import { settings } from "../settings";
import { expireGrants } from "./expiry";
import type { JobDefinition } from "../jobs";
import { fromWire } from "../jobs/wire";
import { releaseExpiredHolds } from "./holds";
import { checkPrices } from "./price-guard/check";
import { pruneUsage, rollUp } from "./rollups";
import { checkSpendSpikes } from "./spend-spikes";
import { CHARGE_JOB, chargeAutoRecharge, sweepAutoRecharge } from "./auto-recharge";
import { fetchReceipt, fulfil, RECEIPT_JOB } from "./stripe";
import { FULFIL_JOB } from "./stripe-webhook";
import { writeUsageBatch, type Queued } from "./usage-writer";

const SPEND_SPIKES_EVERY_MS = 15 * 60_000;
const PRICE_CHECK_EVERY_MS = 3_600_000;

/**
 * Billing's background jobs: usage writes, rollups, hold reconciliation, retention, spend-spike
 * checks, the price guard, credit expiry, top-up fulfilment and receipts, auto-recharge. The server (no Redis)
 * or the worker (Redis) registers and runs them.
 */
export function billingJobs(): JobDefinition[] {
  const { HUB_ROLLUP_EVERY_MS, HUB_USAGE_RETENTION_DAYS } = env();
  return [
    { name: "usage.write", run: (payload) => writeUsageBatch(fromWire<Queued[]>(payload)) },
    { name: "usage.rollup", every: HUB_ROLLUP_EVERY_MS, run: async () => void (await rollUp()) },
    { name: "holds.reconcile", every: 60_000, run: async () => void (await releaseExpiredHolds()) },
    {
      name: "usage.retention",
      every: 24 * 3_600_000,
      run: async () => void (await pruneUsage((await settings()).logMetadataRetentionDays ?? HUB_USAGE_RETENTION_DAYS)),
    },
    { name: "usage.spend-spikes", every: SPEND_SPIKES_EVERY_MS, run: async () => void (await checkSpendSpikes()) },
    { name: "prices.check", every: PRICE_CHECK_EVERY_MS, run: async () => void (await checkPrices()) },
    { name: "credits.expire", every: 5 * 60_000, run: async () => void (await expireGrants()) },
    {
      name: FULFIL_JOB,
      run: async (payload) => {
        const { sessionId, paymentIntentId } = payload as { sessionId: string; paymentIntentId?: string | null };
        await fulfil(sessionId, paymentIntentId ?? null);
      },
    },
    { name: RECEIPT_JOB, run: async (payload) => fetchReceipt((payload as { paymentId: string }).paymentId) },
    { name: "recharge.sweep", every: 60_000, run: async () => void (await sweepAutoRecharge()) },
    { name: CHARGE_JOB, run: async (payload) => void (await chargeAutoRecharge((payload as { accountId: string }).accountId)) },
  ];
}
