import { z } from "zod";
import { formatCredits, formatUsd } from "../money";
import { db } from "../db/client";
import { AccessDenied, assertAdmin, type Caller } from "../caller";
import { csvBody } from "../http/csv";
import type { Prisma } from "../db/client";
import { readWatermark } from "../billing/rollups";
import { addSums, bucketOf, bucketStarts, fillBuckets, mergeRows, percentile, sumsOf, totalsByGroup, zeroSums, type Sums, type SumsRow } from "./buckets";

// Usage analytics for the UI: time series and breakdowns read from the hourly/daily rollups (fast on
// millions of calls), per-call listings and CSV from the raw events, the monthly showback per team.

export const DIMENSIONS = { model: "model", provider: "providerName", user: "userId", team: "teamId", key: "apiKeyId" } as const;
export type Dimension = keyof typeof DIMENSIONS;

const isoDate = z.coerce.date();

export const usageQuerySchema = z.object({
  from: isoDate,
  to: isoDate,
  bucket: z.enum(["hour", "day"]).default("day"),
  groupBy: z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]).optional(),
  userId: z.string().optional(),
  teamId: z.string().optional(),
  keyId: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

function rollupFilter(q: UsageQuery): Prisma.UsageRollupWhereInput {
  return {
    period: q.bucket,
    bucketStart: { gte: q.from, lt: q.to },
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.teamId ? { teamId: q.teamId } : {}),
    ...(q.keyId ? { apiKeyId: q.keyId } : {}),
    ...(q.model ? { model: q.model } : {}),
    ...(q.provider ? { providerName: q.provider } : {}),
  };
}

const SUMS = { calls: true, errors: true, promptTokens: true, completionTokens: true, cachedTokens: true, reasoningTokens: true, costNanoUsd: true, chargeMicrocredits: true, latencyMsSum: true, ttfbMsSum: true, images: true, audioMs: true, characters: true, videoMs: true, cacheHits: true } as const;

function present(sum: Sums) {
  const calls = sum.calls;
  return {
    calls,
    errors: sum.errors,
    promptTokens: Number(sum.promptTokens),
    completionTokens: Number(sum.completionTokens),
    cachedTokens: Number(sum.cachedTokens),
    reasoningTokens: Number(sum.reasoningTokens),
    costUsd: formatUsd(sum.costNanoUsd),
    chargeCredits: formatCredits(sum.chargeMicrocredits),
    averageLatencyMs: calls ? Math.round(Number(sum.latencyMsSum) / calls) : 0,
    // the units audio, speech, image and video models are metered in (tokens above for the others)
    images: Number(sum.images),
    audioMs: Number(sum.audioMs),
    characters: Number(sum.characters),
    videoMs: Number(sum.videoMs),
    cacheHits: Number(sum.cacheHits),
  };
}

/** The usage query as a filter of the raw events (the rollups' dimensions are the events' columns). */
function eventFilter(q: UsageQuery): Prisma.UsageEventWhereInput {
  return {
    startedAt: { gte: q.from, lt: q.to },
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.teamId ? { teamId: q.teamId } : {}),
    ...(q.keyId ? { apiKeyId: q.keyId } : {}),
    ...(q.model ? { requestedModel: q.model } : {}),
    ...(q.provider ? { providerName: q.provider } : {}),
  };
}

// the events' columns of each dimension (the rollups store a missing id as "")
const EVENT_COLUMNS = { model: "requestedModel", provider: "providerName", user: "userId", team: "teamId", key: "apiKeyId" } as const;

// the event columns summed as they are (calls, errors, latency and ttfb are derived per event)
const TAIL_SUMS = ["promptTokens", "completionTokens", "cachedTokens", "reasoningTokens", "costNanoUsd", "chargeMicrocredits", "images", "audioMs", "characters", "videoMs"] as const;

/**
 * The calls of the query not in the rollups yet, per bucket (and group): events written after the
 * last rollup run, less those whose hour was rebuilt after they were written (a run in progress).
 * Cards, charts and tables all add this to the rollups, so they count the same calls.
 */
