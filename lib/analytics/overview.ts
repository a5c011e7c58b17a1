import { formatCredits, formatUsd } from "../money";
import { assertAdmin, type Caller } from "../caller";
import { db } from "../db/client";
import { lastDays, startOfToday } from "./periods";
import { usageBreakdown, usageSeries } from "./usage";

/** The latency below which a share of the calls since `from` finished (0.5 → median). */
async function latencyPercentile(from: Date, count: number, share: number): Promise<number | null> {
  if (count === 0) return null;
  const [row] = await db().usageEvent.findMany({
    where: { startedAt: { gte: from } },
    orderBy: { latencyMs: "asc" },
    skip: Math.min(count - 1, Math.floor(count * share)),
    take: 1,
    select: { latencyMs: true },
  });
  return row?.latencyMs ?? null;
}

/**
 * The admin overview: today's numbers from the raw events (exact, and the rollups lag up to a
 * minute), the last 30 days from the daily rollups, by model and provider.
 */
export async function overview(caller: Caller, now = new Date()) {
  assertAdmin(caller, "the overview");
  const today = startOfToday(now);
  const where = { startedAt: { gte: today } };
  const [sums, errors] = await Promise.all([
    db().usageEvent.aggregate({ where, _count: { _all: true }, _sum: { promptTokens: true, completionTokens: true, costNanoUsd: true, chargeMicrocredits: true } }),
    db().usageEvent.count({ where: { ...where, status: { gte: 400 } } }),
  ]);
  const calls = sums._count._all;
  const [p50, p95] = await Promise.all([latencyPercentile(today, calls, 0.5), latencyPercentile(today, calls, 0.95)]);
  const month = lastDays(30, now);
  const [byModel, byProvider, models, providers] = await Promise.all([
    usageSeries({ ...month, groupBy: "model" }),
    usageSeries({ ...month, groupBy: "provider" }),
    usageBreakdown({ ...month, groupBy: "model" }),
    usageBreakdown({ ...month, groupBy: "provider" }),
  ]);
  return {
    today: {
      calls,
      errors,
      errorRate: calls ? errors / calls : 0,
      tokens: (sums._sum.promptTokens ?? 0) + (sums._sum.completionTokens ?? 0),
      costUsd: formatUsd(sums._sum.costNanoUsd ?? 0n),
      chargeCredits: formatCredits(sums._sum.chargeMicrocredits ?? 0n),
      p50LatencyMs: p50,
      p95LatencyMs: p95,
    },
    days: { from: month.from.toISOString(), byModel: byModel.series, byProvider: byProvider.series, totals: byModel.totals },
    models,
    providers,
  };
}
