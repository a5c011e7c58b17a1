import { z } from "zod";
import { formatCredits, formatUsd } from "../money";
import { db } from "../db/client";
import { csvBody } from "../http/csv";
import type { Prisma } from "../db/client";

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

const SUMS = { calls: true, errors: true, promptTokens: true, completionTokens: true, cachedTokens: true, reasoningTokens: true, costNanoUsd: true, chargeMicrocredits: true, latencyMsSum: true, images: true, audioMs: true, characters: true, videoMs: true } as const;

type Sums = { calls: number | null; errors: number | null; promptTokens: bigint | null; completionTokens: bigint | null; cachedTokens: bigint | null; reasoningTokens: bigint | null; costNanoUsd: bigint | null; chargeMicrocredits: bigint | null; latencyMsSum: bigint | null; images: bigint | null; audioMs: bigint | null; characters: bigint | null; videoMs: bigint | null };

function present(sum: Sums) {
  const calls = sum.calls ?? 0;
  return {
    calls,
    errors: sum.errors ?? 0,
    promptTokens: Number(sum.promptTokens ?? 0n),
    completionTokens: Number(sum.completionTokens ?? 0n),
    cachedTokens: Number(sum.cachedTokens ?? 0n),
    reasoningTokens: Number(sum.reasoningTokens ?? 0n),
    costUsd: formatUsd(sum.costNanoUsd ?? 0n),
    chargeCredits: formatCredits(sum.chargeMicrocredits ?? 0n),
    averageLatencyMs: calls ? Math.round(Number(sum.latencyMsSum ?? 0n) / calls) : 0,
    // the units audio, speech, image and video models are metered in (tokens above for the others)
    images: Number(sum.images ?? 0n),
    audioMs: Number(sum.audioMs ?? 0n),
    characters: Number(sum.characters ?? 0n),
    videoMs: Number(sum.videoMs ?? 0n),
  };
}

/** A time series (one point per bucket, per group when grouped) and the totals of the range. */
export async function usageSeries(q: UsageQuery) {
  const dimension = q.groupBy ? DIMENSIONS[q.groupBy] : null;
  const where = rollupFilter(q);
  const [points, totals] = await Promise.all([
    db().usageRollup.groupBy({ by: dimension ? ["bucketStart", dimension] : ["bucketStart"], where, _sum: SUMS, orderBy: { bucketStart: "asc" } }),
    db().usageRollup.aggregate({ where, _sum: SUMS }),
  ]);
  return {
    bucket: q.bucket,
    groupBy: q.groupBy ?? null,
    series: points.map((p) => ({
      bucketStart: p.bucketStart.toISOString(),
      ...(dimension ? { group: (p as Record<string, unknown>)[dimension] as string } : {}),
      ...present(p._sum),
    })),
    totals: present(totals._sum),
  };
}

/** Totals per group over the range, largest cost first. */
export async function usageBreakdown(q: UsageQuery & { groupBy: Dimension }) {
  const dimension = DIMENSIONS[q.groupBy];
  const groups = await db().usageRollup.groupBy({ by: [dimension], where: rollupFilter(q), _sum: SUMS, orderBy: { _sum: { costNanoUsd: "desc" } } });
  return groups.map((g) => ({ group: (g as Record<string, unknown>)[dimension] as string, ...present(g._sum) }));
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
      ...present(t._sum),
      models: byTeamModel.filter((m) => m.teamId === t.teamId).map((m) => ({ model: m.model, ...present(m._sum) })),
    })),
  };
}
