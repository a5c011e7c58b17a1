import { z } from "zod";
import { OPERATOR } from "../../caller";
import { addAlias, addDeployment, addModel, MODEL_TYPES, priceHistory, setPrice, setRoutingStrategy } from "../../admin/models";
import { setResponseCache } from "../../admin/response-cache";
import { ROUTING_STRATEGIES, type RoutingStrategy } from "../../gateway/route-stats";
import { addCredential, addProvider, listProviders, testProvider, updateProvider } from "../../admin/providers";
import { db } from "../../db/client";
import { formatUsd } from "../../money";
import { dateTime, listOf, page, pageArgs, pageQuery, route } from "../define";

// Providers (their secrets are write-only: answers show a masked hint), models, deployments,
// aliases and prices.

const nameParams = z.object({ name: z.string().min(1).max(200) });

const credentialSchema = z.object({ id: z.string(), name: z.string(), hint: z.string(), weight: z.number().int(), status: z.string(), lastError: z.string().nullable(), cooldownUntil: dateTime.nullable(), lastCheckedAt: dateTime.nullable() });
const providerSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  baseUrl: z.string().nullable(),
  region: z.string().nullable(),
  enabled: z.boolean(),
  timeoutMs: z.number().int().nullable(),
  credentials: z.array(credentialSchema),
  deployments: z.number().int(),
  health: z.enum(["disabled", "down", "degraded", "healthy"]),
});

/** Write-only: stored sealed, never answered. */
const secretFields = {
  apiKey: z.string().max(4096).optional(),
  accessKeyId: z.string().max(256).optional(),
  secretAccessKey: z.string().max(4096).optional(),
  sessionToken: z.string().max(8192).optional(),
};

const providerByName = async (name: string) => (await listProviders(OPERATOR)).find((p) => p.name === name);

const priceSchema = z.object({
  id: z.string(),
  inputUsdPer1M: z.string(),
  outputUsdPer1M: z.string(),
  cachedInputUsdPer1M: z.string().nullable(),
  cacheWriteUsdPer1M: z.string().nullable(),
  imageUsd: z.string().nullable(),
  /** transcription and translation models */
  audioUsdPerMinute: z.string().nullable(),
  /** speech models: per 1M characters of input text */
  charactersUsdPer1M: z.string().nullable(),
  /** video models: per second of video */
  videoUsdPerSecond: z.string().nullable(),
  marginPercent: z.string(),
  source: z.string(),
  effectiveFrom: dateTime,
});
type PriceRow = { id: string; inputNanoUsdPer1M: bigint; outputNanoUsdPer1M: bigint; cachedReadNanoUsdPer1M: bigint | null; cachedWriteNanoUsdPer1M: bigint | null; imageNanoUsd: bigint | null; audioNanoUsdPerMinute: bigint | null; characterNanoUsdPer1M: bigint | null; videoNanoUsdPerSecond: bigint | null; marginBps: number; source: string; effectiveFrom: Date };
const usdOrNull = (v: bigint | null) => (v === null ? null : formatUsd(v));
const priceView = (p: PriceRow): z.infer<typeof priceSchema> => ({
  id: p.id,
  inputUsdPer1M: formatUsd(p.inputNanoUsdPer1M),
  outputUsdPer1M: formatUsd(p.outputNanoUsdPer1M),
  cachedInputUsdPer1M: usdOrNull(p.cachedReadNanoUsdPer1M),
  cacheWriteUsdPer1M: usdOrNull(p.cachedWriteNanoUsdPer1M),
  imageUsd: usdOrNull(p.imageNanoUsd),
  audioUsdPerMinute: usdOrNull(p.audioNanoUsdPerMinute),
  charactersUsdPer1M: usdOrNull(p.characterNanoUsdPer1M),
  videoUsdPerSecond: usdOrNull(p.videoNanoUsdPerSecond),
  marginPercent: (p.marginBps / 100).toString(),
  source: p.source,
  effectiveFrom: p.effectiveFrom,
});

const modelSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(MODEL_TYPES),
  enabled: z.boolean(),
  maxOutputTokens: z.number().int().nullable(),
  defaultOutputTokens: z.number().int().nullable(),
  routingStrategy: z.enum(ROUTING_STRATEGIES),
  /** every call to the model opts into the response cache */
  responseCache: z.boolean(),
  aliases: z.array(z.string()),
  deployments: z.array(z.object({ id: z.string(), provider: z.string(), upstreamModel: z.string(), priority: z.number().int(), weight: z.number().int(), enabled: z.boolean() })),
  price: priceSchema.nullable(),
  createdAt: dateTime,
});
// the price in force now (a price scheduled for later is in the model's price history)
const modelInclude = () => ({ aliases: true, deployments: { include: { provider: { select: { name: true } } }, orderBy: [{ priority: "asc" as const }, { createdAt: "asc" as const }] }, prices: { where: { effectiveFrom: { lte: new Date() } }, orderBy: { effectiveFrom: "desc" as const }, take: 1 } });
type ModelRow = Awaited<ReturnType<typeof modelRows>>[number];
const modelRows = (args: object) => db().model.findMany({ ...args, include: modelInclude() });
const modelView = (m: ModelRow): z.infer<typeof modelSchema> => ({
  id: m.id,
  name: m.name,
  type: m.type as z.infer<typeof modelSchema>["type"],
  enabled: m.enabled,
  maxOutputTokens: m.maxOutputTokens,
  defaultOutputTokens: m.defaultOutputTokens,
  routingStrategy: m.routingStrategy as RoutingStrategy,
  responseCache: m.responseCache,
  aliases: m.aliases.map((a) => a.alias),
  deployments: m.deployments.map((d) => ({ id: d.id, provider: d.provider.name, upstreamModel: d.upstreamModel, priority: d.priority, weight: d.weight, enabled: d.enabled })),
  price: m.prices[0] ? priceView(m.prices[0]) : null,
  createdAt: m.createdAt,
});
const modelByName = async (name: string) => (await modelRows({ where: { name } }))[0];

const priceFields = {
  inputUsdPer1M: z.string().max(32).optional(),
  outputUsdPer1M: z.string().max(32).optional(),
  cachedInputUsdPer1M: z.string().max(32).optional(),
  cacheWriteUsdPer1M: z.string().max(32).optional(),
  imageUsd: z.string().max(32).optional(),
  audioUsdPerMinute: z.string().max(32).optional(),
  charactersUsdPer1M: z.string().max(32).optional(),
  videoUsdPerSecond: z.string().max(32).optional(),
  marginPercent: z.string().max(8).optional(),
};

