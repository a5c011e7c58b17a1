import { emit } from "../alerts/emit";
import { db } from "../db/client";
import { formatUsd } from "../money";
import { settings } from "../settings";

// Spend spikes: a user whose provider cost today (UTC, from the daily rollups) is above the
// alertSpendSpikeFloorUsd setting and above alertSpendSpikeFactor times their mean day over the 7
// days before. Days without calls count as zero, so a user with no history spikes once they pass the
// floor. One alert per user and day.

const DAY = 86_400_000;
const TRAILING_DAYS = 7;

export interface SpendSpike {
  userId: string;
  todayNanoUsd: bigint;
  meanNanoUsd: bigint;
}

/** The users spiking today; `now` is for tests. Emits an alert for each. */
export async function checkSpendSpikes(now = new Date()): Promise<SpendSpike[]> {
  const { alertSpendSpikeFactor: factor, alertSpendSpikeFloorNanoUsd: floor } = await settings();
  if (factor === null) return [];
  const today = new Date(Math.floor(now.getTime() / DAY) * DAY);
  const rows = await db().usageRollup.groupBy({
    by: ["userId", "bucketStart"],
    where: { period: "day", userId: { not: "" }, bucketStart: { gte: new Date(today.getTime() - TRAILING_DAYS * DAY), lte: today } },
    _sum: { costNanoUsd: true },
  });
  const byUser = new Map<string, { today: bigint; before: bigint }>();
  for (const row of rows) {
    const sums = byUser.get(row.userId) ?? { today: 0n, before: 0n };
    const cost = row._sum.costNanoUsd ?? 0n;
    if (row.bucketStart.getTime() === today.getTime()) sums.today += cost;
    else sums.before += cost;
    byUser.set(row.userId, sums);
  }
  // the factor in hundredths, so the comparison stays in integers
  const factorHundredths = BigInt(Math.round(factor * 100));
  const spikes = [...byUser]
    .map(([userId, s]) => ({ userId, todayNanoUsd: s.today, meanNanoUsd: s.before / BigInt(TRAILING_DAYS) }))
    .filter((s) => s.todayNanoUsd > floor && s.todayNanoUsd * 100n > s.meanNanoUsd * factorHundredths);
  if (!spikes.length) return [];
  const users = new Map((await db().user.findMany({ where: { id: { in: spikes.map((s) => s.userId) } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  const day = today.toISOString().slice(0, 10);
  for (const spike of spikes) {
    emit(
      "spend.spike",
      { userId: spike.userId, customer: users.get(spike.userId) ?? spike.userId, day, spentUsd: formatUsd(spike.todayNanoUsd), meanUsd: formatUsd(spike.meanNanoUsd), factor },
      { dedupKey: `spend_spike:${spike.userId}:${day}` },
    );
  }
  return spikes;
}