export async function unrolledTail(q: UsageQuery): Promise<SumsRow[]> {
  const watermark = await readWatermark();
  const events = await db().usageEvent.findMany({
    where: { ...eventFilter(q), createdAt: { gt: watermark } },
    select: { startedAt: true, createdAt: true, status: true, latencyMs: true, ttfbMs: true, cacheHit: true, requestedModel: true, providerName: true, userId: true, teamId: true, apiKeyId: true, ...Object.fromEntries(TAIL_SUMS.map((k) => [k, true])) },
  });
  if (events.length === 0) return [];
  const hours = [...new Set(events.map((e) => bucketOf(e.startedAt, "hour").getTime()))].map((h) => new Date(h));
  const rebuilt = await db().usageRollup.groupBy({ by: ["bucketStart"], where: { period: "hour", bucketStart: { in: hours } }, _max: { updatedAt: true } });
  const rebuiltAt = new Map(rebuilt.map((r) => [r.bucketStart.getTime(), r._max.updatedAt?.getTime() ?? 0]));
  const column = q.groupBy ? EVENT_COLUMNS[q.groupBy] : null;
  return mergeRows(
    events
      .filter((e) => e.createdAt.getTime() > (rebuiltAt.get(bucketOf(e.startedAt, "hour").getTime()) ?? 0))
      .map((e) => ({
        bucketStart: bucketOf(e.startedAt, q.bucket).toISOString(),
        group: column ? ((e[column] as string | null) ?? "") : null,
        sums: sumsOf({ ...e, calls: 1, errors: e.status >= 400 ? 1 : 0, latencyMsSum: e.latencyMs, ttfbMsSum: e.ttfbMs ?? 0, cacheHits: e.cacheHit ? 1 : 0 }),
      })),
  );
}

/** The rollups plus the not-yet-rolled tail, per bucket (and group), in time order. */
async function usageRows(q: UsageQuery): Promise<SumsRow[]> {
  const dimension = q.groupBy ? DIMENSIONS[q.groupBy] : null;
  const [rolled, tail] = await Promise.all([
    db().usageRollup.groupBy({ by: dimension ? ["bucketStart", dimension] : ["bucketStart"], where: rollupFilter(q), _sum: SUMS, orderBy: { bucketStart: "asc" } }),
    unrolledTail(q),
  ]);
  const rows = rolled.map((p) => ({
    bucketStart: p.bucketStart.toISOString(),
    group: dimension ? ((p as Record<string, unknown>)[dimension] as string) : null,
    sums: sumsOf(p._sum),
  }));
  return mergeRows(rows, tail);
}

/** The totals of the query's range, rollups plus tail (what the cards show). */
export async function usageTotals(q: UsageQuery) {
  return present(totalsByGroup(await usageRows({ ...q, groupBy: undefined })).get("") ?? zeroSums());
}

/**
 * A time series over the whole range (every bucket, zero where nobody called; per group when
 * grouped), and the totals of the range. Calls not rolled up yet are included.
 */
export async function usageSeries(q: UsageQuery) {
  const rows = fillBuckets(await usageRows(q), q.from, q.to, q.bucket, Boolean(q.groupBy));
  return {
    bucket: q.bucket,
    groupBy: q.groupBy ?? null,
    series: rows.map((r) => ({ bucketStart: r.bucketStart, ...(r.group !== null ? { group: r.group } : {}), ...present(r.sums) })),
    totals: present(rows.reduce((total, r) => addSums(total, r.sums), zeroSums())),
  };
}

/** Totals per group over the range, largest cost first. Calls not rolled up yet are included. */
export async function usageBreakdown(q: UsageQuery & { groupBy: Dimension }) {
  const totals = totalsByGroup(await usageRows(q));
  return [...totals.entries()]
    .sort((a, b) => (a[1].costNanoUsd === b[1].costNanoUsd ? b[1].calls - a[1].calls : a[1].costNanoUsd > b[1].costNanoUsd ? -1 : 1))
    .map(([group, sums]) => ({ group, ...present(sums) }));
}

/** The share of failed calls per bucket of an ungrouped series (null where nobody called). */
export const errorRates = (series: Array<{ bucketStart: string; calls: number; errors: number }>) =>
  series.map((p) => ({ bucketStart: p.bucketStart, errorRate: p.calls ? p.errors / p.calls : null, calls: p.calls }));

