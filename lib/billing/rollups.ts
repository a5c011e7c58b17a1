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

/** When the last rollup run read the events: events written after it are not in the rollups yet. */
export async function readWatermark(): Promise<Date> {
  const row = await db().setting.findUnique({ where: { key: WATERMARK } });
  return row ? new Date(JSON.parse(row.value) as string) : new Date(0);
}

// the units besides tokens (images, audio milliseconds, characters, video milliseconds) have the same names in the events
// and the rollups, so both rebuilds sum them like the tokens
const SUMS = ["promptTokens", "completionTokens", "cachedTokens", "reasoningTokens", "costNanoUsd", "chargeMicrocredits", "images", "audioMs", "characters", "videoMs"] as const;
const DIMENSIONS = ["userId", "teamId", "apiKeyId", "model", "providerName"] as const;
const COLUMNS = ["id", "period", "bucketStart", ...DIMENSIONS, "calls", "errors", ...SUMS, "latencyMsSum", "ttfbMsSum", "cacheHits", "updatedAt"];

/**
 * The SQL of one dialect. Buckets are rebuilt set-based, in one INSERT … SELECT … GROUP BY each:
 * row-by-row inserts through the ORM cost ~0.7 ms a row, which made a month of a million calls
 * take minutes to roll up.
 */
function dialect() {
  const postgres = databaseKind() === "postgres";
  return {
    newId: postgres ? "gen_random_uuid()::text" : "lower(hex(randomblob(16)))",
    // bound Dates in a select list have no column to take their type from
    timestamp: (n: number) => (postgres ? `CAST($${n} AS TIMESTAMP(3))` : "?"),
    param: (n: number) => (postgres ? `$${n}` : "?"),
    // the same 'YYYY-MM-DDTHH' text from both databases
    hourOf: (column: string) => (postgres ? `to_char(${column}, 'YYYY-MM-DD"T"HH24')` : `strftime('%Y-%m-%dT%H', ${column})`),
  };
}

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

/** Replaces the rollup rows of one bucket with aggregates of `source` rows in [start, start + span). */
async function rebuildBucket(tx: Tx, period: "hour" | "day", start: Date, span: number, select: (d: ReturnType<typeof dialect>) => string): Promise<void> {
  const d = dialect();
  const end = new Date(start.getTime() + span);
  await tx.$executeRawUnsafe(`DELETE FROM "UsageRollup" WHERE "period" = ${d.param(1)} AND "bucketStart" = ${d.param(2)}`, period, start);
  // parameters: 1 period, 2 bucket start, 3 updatedAt, 4 from, 5 to
  await tx.$executeRawUnsafe(`INSERT INTO "UsageRollup" (${quoted(COLUMNS)}) ${select(d)}`, period, start, new Date(), start, end);
}

const rebuildHour = (tx: Tx, start: Date) =>
  rebuildBucket(
    tx,
    "hour",
    start,
    HOUR,
    (d) => `
    SELECT ${d.newId}, ${d.param(1)}, ${d.timestamp(2)},
      COALESCE("userId", ''), COALESCE("teamId", ''), COALESCE("apiKeyId", ''), "requestedModel", COALESCE("providerName", ''),
      COUNT(*), SUM(CASE WHEN "status" >= 400 THEN 1 ELSE 0 END),
      ${SUMS.map((c) => `SUM("${c}")`).join(", ")}, SUM("latencyMs"), COALESCE(SUM("ttfbMs"), 0),
      SUM(CASE WHEN "cacheHit" THEN 1 ELSE 0 END), ${d.timestamp(3)}
    FROM "UsageEvent"
    WHERE "startedAt" >= ${d.param(4)} AND "startedAt" < ${d.param(5)}
    GROUP BY "userId", "teamId", "apiKeyId", "requestedModel", "providerName"`,
  );

const rebuildDay = (tx: Tx, start: Date) =>
  rebuildBucket(
    tx,
    "day",
    start,
    DAY,
    (d) => `
    SELECT ${d.newId}, ${d.param(1)}, ${d.timestamp(2)}, ${quoted(DIMENSIONS)},
      SUM("calls"), SUM("errors"), ${SUMS.map((c) => `SUM("${c}")`).join(", ")}, SUM("latencyMsSum"), SUM("ttfbMsSum"), SUM("cacheHits"), ${d.timestamp(3)}
    FROM "UsageRollup"
    WHERE "period" = 'hour' AND "bucketStart" >= ${d.param(4)} AND "bucketStart" < ${d.param(5)}
    GROUP BY ${quoted(DIMENSIONS)}`,
  );

/** The hours that received events written after `since`, as epoch milliseconds. */
async function changedHours(since: Date): Promise<number[]> {
  const d = dialect();
  const rows = await db().$queryRawUnsafe<Array<{ hour: string }>>(
    `SELECT DISTINCT ${d.hourOf('"startedAt"')} AS "hour" FROM "UsageEvent" WHERE "createdAt" > ${d.param(1)}`,
    since,
  );
  return rows.map((r) => Date.parse(`${r.hour}:00:00Z`)).sort((a, b) => a - b);
}

/** Brings the rollups up to date; returns how many hour buckets were rebuilt. */
export async function rollUp(): Promise<number> {
  const since = new Date((await readWatermark()).getTime() - OVERLAP_MS);
  // read before the hours: whatever is written in between is caught by the next run
  const { _max } = await db().usageEvent.aggregate({ where: { createdAt: { gt: since } }, _max: { createdAt: true } });
  const hours = await changedHours(since);
  const days = new Map<number, number[]>();
  for (const hour of hours) {
    const day = floorTo(new Date(hour), DAY).getTime();
    days.set(day, [...(days.get(day) ?? []), hour]);
  }
  // a day and its hours change together, one transaction each, so a reader never sees them disagree
  for (const [day, dayHours] of days) {
    await transaction(async (tx) => {
      await lockRollups(tx);
      for (const hour of dayHours) await rebuildHour(tx, new Date(hour));
      await rebuildDay(tx, new Date(day));
    });
  }
  if (_max.createdAt) {
    const value = JSON.stringify(_max.createdAt.toISOString());
    await db().setting.upsert({ where: { key: WATERMARK }, create: { key: WATERMARK, value }, update: { value } });
  }
  return hours.length;
}

/** Deletes usage events older than the retention period (their rollups stay). */
export async function pruneUsage(retentionDays: number, now = new Date()): Promise<number> {
  const { count } = await db().usageEvent.deleteMany({ where: { startedAt: { lt: new Date(now.getTime() - retentionDays * DAY) } } });
  return count;
}
