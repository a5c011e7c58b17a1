import { assertAdmin, type Caller } from "../caller";
import { db } from "../db/client";
import { DAY_MS, lastDays } from "./periods";
import { cacheRates, callsQuerySchema, errorRates, latencySeries, listCalls, usageSeries, type CallsQuery } from "./usage";

// The usage explorer's data: one page of calls with people's names instead of ids, and the
// choices of its filters.

/** Search params → calls query. A date-only "to" includes that day. Bad params fall back to defaults. */
export function explorerQuery(params: Record<string, string | string[] | undefined>): { query: CallsQuery; invalid: boolean } {
  const flat = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
  if (flat.to && /^\d{4}-\d{2}-\d{2}$/.test(flat.to)) flat.to = new Date(Date.parse(flat.to) + DAY_MS).toISOString();
  const parsed = callsQuerySchema.safeParse(flat);
  return parsed.success ? { query: parsed.data, invalid: false } : { query: callsQuerySchema.parse({}), invalid: true };
}

export async function explorerPage(caller: Caller, query: CallsQuery) {
  assertAdmin(caller, "everyone's calls");
  const [calls, users, teams, keys, models, providers] = await Promise.all([
    listCalls(query),
    db().user.findMany({ select: { id: true, email: true }, orderBy: { email: "asc" } }),
    db().team.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db().apiKey.findMany({ select: { id: true, name: true, prefix: true, userId: true }, where: query.userId ? { userId: query.userId } : {}, orderBy: { createdAt: "desc" }, take: 500 }),
    db().model.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    db().provider.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
  ]);
  const email = new Map(users.map((u) => [u.id, u.email]));
  const team = new Map(teams.map((t) => [t.id, t.name]));
  const key = new Map(keys.map((k) => [k.id, `${k.name} (${k.prefix}…)`]));
  return {
    total: calls.total,
    rows: calls.data.map((c) => ({
      requestId: c.requestId,
      startedAt: c.startedAt.toISOString(),
      endpoint: c.endpoint,
      stream: c.stream,
      requestedModel: c.requestedModel,
      upstreamModel: c.upstreamModel,
      providerName: c.providerName,
      user: c.userId ? (email.get(c.userId) ?? c.userId) : null,
      team: c.teamId ? (team.get(c.teamId) ?? c.teamId) : null,
      key: c.apiKeyId ? (key.get(c.apiKeyId) ?? c.apiKeyId) : null,
      status: c.status,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      promptTokens: c.promptTokens,
      completionTokens: c.completionTokens,
      cachedTokens: c.cachedTokens,
      reasoningTokens: c.reasoningTokens,
      images: c.images,
      audioMs: c.audioMs,
      characters: c.characters,
      videoMs: c.videoMs,
      costUsd: c.costUsd,
      chargeCredits: c.chargeCredits,
      latencyMs: c.latencyMs,
      ttfbMs: c.ttfbMs,
      attempts: c.attempts,
      usageSource: c.usageSource,
    })),
    options: {
      users: users.map((u) => ({ value: u.id, label: u.email })),
      teams: teams.map((t) => ({ value: t.id, label: t.name })),
      keys: keys.map((k) => ({ value: k.id, label: `${k.name} (${k.prefix}…)` })),
      models: models.map((m) => m.name),
      providers: providers.map((p) => p.name),
    },
  };
}

// a range up to this long is charted per hour, a longer one per day
const HOURLY_UP_TO_MS = 3 * DAY_MS;

/**
 * The explorer's charts: calls and cost by model, error rate and latency over the filtered range
 * (the last 30 days when the filters name no dates), every bucket present. The status filter is not
 * applied: an error rate of failed calls only would say nothing.
 */
export async function explorerCharts(caller: Caller, query: CallsQuery, now = new Date()) {
  assertAdmin(caller, "everyone's calls");
  const month = lastDays(30, now);
  const from = query.from ?? month.from;
  const to = query.to ?? month.to;
  const bucket = to.getTime() - from.getTime() <= HOURLY_UP_TO_MS ? ("hour" as const) : ("day" as const);
  const range = { from, to, bucket, userId: query.userId, teamId: query.teamId, keyId: query.keyId, model: query.model, provider: query.provider };
  const [byModel, all, latency] = await Promise.all([usageSeries({ ...range, groupBy: "model" }), usageSeries(range), latencySeries(range)]);
  return { from: from.toISOString(), to: to.toISOString(), bucket, byModel: byModel.series, errorRate: errorRates(all.series), cacheRate: cacheRates(all.series), latency };
}
