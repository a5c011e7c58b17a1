import { db } from "../db/client";
import type { Budget } from "./budgets";
import { type HoldRequest, type Settlement } from "./holds";
import { budgetPeriod } from "./budgets";

// A pot is what a hold is taken from: a credit account (its value is the balance) or an Enterprise
// budget for one month (its value is what was spent). Holds kept outside the database — in Redis
// (holds-redis.ts) or in this process (holds-memory.ts) — name and load pots the same way.

export interface PotHold {
  id: string;
  kind: "credit" | "budget";
  amount: bigint;
  /** a budget's limit; 0 for credit */
  limit: bigint;
  budget?: Budget;
  /** the pot's value as the database has it */
  load: () => Promise<bigint>;
}

/** The pot of a credit account. */
export const creditPot = (accountId: string) => `credit:${accountId}`;
const budgetPot = (scope: string, scopeId: string, period: string) => `budget:${scope}:${scopeId}:${period}`;

/** The pots a call's holds are taken from, and how much from each. */
export function holdPots(request: HoldRequest, now = new Date()): PotHold[] {
  const period = budgetPeriod(now);
  const pots: PotHold[] = [];
  if (request.credit) {
    const { accountId, microcredits } = request.credit;
    pots.push({
      id: creditPot(accountId),
      kind: "credit",
      amount: microcredits,
      limit: 0n,
      load: async () => (await db().creditAccount.findUniqueOrThrow({ where: { id: accountId } })).balanceMicrocredits,
    });
  }
  for (const { budget, nanoUsd } of request.budgets) {
    pots.push({
      id: budgetPot(budget.scope, budget.scopeId, period),
      kind: "budget",
      amount: nanoUsd,
      limit: budget.limitNanoUsd,
      budget,
      load: async () =>
        (await db().budgetCounter.findUnique({ where: { scope_scopeId_period: { scope: budget.scope, scopeId: budget.scopeId, period } } }))?.spentNanoUsd ?? 0n,
    });
  }
  return pots;
}

/** How a finished call changes each pot's value: the credit balance down by the charge, budgets' spending up by the cost. */
export function settlementDeltas(s: Settlement, creditHeld: boolean): Array<{ id: string; delta: bigint }> {
  const pots: Array<{ id: string; delta: bigint }> = [];
  if (s.accountId && (creditHeld || s.chargeMicrocredits > 0n)) pots.push({ id: creditPot(s.accountId), delta: -s.chargeMicrocredits });
  const period = budgetPeriod(s.startedAt);
  for (const b of s.budgets) pots.push({ id: budgetPot(b.scope, b.scopeId, period), delta: s.costNanoUsd });
  return pots;
}
