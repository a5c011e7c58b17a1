import { z } from "zod";
import { DIMENSIONS, callsCsv, callsQuerySchema, getCall, listCalls, showback, usageBreakdown, usageQuerySchema, usageSeries, type Dimension } from "../../analytics/usage";
import { Reply } from "../../http/reply";
import { route } from "../define";
import { notFound } from "./users";

const totals = z.object({
  calls: z.number().int(),
  errors: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  cachedTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  costUsd: z.string(),
  chargeCredits: z.string(),
  averageLatencyMs: z.number().int(),
  // the units besides tokens: images generated, milliseconds of audio transcribed or translated, characters spoken, milliseconds of video generated
  images: z.number().int(),
  audioMs: z.number().int(),
  characters: z.number().int(),
  videoMs: z.number().int(),
});

/** A call as metered (the usage event), its money as decimal strings. */
const callSchema = z.looseObject({
  requestId: z.string(),
  endpoint: z.string(),
  status: z.number().int(),
  startedAt: z.date(),
  costUsd: z.string(),
  chargeCredits: z.string(),
  // what the call was metered in besides tokens
  images: z.number().int(),
  audioMs: z.number().int(),
  characters: z.number().int(),
  videoMs: z.number().int(),
});

const breakdownQuery = usageQuerySchema.extend({ groupBy: z.enum(Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]) });

export const analyticsRoutes = [
  route({
    method: "get",
    path: "/analytics/usage",
    scope: "read",
    tag: "Analytics",
    summary: "Totals and a time series (hour or day buckets, optionally per group, every bucket of the range present) from the rollups and the calls not rolled up yet",
    query: usageQuerySchema,
    response: z.object({ bucket: z.enum(["hour", "day"]), groupBy: z.string().nullable(), series: z.array(totals.extend({ bucketStart: z.string(), group: z.string().optional() })), totals }),
    handler: async ({ query }) => usageSeries(query),
  }),
  route({
    method: "get",
    path: "/analytics/breakdown",
    scope: "read",
    tag: "Analytics",
    summary: "Totals per model, provider, user, team or key, largest cost first",
    query: breakdownQuery,
    response: z.object({ data: z.array(totals.extend({ group: z.string() })) }),
    handler: async ({ query }) => ({ data: await usageBreakdown(query) }),
  }),
  route({
    method: "get",
    path: "/analytics/calls",
    scope: "read",
    tag: "Analytics",
    summary: "Calls, filtered, sorted and paged on the server",
    query: callsQuerySchema,
    response: z.object({ data: z.array(callSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }),
    handler: async ({ query }) => listCalls(query),
  }),
  route({
    method: "get",
    path: "/analytics/calls/{requestId}",
    scope: "read",
    tag: "Analytics",
    summary: "One call in full",
    params: z.object({ requestId: z.string().min(1).max(128) }),
    response: callSchema,
    handler: async ({ params }) => (await getCall(params.requestId)) ?? Promise.reject(notFound("call")),
  }),
  route({
    method: "get",
    path: "/analytics/export",
    scope: "read",
    tag: "Analytics",
    summary: "The matching calls as CSV, streamed",
    query: callsQuerySchema,
    response: z.string(),
    produces: "text/csv",
    handler: async ({ query }) => Reply.stream(callsCsv(query), { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="aigne-hub-calls.csv"` }),
  }),
  route({
    method: "get",
    path: "/analytics/showback",
    scope: "read",
    tag: "Analytics",
    summary: "What each team (and its models) spent in a month",
    query: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, "must look like 2026-11").default(() => new Date().toISOString().slice(0, 7)) }),
    response: z.object({ month: z.string(), teams: z.array(totals.extend({ teamId: z.string().nullable(), team: z.string(), budgetUsd: z.string().nullable(), models: z.array(totals.extend({ model: z.string() })) })) }),
    handler: async ({ query }) => showback(query.month),
  }),
];
