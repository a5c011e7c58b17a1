import type { TokenUsage } from "../canonical/usage";
import { log } from "../log";
import { counter } from "../metrics";
import type { Mode } from "../settings";
import type { Budget } from "./budgets";
import { chargeFor } from "./charge";
import { providerCost, unitCost, type ModelPrice, type Units } from "./cost";
import { releaseHolds } from "./hold-backend";
import type { Settlement } from "./holds";
import { usageWriter, type UsageEventData } from "./usage-writer";

// The end of a call's money: what it cost, what the customer pays (never more than was held), and
// the settlement of its holds, booked with its usage event in the next batched write.

/** How a call is billed, decided when it is admitted (before the upstream call). */
export interface Billing {
  mode: Mode;
  creditPriceNanoUsd: bigint;
  /** the credit account charged (Service Provider mode) */
  accountId: string | null;
  /** Enterprise budgets the cost counts against */
  budgets: Budget[];
  /** holds were placed and must be released */
  held: boolean;
  /** what was held: the most the call may cost (budgets) and be charged (credits), whatever the upstream reports */
  maxCostNanoUsd: bigint;
  maxChargeMicrocredits: bigint;
}

/** What a call used, at the price of the model it was routed to. */
export interface Metered {
  price: ModelPrice | null;
  usage: TokenUsage | null;
  units: Units;
  billing: Billing | null;
  /** answered from the response cache: no provider cost, and this share of the normal charge (parts per million) */
  cachedPpm?: bigint | null;
}

/** What the provider would bill for what the call used, in nano-USD (0 when the model has no price). */
function usedCost({ price, usage, units }: Metered): bigint {
  if (!price) return 0n;
  return (usage ? providerCost(usage, price) : 0n) + unitCost(price, units);
}

/** Provider cost of the call, in nano-USD: nothing for an answer from the response cache. */
export function callCost(metered: Metered): bigint {
  return metered.cachedPpm == null ? usedCost(metered) : 0n;
}

/**
 * What the customer pays for the call, in micro-credits (Service Provider mode only): never more than
 * its hold. An upstream that ignored the cap, or a prompt that outgrew its estimate, costs the
 * operator the difference (logged and metered when the call settles), not the customer.
 */
export function callCharge(metered: Metered, cost = callCost(metered)): bigint {
  const { price, billing } = metered;
  if (billing?.mode !== "service_provider" || !billing.accountId || !price) return 0n;
  const { cachedPpm } = metered;
  // a cache hit pays its share of what the same answer costs from the provider at today's price
  const charge =
    cachedPpm == null
      ? chargeFor(cost, price.marginBps, billing.creditPriceNanoUsd)
      : (chargeFor(usedCost(metered), price.marginBps, billing.creditPriceNanoUsd) * cachedPpm) / 1_000_000n;
  return charge < billing.maxChargeMicrocredits ? charge : billing.maxChargeMicrocredits;
}

const overrun = counter({
  name: "hub_overrun_usd_total",
  help: "Provider cost above what calls were held for, in USD: the operator's, never charged (an upstream ignored the cap, or a prompt outgrew its estimate)",
  labelNames: ["model"],
});

/**
 * Settles a finished call: its holds in Redis or in memory are released at once, and its event goes
 * to the usage writer with the settlement the database books in the same write.
 */
export function settleCall(metered: Metered, event: UsageEventData): void {
  const { billing } = metered;
  const cost = event.costNanoUsd;
  if (billing && metered.price && cost > billing.maxCostNanoUsd) {
    // the upstream billed more than the call was held for: the customer pays the hold, the operator the rest
    log.warn(
      { requestId: event.requestId, model: event.requestedModel, provider: event.providerName, costNanoUsd: String(cost), heldNanoUsd: String(billing.maxCostNanoUsd) },
      "call cost more than its hold; charged the hold",
    );
    overrun.inc({ model: event.requestedModel }, Number(cost - billing.maxCostNanoUsd) / 1e9);
  }
  const charge = event.chargeMicrocredits;
  const settlement: Settlement | null =
    billing && (billing.held || charge > 0n || (billing.budgets.length > 0 && cost > 0n))
      ? {
          requestId: event.requestId,
          accountId: billing.accountId,
          chargeMicrocredits: charge,
          budgets: billing.budgets,
          // what counts against Enterprise budgets: the cost, never more than the hold
          costNanoUsd: cost < billing.maxCostNanoUsd ? cost : billing.maxCostNanoUsd,
          startedAt: event.startedAt,
        }
      : null;
  if (settlement) releaseHolds(settlement, billing!.held);
  usageWriter.push(event, settlement);
}
