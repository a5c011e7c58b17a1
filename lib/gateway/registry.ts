import { z } from "zod";
import type { ModelPrice } from "../billing/cost";
import { groupMarginsOf, type GroupMargins, type ScheduledPrice } from "../billing/customer-price";
import type { ComponentCosts, PriceComponent } from "../billing/price-components";
import { defaultPrice } from "../billing/prices";
import { ConfigCache } from "../db/change-feed";
import { openCredential } from "../crypto/credentials";
import { db } from "../db/client";
import { log } from "../log";
import type { ProviderType, UpstreamCredential, UpstreamProvider } from "../providers/types";
import { processSingleton } from "../singleton";
import { storedModelPatterns, type ModelMatcher } from "../model-patterns";
import { ROUTING_STRATEGIES, type RoutingStrategy } from "./route-stats";

// An in-memory snapshot of everything routing needs (providers, decrypted credentials, models,
// aliases, deployments, current and scheduled prices, customer groups, what the price guard found),
// rebuilt when the configuration changes. The hot path reads it without touching the database.

import type { ModelType } from "../canonical/model-types";
export type { ModelType };

export interface ProviderEntry extends UpstreamProvider {
  enabled: boolean;
  /** active credentials (suspended and disabled ones are left out) */
  credentials: UpstreamCredential[];
}

export interface DeploymentEntry {
  /** "" for a direct "<provider>/<model>" call, which has no deployment record */
  id: string;
  provider: ProviderEntry;
  /** pinned credential, else the provider's credentials are balanced */
  credential: UpstreamCredential | null;
  upstreamModel: string;
  priority: number;
  weight: number;
  /** what the deployment costs the hub per 1M tokens, as the operator entered it (null: the provider's reference price) */
  inputNanoUsdPer1M: bigint | null;
  outputNanoUsdPer1M: bigint | null;
}

export interface ModelEntry {
  id: string;
  name: string;
  type: ModelType;
  ownedBy: string;
  createdAt: Date;
  maxOutputTokens: number | null;
  defaultOutputTokens: number | null;
  deployments: DeploymentEntry[];
  /** how a priority tier's deployments are ordered (lib/gateway/route.ts) */
  routingStrategy: RoutingStrategy;
  /**
   * The price in force when the snapshot was taken and those scheduled after it, newest first: a call
   * is priced by when it started (customerPrice), so a scheduled price applies on time without a reload.
   */
  prices: ScheduledPrice[];
  /** provider costs the price guard found this model selling below, per component (empty: none) */
  costFloor: ComponentCosts;
  /** calls to the model are answered from the response cache when an identical one was */
  responseCache: boolean;
}

/** A customer group: its margins and the models its members may call. */
export interface GroupEntry extends GroupMargins {
  id: string;
  name: string;
  allowedModels: ModelMatcher;
}

export interface Registry {
  providers: Map<string, ProviderEntry>;
  /** public names and aliases → model */
  models: Map<string, ModelEntry>;
  /** enabled public models, for listing */
  publicModels: ModelEntry[];
  /** "provider/upstream-model" → the registered model it is deployed as, to price direct calls */
  byDeployment: Map<string, ModelEntry>;
  /** "provider/upstream-model" deployed only on disabled models or as disabled deployments: a direct call must not reach them */
  withdrawn: Set<string>;
  /** list prices of direct calls to models nobody registered, looked up once */
  listPrices: Map<string, ModelPrice | null>;
  /** customer groups by id */
  groups: Map<string, GroupEntry>;
}

