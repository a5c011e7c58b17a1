// Time buckets of the charts, and the sums they carry. Pure: the rollup rows and the not-yet-rolled
// tail of events arrive here as plain rows, are merged by (bucket, group), and every bucket of the
// range is filled so a chart's axis covers the range even where nobody called. Buckets are UTC hours
// and days, as the rollups' are.

export type Bucket = "hour" | "day";

export const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start of the bucket `at` falls in. */
export const bucketOf = (at: Date, bucket: Bucket) => new Date(Math.floor(at.getTime() / BUCKET_MS[bucket]) * BUCKET_MS[bucket]);

/** Every bucket start in [from, to), as ISO strings; `from` is floored to its bucket. */
export function bucketStarts(from: Date, to: Date, bucket: Bucket): string[] {
  const starts: string[] = [];
  for (let at = bucketOf(from, bucket).getTime(); at < to.getTime(); at += BUCKET_MS[bucket]) starts.push(new Date(at).toISOString());
  return starts;
}

/** What a bucket adds up: the rollups' columns, counted in integers so merging is exact. */
export interface Sums {
  calls: number;
  errors: number;
  promptTokens: bigint;
  completionTokens: bigint;
  cachedTokens: bigint;
  reasoningTokens: bigint;
  costNanoUsd: bigint;
  chargeMicrocredits: bigint;
  latencyMsSum: bigint;
  ttfbMsSum: bigint;
  images: bigint;
  audioMs: bigint;
  characters: bigint;
  videoMs: bigint;
  /** calls answered from the response cache */
  cacheHits: bigint;
}

const BIGINTS = ["promptTokens", "completionTokens", "cachedTokens", "reasoningTokens", "costNanoUsd", "chargeMicrocredits", "latencyMsSum", "ttfbMsSum", "images", "audioMs", "characters", "videoMs", "cacheHits"] as const;

export const zeroSums = (): Sums => ({ calls: 0, errors: 0, ...(Object.fromEntries(BIGINTS.map((k) => [k, 0n])) as Record<(typeof BIGINTS)[number], bigint>) });

/** Sums as an aggregate query returns them (nulls where no row matched, numbers or bigints). */
export function sumsOf(raw: Partial<Record<keyof Sums, number | bigint | null>>): Sums {
  const sums = zeroSums();
  sums.calls = Number(raw.calls ?? 0);
  sums.errors = Number(raw.errors ?? 0);
  for (const k of BIGINTS) sums[k] = BigInt(raw[k] ?? 0);
  return sums;
}

export function addSums(a: Sums, b: Sums): Sums {
  const sums = zeroSums();
  sums.calls = a.calls + b.calls;
  sums.errors = a.errors + b.errors;
  for (const k of BIGINTS) sums[k] = a[k] + b[k];
  return sums;
}

/** One bucket (and group, when the series is grouped) of a series. */
export interface SumsRow {
  bucketStart: string;
  group: string | null;
  sums: Sums;
}

const keyOf = (r: { bucketStart: string; group: string | null }) => `${r.bucketStart}\u0000${r.group ?? ""}`;

/** The rollup rows plus the tail's rows, added up where they share a bucket and group, in time order. */
export function mergeRows(...sources: SumsRow[][]): SumsRow[] {
  const merged = new Map<string, SumsRow>();
  for (const row of sources.flat()) {
    const key = keyOf(row);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, sums: addSums(seen.sums, row.sums) } : row);
  }
  return [...merged.values()].sort((a, b) => a.bucketStart.localeCompare(b.bucketStart) || (a.group ?? "").localeCompare(b.group ?? ""));
}

// a range of more points than this (an API caller asking for years in hours) is returned as it is, not filled
export const MAX_FILLED_POINTS = 20_000;

/**
 * Every bucket of [from, to) for every group that appears (one ungrouped row per bucket when the
 * series is not grouped), zero where there was no call; rows outside the range are dropped. Past
 * MAX_FILLED_POINTS the rows come back unfilled.
 */
export function fillBuckets(rows: SumsRow[], from: Date, to: Date, bucket: Bucket, grouped: boolean): SumsRow[] {
  const groups = grouped ? [...new Set(rows.map((r) => r.group ?? ""))].sort() : [null];
  if (((to.getTime() - bucketOf(from, bucket).getTime()) / BUCKET_MS[bucket]) * Math.max(1, groups.length) > MAX_FILLED_POINTS) return rows;
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return bucketStarts(from, to, bucket).flatMap((bucketStart) => groups.map((group) => byKey.get(keyOf({ bucketStart, group })) ?? { bucketStart, group, sums: zeroSums() }));
}

/** Adds the rows of each group together (a breakdown over the whole range). */
export function totalsByGroup(rows: SumsRow[]): Map<string, Sums> {
  const totals = new Map<string, Sums>();
  for (const r of rows) totals.set(r.group ?? "", addSums(totals.get(r.group ?? "") ?? zeroSums(), r.sums));
  return totals;
}

/** The value below which `share` of the sorted values lie (nearest rank: 0.5 → median); null when empty. */
export function percentile(sorted: number[], share: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}
