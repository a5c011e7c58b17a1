import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { databaseKind } from "../env";

// Hourly and daily aggregates of the usage events, by user, team, key, model and provider, for
// charts and reports that must stay fast over millions of calls. Each run rebuilds the buckets that
// received events since the last run (found by the events' write time, so late writes are caught),
// from the raw events: rebuilding is idempotent, and a bucket always equals the events it covers.

const WATERMARK = "rollups.watermark";
// events written just before the watermark by another process (clock skew, slow commit) are caught
const OVERLAP_MS = 30_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const floorTo = (at: Date, span: number) => new Date(Math.floor(at.getTime() / span) * span);

// Processes that share a Postgres database without Redis each run the rollup job: a bucket's
// read-delete-insert must not interleave with another's (SQLite's write lock already serializes them).
async function lockRollups(tx: Tx): Promise<void> {
  if (databaseKind() === "postgres") await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('hub.rollups'))");
}

async function readWatermark(): Promise<Date> {
  const row = await db().setting.findUnique({ where: { key: WATERMARK } });
  return row ? new Date(JSON.parse(row.value) as string) : new Date(0);
}

async function rebuildHour(tx: Tx, start: Date): Promise<void> {
  const where = { startedAt: { gte: start, lt: new Date(start.getTime() + HOUR) } };
  const by = ["userId", "teamId", "apiKeyId", "requestedModel", "providerName"] as const;
  const [groups, failures] = await Promise.all([
    tx.usageEvent.groupBy({
      by: [...by],
      where,
      _count: { _all: true },
      _sum: { promptTokens: true, completionTokens: true, cachedTokens: true, reasoningTokens: true, costNanoUsd: true, chargeMicrocredits: true, latencyMs: true, ttfbMs: true },
    }),
    tx.usageEvent.groupBy({ by: [...by], where: { ...where, status: { gte: 400 } }, _count: { _all: true } }),
  ]);
  const dims = (g: { userId: string | null; teamId: string | null; apiKeyId: string | null; requestedModel: string; providerName: string | null }) => ({
    userId: g.userId ?? "",
    teamId: g.teamId ?? "",
    apiKeyId: g.apiKeyId ?? "",
    model: g.requestedModel,
    providerName: g.providerName ?? "",
  });
  const errors = new Map(failures.map((g) => [JSON.stringify(dims(g)), g._count._all]));
  const rows = groups.map((g) => ({
    period: "hour",
    bucketStart: start,
    ...dims(g),
    calls: g._count._all,
    errors: errors.get(JSON.stringify(dims(g))) ?? 0,
    promptTokens: BigInt(g._sum.promptTokens ?? 0),
    completionTokens: BigInt(g._sum.completionTokens ?? 0),
    cachedTokens: BigInt(g._sum.cachedTokens ?? 0),
    reasoningTokens: BigInt(g._sum.reasoningTokens ?? 0),
    costNanoUsd: g._sum.costNanoUsd ?? 0n,
    chargeMicrocredits: g._sum.chargeMicrocredits ?? 0n,
    latencyMsSum: BigInt(g._sum.latencyMs ?? 0),
    ttfbMsSum: BigInt(g._sum.ttfbMs ?? 0),
  }));
  await tx.usageRollup.deleteMany({ where: { period: "hour", bucketStart: start } });
  if (rows.length) await tx.usageRollup.createMany({ data: rows });
}

async function rebuildDay(tx: Tx, start: Date): Promise<void> {
  const hours = await tx.usageRollup.groupBy({
    by: ["userId", "teamId", "apiKeyId", "model", "providerName"],
    where: { period: "hour", bucketStart: { gte: start, lt: new Date(start.getTime() + DAY) } },
    _sum: { calls: true, errors: true, promptTokens: true, completionTokens: true, cachedTokens: true, reasoningTokens: true, costNanoUsd: true, chargeMicrocredits: true, latencyMsSum: true, ttfbMsSum: true },
  });
  const rows = hours.map(({ _sum: sum, ...dims }) => ({
    period: "day",
    bucketStart: start,
    ...dims,
    calls: sum.calls ?? 0,
    errors: sum.errors ?? 0,
    promptTokens: sum.promptTokens ?? 0n,
    completionTokens: sum.completionTokens ?? 0n,
    cachedTokens: sum.cachedTokens ?? 0n,
    reasoningTokens: sum.reasoningTokens ?? 0n,
    costNanoUsd: sum.costNanoUsd ?? 0n,
    chargeMicrocredits: sum.chargeMicrocredits ?? 0n,
    latencyMsSum: sum.latencyMsSum ?? 0n,
    ttfbMsSum: sum.ttfbMsSum ?? 0n,
  }));
  await tx.usageRollup.deleteMany({ where: { period: "day", bucketStart: start } });
  if (rows.length) await tx.usageRollup.createMany({ data: rows });
}

const rebuild = (bucket: (tx: Tx, start: Date) => Promise<void>, start: Date) =>
  transaction(async (tx) => {
    await lockRollups(tx);
    await bucket(tx, start);
  });

/** Brings the rollups up to date; returns how many hour buckets were rebuilt. */
export async function rollUp(): Promise<number> {
  const since = new Date((await readWatermark()).getTime() - OVERLAP_MS);
  let watermark = since;
  const hours = new Set<number>();
  // walk the new events in pages: only their times are needed
  for (let cursor: { createdAt: Date; id: string } | null = null; ; ) {
    const page: Array<{ id: string; startedAt: Date; createdAt: Date }> = await db().usageEvent.findMany({
      where: { createdAt: { gt: since } },
      select: { id: true, startedAt: true, createdAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 10_000,
      ...(cursor ? { cursor: { id: cursor.id }, skip: 1 } : {}),
    });
    for (const event of page) {
      hours.add(floorTo(event.startedAt, HOUR).getTime());
      if (event.createdAt > watermark) watermark = event.createdAt;
    }
    if (page.length < 10_000) break;
    cursor = page.at(-1)!;
  }
  const sorted = [...hours].sort((a, b) => a - b);
  for (const hour of sorted) await rebuild(rebuildHour, new Date(hour));
  for (const day of new Set(sorted.map((h) => floorTo(new Date(h), DAY).getTime()))) await rebuild(rebuildDay, new Date(day));
  const value = JSON.stringify(watermark.toISOString());
  await db().setting.upsert({ where: { key: WATERMARK }, create: { key: WATERMARK, value }, update: { value } });
  return sorted.length;
}

/** Deletes usage events older than the retention period (their rollups stay). */
export async function pruneUsage(retentionDays: number, now = new Date()): Promise<number> {
  const { count } = await db().usageEvent.deleteMany({ where: { startedAt: { lt: new Date(now.getTime() - retentionDays * DAY) } } });
  return count;
}