export const providerConfigSchema = z.object({
  timeoutMs: z.number().int().positive().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

type ProviderRow = { id: string; type: string; name: string; baseUrl: string | null; region: string | null; config: string };

/** A provider record as adapters see it (config parsed; unknown keys dropped). */
export function upstreamProvider(row: ProviderRow): UpstreamProvider {
  const config = providerConfigSchema.safeParse(JSON.parse(row.config));
  return { id: row.id, type: row.type as ProviderType, name: row.name, baseUrl: row.baseUrl, region: row.region, config: config.success ? config.data : {} };
}

// a value written by a newer version reads as the default rather than breaking the snapshot
const routingStrategyOf = (stored: string): RoutingStrategy => ((ROUTING_STRATEGIES as readonly string[]).includes(stored) ? (stored as RoutingStrategy) : "priority");

async function loadGroups(): Promise<Map<string, GroupEntry>> {
  const rows = await db().customerGroup.findMany({ include: { prices: { select: { modelId: true, marginBps: true } } } });
  return new Map(
    rows.map((g) => [
      g.id,
      { id: g.id, name: g.name, ...groupMarginsOf(g), allowedModels: storedModelPatterns(g.allowedModels) },
    ]),
  );
}

/** Per model, the highest provider cost of each component it was found selling below. */
async function loadCostFloors(): Promise<Map<string, ComponentCosts>> {
  const findings = await db().priceFinding.findMany({ where: { kind: "below_cost" }, select: { modelId: true, component: true, referenceNanoUsd: true } });
  const floors = new Map<string, ComponentCosts>();
  for (const f of findings) {
    const floor = floors.get(f.modelId) ?? {};
    const component = f.component as PriceComponent;
    if ((floor[component] ?? -1n) < f.referenceNanoUsd) floor[component] = f.referenceNanoUsd;
    floors.set(f.modelId, floor);
  }
  return floors;
}

const scheduled = (p: { id: string; inputNanoUsdPer1M: bigint; outputNanoUsdPer1M: bigint; cachedReadNanoUsdPer1M: bigint | null; cachedWriteNanoUsdPer1M: bigint | null; imageNanoUsd: bigint | null; audioNanoUsdPerMinute: bigint | null; characterNanoUsdPer1M: bigint | null; videoNanoUsdPerSecond: bigint | null; marginBps: number; effectiveFrom: Date }): ScheduledPrice => ({
  id: p.id,
  effectiveFrom: p.effectiveFrom,
  inputNanoUsdPer1M: p.inputNanoUsdPer1M,
  outputNanoUsdPer1M: p.outputNanoUsdPer1M,
  cachedReadNanoUsdPer1M: p.cachedReadNanoUsdPer1M,
  cacheWriteNanoUsdPer1M: p.cachedWriteNanoUsdPer1M,
  imageNanoUsd: p.imageNanoUsd,
  audioNanoUsdPerMinute: p.audioNanoUsdPerMinute,
  characterNanoUsdPer1M: p.characterNanoUsdPer1M,
  videoNanoUsdPerSecond: p.videoNanoUsdPerSecond,
  marginBps: p.marginBps,
});

async function loadRegistry(): Promise<Registry> {
  const now = new Date();
  const [providerRows, modelRows, futurePrices, disabledRows, groups, costFloors] = await Promise.all([
    db().provider.findMany({ include: { credentials: { where: { status: "active" }, orderBy: { createdAt: "asc" } } } }),
    db().model.findMany({
      where: { enabled: true },
      include: {
        aliases: true,
        deployments: { where: { enabled: true }, orderBy: [{ priority: "asc" }, { createdAt: "asc" }] },
        prices: { where: { effectiveFrom: { lte: now } }, orderBy: { effectiveFrom: "desc" }, take: 1 },
      },
      orderBy: { name: "asc" },
    }),
    db().price.findMany({ where: { effectiveFrom: { gt: now }, model: { enabled: true } }, orderBy: { effectiveFrom: "desc" } }),
    db().deployment.findMany({
      where: { OR: [{ enabled: false }, { model: { enabled: false } }] },
      select: { upstreamModel: true, provider: { select: { name: true } } },
    }),
    loadGroups(),
    loadCostFloors(),
  ]);

  const credentialsById = new Map<string, UpstreamCredential>();
  const providers = new Map<string, ProviderEntry>();
  const providersById = new Map<string, ProviderEntry>();
  for (const row of providerRows) {
    const credentials: UpstreamCredential[] = [];
    for (const c of row.credentials) {
      try {
        const credential = { id: c.id, secret: openCredential(c), weight: c.weight };
        credentials.push(credential);
        credentialsById.set(c.id, credential);
      } catch (error) {
        log.error({ provider: row.name, credentialId: c.id, err: (error as Error).message }, "cannot decrypt credential; skipping it");
      }
    }
    const entry: ProviderEntry = { ...upstreamProvider(row), enabled: row.enabled, credentials };
    providers.set(row.name, entry);
    providersById.set(row.id, entry);
  }

  const scheduledByModel = new Map<string, typeof futurePrices>();
  for (const p of futurePrices) scheduledByModel.set(p.modelId, [...(scheduledByModel.get(p.modelId) ?? []), p]);
  const models = new Map<string, ModelEntry>();
  const publicModels: ModelEntry[] = [];
  const byDeployment = new Map<string, ModelEntry>();
  for (const row of modelRows) {
    const deployments: DeploymentEntry[] = row.deployments.flatMap((d) => {
      const provider = providersById.get(d.providerId);
      if (!provider?.enabled) return [];
      // a pinned credential that is suspended or disabled takes its deployment out of rotation
      const credential = d.credentialId ? credentialsById.get(d.credentialId) : null;
      if (credential === undefined) return [];
      return [{ id: d.id, provider, credential, upstreamModel: d.upstreamModel, priority: d.priority, weight: d.weight, inputNanoUsdPer1M: d.inputNanoUsdPer1M, outputNanoUsdPer1M: d.outputNanoUsdPer1M }];
    });
    const entry: ModelEntry = {
      id: row.id,
      name: row.name,
      type: row.type as ModelType,
      ownedBy: deployments[0]?.provider.name ?? "aigne-hub",
      createdAt: row.createdAt,
      maxOutputTokens: row.maxOutputTokens,
      defaultOutputTokens: row.defaultOutputTokens,
      deployments,
      routingStrategy: routingStrategyOf(row.routingStrategy),
      prices: [...(scheduledByModel.get(row.id) ?? []), ...row.prices].map(scheduled),
      costFloor: costFloors.get(row.id) ?? {},
      responseCache: row.responseCache,
    };
    models.set(row.name, entry);
    for (const alias of row.aliases) if (!models.has(alias.alias)) models.set(alias.alias, entry);
    publicModels.push(entry);
    for (const d of deployments) {
      const direct = `${d.provider.name}/${d.upstreamModel}`;
      if (!byDeployment.has(direct)) byDeployment.set(direct, entry);
    }
  }
  const withdrawn = new Set(disabledRows.map((d) => `${d.provider.name}/${d.upstreamModel}`).filter((name) => !byDeployment.has(name)));
  return { providers, models, publicModels, byDeployment, withdrawn, listPrices: new Map(), groups };
}

/** The price of a direct "<provider>/<model>" call: the registered model's, else the provider's list price. */
export function directPrice(reg: Registry, provider: ProviderEntry, upstreamModel: string): ModelPrice | null {
  const key = `${provider.id}/${upstreamModel}`;
  if (!reg.listPrices.has(key)) {
    const list = defaultPrice(provider.type, upstreamModel);
    reg.listPrices.set(key, list ? { ...list, imageNanoUsd: null, audioNanoUsdPerMinute: null, characterNanoUsdPer1M: null, videoNanoUsdPerSecond: null, marginBps: 0 } : null);
  }
  return reg.listPrices.get(key)!;
}

const cache = processSingleton("registry-cache", () => new ConfigCache<"registry", Registry>(loadRegistry, { ttlMs: 60_000, maxEntries: 1 }));

export function registry(): Promise<Registry> {
  return cache.get("registry");
}