/**
 * Per bucket of an ungrouped series: the share of prompt tokens the provider read from its prompt
 * cache, and the share of calls the hub answered from its response cache (null where nobody called).
 */
export const cacheRates = (series: Array<{ bucketStart: string; calls: number; promptTokens: number; cachedTokens: number; cacheHits: number }>) =>
  series.map((p) => ({
    bucketStart: p.bucketStart,
    promptCacheRate: p.promptTokens ? p.cachedTokens / p.promptTokens : null,
    responseCacheRate: p.calls ? p.cacheHits / p.calls : null,
  }));

// above this many calls in a range, percentiles would mean reading too many events: the chart shows averages from the rollups
export const PERCENTILE_MAX_CALLS = 50_000;

/**
 * Latency and time to first byte per bucket over the whole range: p50 and p95 read from the raw
 * events when the range holds at most PERCENTILE_MAX_CALLS calls, otherwise the rollups' averages
 * (`percentiles: false`). A bucket without calls has nulls (a gap, not a zero-millisecond call).
 */
export async function latencySeries(q: UsageQuery) {
  const where = eventFilter(q);
  const count = await db().usageEvent.count({ where });
  if (count > PERCENTILE_MAX_CALLS) {
    const rows = fillBuckets(await usageRows({ ...q, groupBy: undefined }), q.from, q.to, q.bucket, false);
    return {
      percentiles: false,
      series: rows.map(({ bucketStart, sums }) => {
        const average = (sum: bigint) => (sums.calls ? Math.round(Number(sum) / sums.calls) : null);
        return { bucketStart, latencyP50: average(sums.latencyMsSum), latencyP95: null, ttfbP50: average(sums.ttfbMsSum), ttfbP95: null };
      }),
    };
  }
  const events = await db().usageEvent.findMany({ where, select: { startedAt: true, latencyMs: true, ttfbMs: true } });
  const byBucket = new Map<string, { latency: number[]; ttfb: number[] }>();
  for (const e of events) {
    const key = bucketOf(e.startedAt, q.bucket).toISOString();
    const bucket = byBucket.get(key) ?? { latency: [], ttfb: [] };
    bucket.latency.push(e.latencyMs);
    if (e.ttfbMs !== null) bucket.ttfb.push(e.ttfbMs);
    byBucket.set(key, bucket);
  }
  return {
    percentiles: true,
    series: bucketStarts(q.from, q.to, q.bucket).map((bucketStart) => {
      const { latency, ttfb } = byBucket.get(bucketStart) ?? { latency: [], ttfb: [] };
      latency.sort((a, b) => a - b);
      ttfb.sort((a, b) => a - b);
      return { bucketStart, latencyP50: percentile(latency, 0.5), latencyP95: percentile(latency, 0.95), ttfbP50: percentile(ttfb, 0.5), ttfbP95: percentile(ttfb, 0.95) };
    }),
  };
}

