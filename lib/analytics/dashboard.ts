import { budgetPeriod, type Budget } from "../billing/budgets";
import { userPrincipal } from "../gateway/authenticate";
import { db } from "../db/client";
import { formatUsd } from "../money";
import { settings } from "../settings";
import { accountSummary } from "./customer";
import { lastDays } from "./periods";
import { errorRates, latencySeries, usageBreakdown, usageSeries } from "./usage";

/**
 * A signed-in person's dashboard: balance (Service Provider) or budgets (Enterprise), and 30 days of
 * their usage, per day and per model (with the units each model was metered in), their latency and
 * their error rate per day. Only `userId`'s calls are read.
 */
export async function dashboard(userId: string, now = new Date()) {
  const principal = await userPrincipal(userId);
  if (!principal) return null;
  // a web principal carries the user's and the team's budgets (key budgets belong to keys)
  const { budgets } = principal;
  const month = { ...lastDays(30, now), userId };
  const [{ mode }, account, usage, all, latency, models, counters] = await Promise.all([
    settings(),
    accountSummary(principal, now),
    usageSeries({ ...month, groupBy: "model" }),
    usageSeries(month),
    latencySeries(month),
    usageBreakdown({ ...month, groupBy: "model" }),
    // this month's spend from the same counters the budgets are enforced with
    db().budgetCounter.findMany({ where: { period: budgetPeriod(now), OR: budgets.map((b) => ({ scope: b.scope, scopeId: b.scopeId })) } }),
  ]);
  const spentOf = (b: Budget) => counters.find((c) => c.scope === b.scope && c.scopeId === b.scopeId)?.spentNanoUsd ?? 0n;
  return {
    mode,
    account,
    usage,
    errorRate: errorRates(all.series),
    latency,
    models,
    budgets: budgets.map((b) => ({
      scope: b.scope,
      label: b.label,
      limitUsd: formatUsd(b.limitNanoUsd),
      spentUsd: formatUsd(spentOf(b)),
      share: Number(spentOf(b)) / Number(b.limitNanoUsd || 1n),
    })),
  };
}