export const catalogRoutes = [
  route({ method: "get", path: "/providers", scope: "read", tag: "Providers", summary: "Providers with their credentials (masked hints only) and health", response: z.object({ data: z.array(providerSchema) }), handler: async () => ({ data: await listProviders(OPERATOR) }) }),
  route({
    method: "post",
    path: "/providers",
    scope: "full",
    tag: "Providers",
    summary: "Add a provider, optionally with its first credential (the secret is write-only)",
    body: z.object({ type: z.string().max(40), name: z.string().max(63), baseUrl: z.string().max(2048).optional(), region: z.string().max(40).optional(), timeoutMs: z.number().int().positive().optional(), ...secretFields }),
    response: providerSchema,
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => {
      await addProvider(body, caller.actor);
      return (await providerByName(body.name))!;
    },
  }),
  route({
    method: "patch",
    path: "/providers/{name}",
    scope: "full",
    tag: "Providers",
    summary: "Change where and how a provider is reached",
    params: nameParams,
    body: z.object({ baseUrl: z.string().max(2048).nullable().optional(), region: z.string().max(40).nullable().optional(), timeoutMs: z.number().int().positive().nullable().optional() }),
    response: providerSchema,
    handler: async ({ params, body, caller }) => {
      await updateProvider(params.name, body, caller.actor);
      return (await providerByName(params.name))!;
    },
  }),
  route({
    method: "post",
    path: "/providers/{name}/credentials",
    scope: "full",
    tag: "Providers",
    summary: "Add a credential (a provider key) to a provider; the secret is write-only",
    params: nameParams,
    body: z.object({ name: z.string().max(63), weight: z.number().int().min(0).max(1000).optional(), ...secretFields }),
    response: providerSchema,
    status: 201,
    idempotent: true,
    handler: async ({ params, body, caller }) => {
      await addCredential({ ...body, provider: params.name }, caller.actor);
      return (await providerByName(params.name))!;
    },
  }),
  route({
    method: "post",
    path: "/providers/{name}/test",
    scope: "full",
    tag: "Providers",
    summary: "Test each of a provider's credentials against the provider",
    params: nameParams,
    response: z.object({ provider: z.string(), type: z.string(), checks: z.array(z.object({ credential: z.string(), hint: z.string(), ok: z.boolean(), latencyMs: z.number(), error: z.string().nullable() })) }),
    handler: async ({ params }) => testProvider(params.name),
  }),
  route({
    method: "get",
    path: "/models",
    scope: "read",
    tag: "Models",
    summary: "Public models by name, with aliases, deployments and current price",
    query: pageQuery,
    response: listOf(modelSchema),
    handler: async ({ query }) => page(await modelRows({ orderBy: [{ name: "asc" }, { id: "asc" }], ...pageArgs(query) }), query.limit, modelView),
  }),
  route({
    method: "post",
    path: "/models",
    scope: "full",
    tag: "Models",
    summary: "Add a public model served by a provider's upstream model, with its price",
    body: z.object({
      name: z.string().max(128),
      provider: z.string().max(63),
      upstreamModel: z.string().max(200),
      type: z.enum(MODEL_TYPES).default("chat"),
      maxOutputTokens: z.number().int().positive().optional(),
      defaultOutputTokens: z.number().int().positive().optional(),
      ...priceFields,
    }),
    response: modelSchema,
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => modelView((await modelByName((await addModel(body, caller.actor)).name))!),
  }),
  route({
    method: "patch",
    path: "/models/{name}",
    scope: "full",
    tag: "Models",
    summary: "Change how a model's deployments are ordered and whether its calls opt into the response cache",
    params: nameParams,
    body: z
      .object({ routingStrategy: z.enum(ROUTING_STRATEGIES).optional(), responseCache: z.boolean().optional() })
      .refine((b) => b.routingStrategy !== undefined || b.responseCache !== undefined, "give routingStrategy and/or responseCache"),
    response: modelSchema,
    handler: async ({ params, body, caller }) => {
      if (body.routingStrategy !== undefined) await setRoutingStrategy(params.name, body.routingStrategy, caller.actor);
      if (body.responseCache !== undefined) await setResponseCache({ modelName: params.name }, body.responseCache, caller.actor);
      return modelView((await modelByName(params.name))!);
    },
  }),
  route({
    method: "get",
    path: "/models/{name}/prices",
    scope: "read",
    tag: "Models",
    summary: "A model's price history, newest first",
    params: nameParams,
    response: z.object({ data: z.array(priceSchema) }),
    handler: async ({ params }) => ({ data: (await priceHistory(params.name)).map(priceView) }),
  }),
  route({
    method: "post",
    path: "/models/{name}/prices",
    scope: "billing",
    tag: "Models",
    summary: "A new price for a model, now or from effectiveFrom (never in the past); fields not given carry over from the price in force then; prices are never edited in place",
    params: nameParams,
    body: z.object({ ...priceFields, effectiveFrom: z.coerce.date().optional() }),
    response: priceSchema,
    status: 201,
    idempotent: true,
    handler: async ({ params, body, caller }) => priceView(await setPrice(params.name, body, caller.actor)),
  }),
  route({
    method: "post",
    path: "/models/{name}/deployments",
    scope: "full",
    tag: "Models",
    summary: "Another way to serve a model: a fallback (higher priority number) or a peer sharing traffic",
    params: nameParams,
    body: z.object({ provider: z.string().max(63), upstreamModel: z.string().max(200), priority: z.number().int().min(0).optional(), weight: z.number().int().min(0).max(1000).optional(), credential: z.string().max(63).optional() }),
    response: modelSchema,
    status: 201,
    idempotent: true,
    handler: async ({ params, body, caller }) => {
      await addDeployment({ ...body, model: params.name }, caller.actor);
      return modelView((await modelByName(params.name))!);
    },
  }),
  route({
    method: "post",
    path: "/models/{name}/aliases",
    scope: "full",
    tag: "Models",
    summary: "Another name clients may send for a model",
    params: nameParams,
    body: z.object({ alias: z.string().max(128) }),
    response: modelSchema,
    status: 201,
    handler: async ({ params, body, caller }) => {
      await addAlias(params.name, body.alias, caller.actor);
      return modelView((await modelByName(params.name))!);
    },
  }),
];