export const callsQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  userId: z.string().optional(),
  teamId: z.string().optional(),
  keyId: z.string().optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  status: z.enum(["ok", "error"]).optional(),
  sort: z.enum(["startedAt", "costNanoUsd", "latencyMs", "promptTokens", "completionTokens"]).default("startedAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type CallsQuery = z.infer<typeof callsQuerySchema>;

function callsFilter(q: CallsQuery): Prisma.UsageEventWhereInput {
  return {
    ...(q.from || q.to ? { startedAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.teamId ? { teamId: q.teamId } : {}),
    ...(q.keyId ? { apiKeyId: q.keyId } : {}),
    ...(q.model ? { requestedModel: q.model } : {}),
    ...(q.provider ? { providerName: q.provider } : {}),
    ...(q.status === "ok" ? { status: { lt: 400 } } : q.status === "error" ? { status: { gte: 400 } } : {}),
  };
}

function presentCall(e: Prisma.UsageEventGetPayload<object>) {
  const { costNanoUsd, chargeMicrocredits, ...rest } = e;
  return { ...rest, costUsd: formatUsd(costNanoUsd), chargeCredits: formatCredits(chargeMicrocredits) };
}

/** One page of calls, with server-side filters and sorting, and the total count for the pager. */
export async function listCalls(q: CallsQuery) {
  const where = callsFilter(q);
  const [rows, total] = await Promise.all([
    db().usageEvent.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
    db().usageEvent.count({ where }),
  ]);
  return { data: rows.map(presentCall), page: q.page, pageSize: q.pageSize, total };
}

export async function getCall(requestId: string) {
  const row = await db().usageEvent.findUnique({ where: { requestId } });
  return row ? presentCall(row) : null;
}

// request ids are the hub's (uuidv7) or a client's x-request-id
const requestIdSchema = z.string().min(1).max(128);

/**
 * One call and its logged bodies (null when none were kept), or null when the caller may not see it:
 * `own` finds only the caller's own call, whoever else's id is asked for; otherwise any call, for an admin.
 */
export async function callDetail(caller: Caller, requestId: string, { own }: { own: boolean }) {
  if (!caller?.id) throw new AccessDenied("calls");
  if (!own) assertAdmin(caller, "the calls");
  // the id comes from a URL; one that cannot be a request id names no call
  if (!requestIdSchema.safeParse(requestId).success) return null;
  const owner = own ? { userId: caller.id } : {};
  const [row, body] = await Promise.all([
    db().usageEvent.findFirst({ where: { requestId, ...owner } }),
    db().callBody.findFirst({ where: { requestId, ...owner }, select: { request: true, response: true, truncated: true, expiresAt: true } }),
  ]);
  return row ? { call: presentCall(row), body } : null;
}

// new columns go last, so spreadsheets and scripts that read the columns by position keep working
const CSV_COLUMNS = [
  "startedAt", "requestId", "endpoint", "requestedModel", "providerName", "upstreamModel", "userId", "teamId", "apiKeyId", "status", "errorCode",
  "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens", "costUsd", "chargeCredits", "latencyMs", "ttfbMs",
  "images", "audio_seconds", "characters", "video_seconds",
] as const;

/** A call as a CSV row: audio and video in seconds (milliseconds / 1000, so at most three decimals), as their prices are per minute and per second. */
const csvRow = (e: Prisma.UsageEventGetPayload<object>) => ({ ...presentCall(e), audio_seconds: e.audioMs / 1000, video_seconds: e.videoMs / 1000 });

/** The pages of calls matching the filters, 1000 rows at a time (keyset pagination: constant memory). */
async function* callRows(q: CallsQuery) {
  const where = callsFilter(q);
  let cursor: string | undefined;
  for (;;) {
    const rows = await db().usageEvent.findMany({ where, orderBy: { id: "asc" }, take: 1000, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
    if (rows.length === 0) return;
    cursor = rows.at(-1)!.id;
    for (const row of rows) yield csvRow(row);
  }
}

/** Every call matching the filters as CSV, streamed (no size limit, constant memory). */
export const callsCsv = (q: CallsQuery): ReadableStream<Uint8Array> => csvBody(callRows(q), CSV_COLUMNS);

/** What each team spent in a month (Enterprise showback), with its models. */
export async function showback(month: string) {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error("month must look like 2026-11");
  const start = new Date(`${month}-01T00:00:00.000Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const where = { period: "day", bucketStart: { gte: start, lt: end } };
  const [byTeam, byTeamModel, teams] = await Promise.all([
    db().usageRollup.groupBy({ by: ["teamId"], where, _sum: SUMS, orderBy: { _sum: { costNanoUsd: "desc" } } }),
    db().usageRollup.groupBy({ by: ["teamId", "model"], where, _sum: SUMS }),
    db().team.findMany({ select: { id: true, name: true, monthlyBudgetNanoUsd: true } }),
  ]);
  const names = new Map(teams.map((t) => [t.id, t]));
  return {
    month,
    teams: byTeam.map((t) => ({
      teamId: t.teamId || null,
      team: names.get(t.teamId)?.name ?? "(no team)",
      budgetUsd: names.get(t.teamId)?.monthlyBudgetNanoUsd != null ? formatUsd(names.get(t.teamId)!.monthlyBudgetNanoUsd!) : null,
      ...present(sumsOf(t._sum)),
      models: byTeamModel.filter((m) => m.teamId === t.teamId).map((m) => ({ model: m.model, ...present(sumsOf(m._sum)) })),
    })),
  };
}
