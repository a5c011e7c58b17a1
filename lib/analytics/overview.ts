import { assertAdmin, type Caller } from "../caller";
import { db } from "../db/client";
import { lastDays, startOfToday } from "./periods";
import { cacheRates, errorRates, latencySeries, usageBreakdown, usageSeries, usageTotals } from "./usage";

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
 * The admin overview: today's numbers and the last 30 days per day, by model and provider. Cards,
 * charts and tables all read the rollups plus the calls not rolled up yet, so they agree.
 */
export async function overview(caller: Caller, now = new Date()) {
  assertAdmin(caller, "the overview");
  const today = startOfToday(now);
  const sums = await usageTotals({ from: today, to: lastDays(1, now).to, bucket: "day" });
  const { calls, errors } = sums;
  const [p50, p95] = await Promise.all([latencyPercentile(today, calls, 0.5), latencyPercentile(today, calls, 0.95)]);
  const month = lastDays(30, now);
  const [all, byModel, byProvider, latency, models, providers] = await Promise.all([
    usageSeries(month),
    usageSeries({ ...month, groupBy: "model" }),
    usageSeries({ ...month, groupBy: "provider" }),
    latencySeries(month),
    usageBreakdown({ ...month, groupBy: "model" }),
    usageBreakdown({ ...month, groupBy: "provider" }),
  ]);
  return {
    today: {
      calls,
      errors,
      errorRate: calls ? errors / calls : 0,
      tokens: sums.promptTokens + sums.completionTokens,
      costUsd: sums.costUsd,
      chargeCredits: sums.chargeCredits,
      p50LatencyMs: p50,
      p95LatencyMs: p95,
    },
    days: {
      from: month.from.toISOString(),
      byModel: byModel.series,
      byProvider: byProvider.series,
      errorRate: errorRates(all.series),
      cacheRate: cacheRates(all.series),
      latency,
      totals: all.totals,
    },
    models,
    providers,
  };
}
