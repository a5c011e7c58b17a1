import { z } from "zod";
import { formatDecimal, formatUsd } from "../money";
import { bumpConfigVersion } from "../db/change-feed";
import { openCredential, sealCredential, type CredentialSecret } from "../crypto/credentials";
import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import type { ProviderConfig } from "../providers/types";
import { storedSettingsSchema, writeSetting, type SettingKey } from "../settings";
import { audit, throughSource, type Actor } from "./audit";
import { AdminError } from "./errors";
import { checkModelPatterns } from "./keys";
import { appendPrice, checkModelName, checkOutputLimits, MODEL_TYPES, parseMarginPercent, parsePrice } from "./models";
import { ROUTING_STRATEGIES, type RoutingStrategy } from "../gateway/route-stats";
import { checkPackage } from "./packages";
import { checkCredential, checkProvider, createCredential, hintOf } from "./providers";
import { currentSettings } from "./settings";

// Configuration as code: `hub config export` writes the hub's providers, models (deployments,
// aliases, current price), customer groups, credit packages and settings as one JSON document; `hub config import`
// brings a hub to what a document says. Import merges: it creates what is missing and updates what
// differs, never deletes, and a second run of the same document changes nothing. Provider keys are
// exported only when asked; an import without them keeps the keys a hub already has.

const secretSchema = z
  .object({ apiKey: z.string().min(1), accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1) })
  .partial()
  .strict();

const credentialSchema = z.object({
  name: z.string(),
  weight: z.number().int().default(1),
  enabled: z.boolean().default(true),
  /** only in exports made with --include-secrets */
  secret: secretSchema.optional(),
});

const providerSchema = z.object({
  name: z.string(),
  type: z.string(),
  baseUrl: z.string().nullable().default(null),
  region: z.string().nullable().default(null),
  enabled: z.boolean().default(true),
  timeoutMs: z.number().int().positive().nullable().default(null),
  /** extra request headers; ones that look like credentials are exported only with secrets */
  headers: z.record(z.string(), z.string()).optional(),
  credentials: z.array(credentialSchema).default([]),
});

const decimal = z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal number in a string");

const priceSchema = z
  .object({
    inputUsdPer1M: decimal,
    outputUsdPer1M: decimal,
    cachedInputUsdPer1M: decimal.nullable().default(null),
    cacheWriteUsdPer1M: decimal.nullable().default(null),
    imageUsd: decimal.nullable().default(null),
    audioUsdPerMinute: decimal.nullable().default(null),
    charactersUsdPer1M: decimal.nullable().default(null),
    videoUsdPerSecond: decimal.nullable().default(null),
    marginPercent: decimal.default("0"),
  })
  .strict();

const deploymentSchema = z.object({
  provider: z.string(),
  upstreamModel: z.string().min(1),
  priority: z.number().int().min(0).default(0),
  weight: z.number().int().min(0).max(1000).default(1),
  enabled: z.boolean().default(true),
  /** a credential of the provider this deployment is pinned to */
  credential: z.string().nullable().default(null),
});

const modelSchema = z.object({
  name: z.string(),
  type: z.enum(MODEL_TYPES).default("chat"),
  enabled: z.boolean().default(true),
  maxOutputTokens: z.number().int().positive().nullable().default(null),
  defaultOutputTokens: z.number().int().positive().nullable().default(null),
  /** how the deployments of one priority tier are ordered */
  routingStrategy: z.enum(ROUTING_STRATEGIES).default("priority"),
  /** every call to the model opts into the response cache */
  responseCache: z.boolean().default(false),
  aliases: z.array(z.string()).default([]),
  deployments: z.array(deploymentSchema).min(1, "a model needs at least one deployment"),
  price: priceSchema.nullable().default(null),
});

const groupSchema = z.object({
  name: z.string().min(1).max(63),
  description: z.string().max(500).nullable().default(null),
  /** null: each model's own margin */
  marginPercent: decimal.nullable().default(null),
  /** model names or globs; empty: every model */
  allowedModels: z.array(z.string()).default([]),
  /** model name → the group's margin for it, in percent */
  modelMargins: z.record(z.string(), decimal).default({}),
});

const packageSchema = z.object({
  name: z.string(),
  /** the customer group buying it moves the customer into */
  group: z.string().nullable().default(null),
  /** what the customer pays, in the currency's main unit */
  price: decimal,
  currency: z.string().default("usd"),
  credits: decimal,
  enabled: z.boolean().default(true),
  sortOrder: z.number().int().default(0),
});

export const CONFIG_FORMAT = 1;

export const hubConfigSchema = z
  .object({
    aigneHubConfig: z.literal(CONFIG_FORMAT, { error: `not an AIGNE Hub configuration (expected "aigneHubConfig": ${CONFIG_FORMAT})` }),
    exportedAt: z.string().optional(),
    settings: storedSettingsSchema.partial().default({}),
    providers: z.array(providerSchema).default([]),
    models: z.array(modelSchema).default([]),
    groups: z.array(groupSchema).default([]),
    packages: z.array(packageSchema).default([]),
  })
  .strict();

export type HubConfig = z.input<typeof hubConfigSchema>;

// header names that carry credentials (Authorization, X-Api-Key, anything with token/secret/key)
const SECRET_HEADER = /authorization|token|secret|key|cookie|password/i;

const optionalUsd = (nano: bigint | null) => (nano === null ? null : formatUsd(nano));
const percentOf = (bps: number) => formatDecimal(BigInt(bps), 2);

export async function exportConfig(options: { includeSecrets?: boolean } = {}): Promise<z.output<typeof hubConfigSchema>> {
  const [providers, models, groups, packages] = await Promise.all([
    db().provider.findMany({ orderBy: { name: "asc" }, include: { credentials: { orderBy: { name: "asc" } } } }),
    db().model.findMany({
      orderBy: { name: "asc" },
      include: {
        aliases: { orderBy: { alias: "asc" } },
        deployments: { orderBy: [{ priority: "asc" }, { createdAt: "asc" }], include: { provider: true, credential: true } },
        prices: { where: { effectiveFrom: { lte: new Date() } }, orderBy: { effectiveFrom: "desc" }, take: 1 },
      },
    }),
    db().customerGroup.findMany({ orderBy: { name: "asc" }, include: { prices: { include: { model: { select: { name: true } } } } } }),
    db().creditPackage.findMany({ orderBy: [{ sortOrder: "asc" }, { createdAt: "asc" }], include: { group: { select: { name: true } } } }),
  ]);
  return {
    aigneHubConfig: CONFIG_FORMAT,
    exportedAt: new Date().toISOString(),
    settings: await currentSettings(),
    providers: providers.map((p) => {
      const config = JSON.parse(p.config) as ProviderConfig;
      const headers = Object.entries(config.headers ?? {}).filter(([name]) => options.includeSecrets || !SECRET_HEADER.test(name));
      return {
        name: p.name,
        type: p.type,
        baseUrl: p.baseUrl,
        region: p.region,
        enabled: p.enabled,
        timeoutMs: config.timeoutMs ?? null,
        ...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
        credentials: p.credentials.map((c) => ({
          name: c.name,
          weight: c.weight,
          enabled: c.status !== "disabled",
          ...(options.includeSecrets ? { secret: openCredential(c) } : {}),
        })),
      };
    }),
    models: models.map((m) => {
      const price = m.prices[0];
      return {
        name: m.name,
        type: m.type as (typeof MODEL_TYPES)[number],
        enabled: m.enabled,
        maxOutputTokens: m.maxOutputTokens,
        defaultOutputTokens: m.defaultOutputTokens,
        routingStrategy: m.routingStrategy as RoutingStrategy,
        responseCache: m.responseCache,
        aliases: m.aliases.map((a) => a.alias),
        deployments: m.deployments.map((d) => ({
          provider: d.provider.name,
          upstreamModel: d.upstreamModel,
          priority: d.priority,
          weight: d.weight,
          enabled: d.enabled,
          credential: d.credential?.name ?? null,
        })),
        price: price
          ? {
              inputUsdPer1M: formatUsd(price.inputNanoUsdPer1M),
              outputUsdPer1M: formatUsd(price.outputNanoUsdPer1M),
              cachedInputUsdPer1M: optionalUsd(price.cachedReadNanoUsdPer1M),
              cacheWriteUsdPer1M: optionalUsd(price.cachedWriteNanoUsdPer1M),
              imageUsd: optionalUsd(price.imageNanoUsd),
              audioUsdPerMinute: optionalUsd(price.audioNanoUsdPerMinute),
              charactersUsdPer1M: optionalUsd(price.characterNanoUsdPer1M),
              videoUsdPerSecond: optionalUsd(price.videoNanoUsdPerSecond),
              marginPercent: percentOf(price.marginBps),
            }
          : null,
      };
    }),
    groups: groups.map((g) => ({
      name: g.name,
      description: g.description,
      marginPercent: g.marginBps === null ? null : percentOf(g.marginBps),
      allowedModels: JSON.parse(g.allowedModels) as string[],
      modelMargins: Object.fromEntries(g.prices.map((p) => [p.model.name, percentOf(p.marginBps)]).sort(([a], [b]) => a!.localeCompare(b!))),
    })),
    packages: packages.map((p) => ({
      name: p.name,
      group: p.group?.name ?? null,
      price: formatDecimal(BigInt(p.priceCents), 2),
      currency: p.currency,
      credits: formatDecimal(p.creditsMicrocredits, 6),
      enabled: p.enabled,
      sortOrder: p.sortOrder,
    })),
  };
}

export interface ImportReport {
  created: string[];
  updated: string[];
  /** things the document names but this hub cannot make from it (a credential without its key) */
  skipped: string[];
  dryRun: boolean;
}

class DryRun extends Error {
  constructor(readonly report: ImportReport) {
    super("dry run");
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function sameSecret(row: Parameters<typeof openCredential>[0], secret: CredentialSecret): boolean {
  try {
    return same(openCredential(row), secret);
  } catch {
    // sealed with a key this hub no longer has: the document's key replaces it
    return false;
  }
}

/**
 * Brings this hub to what the document says (see the top of this file); all or nothing. Its changes
 * are audited as an import, whichever front end ran it.
 */
export const importConfig = (document: unknown, options: { dryRun?: boolean }, actor: Actor): Promise<ImportReport> => applyConfig(document, options, throughSource(actor, "import"));

async function applyConfig(document: unknown, options: { dryRun?: boolean }, actor: Actor): Promise<ImportReport> {
  const parsed = hubConfigSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AdminError(`configuration: ${issue.path.join(".") || "document"} ${issue.message}`);
  }
  const config = parsed.data;
  const report: ImportReport = { created: [], updated: [], skipped: [], dryRun: Boolean(options.dryRun) };
  const current = await currentSettings();
  try {
    return await transaction(async (tx) => {
      Object.assign(report, { created: [], updated: [], skipped: [] });
      for (const [key, value] of Object.entries(config.settings) as Array<[SettingKey, never]>) {
        if (value === undefined || same(current[key], value)) continue;
        await writeSetting(tx, key, value);
        report.updated.push(`setting ${key}`);
        await audit(tx, actor, `settings.${key}`, null, { value }, { before: { [key]: current[key] }, after: { [key]: value } });
      }
      for (const provider of config.providers) await importProvider(tx, provider, report);
      for (const model of config.models) await importModel(tx, model, report, actor);
      for (const group of config.groups) await importGroup(tx, group, report);
      for (const pack of config.packages) await importPackage(tx, pack, report);
      if (options.dryRun) throw new DryRun(report);
      if (report.created.length || report.updated.length) {
        // one entry per change (settings have theirs above), and one for the import as a whole
        for (const [change, items] of [["created", report.created], ["updated", report.updated]] as const) {
          for (const item of items.filter((i) => !i.startsWith("setting "))) await audit(tx, actor, `${item.split(" ")[0]}.import`, item.slice(item.indexOf(" ") + 1).replace(/^of /, ""), { change, item });
        }
        await audit(tx, actor, "config.import", null, { created: report.created, updated: report.updated, skipped: report.skipped });
        await bumpConfigVersion(tx);
      }
      return report;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.report;
    throw error;
  }
}

async function importProvider(tx: Tx, input: z.output<typeof providerSchema>, report: ImportReport): Promise<void> {
  const checked = checkProvider({ ...input, baseUrl: input.baseUrl ?? undefined, region: input.region ?? undefined, timeoutMs: input.timeoutMs ?? undefined });
  let provider = await tx.provider.findUnique({ where: { name: input.name } });
  if (provider && provider.type !== checked.type) throw new AdminError(`provider ${input.name} is ${provider.type} here, ${checked.type} in the configuration`, "conflict");
  // headers merge like everything else: ones the document leaves out (credential-like headers are
  // exported only with secrets) stay as they are
  const existing: ProviderConfig = provider ? (JSON.parse(provider.config) as ProviderConfig) : {};
  const headers = { ...existing.headers, ...checked.config.headers };
  const config: ProviderConfig = { ...(checked.config.timeoutMs ? { timeoutMs: checked.config.timeoutMs } : {}), ...(Object.keys(headers).length ? { headers } : {}) };
  const fields = { baseUrl: checked.baseUrl, region: checked.region, enabled: input.enabled, config: JSON.stringify(config) };
  if (!provider) {
    provider = await tx.provider.create({ data: { type: checked.type, name: input.name, ...fields } });
    report.created.push(`provider ${input.name}`);
  } else if (!same([provider.baseUrl, provider.region, provider.enabled, JSON.parse(provider.config)], [fields.baseUrl, fields.region, fields.enabled, config])) {
    await tx.provider.update({ where: { id: provider.id }, data: fields });
    report.updated.push(`provider ${input.name}`);
  }
  for (const credential of input.credentials) {
    const { weight, secret } = checkCredential(provider.type, { name: credential.name, weight: credential.weight, ...credential.secret });
    const status = credential.enabled ? "active" : "disabled";
    const label = `credential ${input.name}/${credential.name}`;
    const existing = await tx.credential.findUnique({ where: { providerId_name: { providerId: provider.id, name: credential.name } } });
    if (!existing) {
      if (!secret) {
        report.skipped.push(`${label} (no key in the configuration)`);
        continue;
      }
      const created = await createCredential(tx, provider.id, secret, credential.name, weight);
      if (status !== "active") await tx.credential.update({ where: { id: created.id }, data: { status } });
      report.created.push(label);
      continue;
    }
    const resealed = secret && !sameSecret(existing, secret) ? { ...sealCredential(provider.id, existing.id, secret), hint: hintOf(secret) } : null;
    // a key suspended by the health check stays suspended; only an explicit on/off is applied
    const statusChange = (existing.status === "disabled") === credential.enabled ? { status } : {};
    if (existing.weight !== weight || resealed || "status" in statusChange) {
      await tx.credential.update({ where: { id: existing.id }, data: { weight, ...statusChange, ...(resealed ?? {}) } });
      report.updated.push(label);
    }
  }
}

async function importModel(tx: Tx, input: z.output<typeof modelSchema>, report: ImportReport, actor: Actor): Promise<void> {
  checkModelName(input.name);
  let model = await tx.model.findUnique({ where: { name: input.name }, include: { prices: { where: { effectiveFrom: { lte: new Date() } }, orderBy: { effectiveFrom: "desc" }, take: 1 } } });
  if (!model && (await tx.modelAlias.findUnique({ where: { alias: input.name } }))) throw new AdminError(`${input.name} is an alias of another model here`, "conflict");
  checkOutputLimits(input);
  const fields = {
    type: input.type,
    enabled: input.enabled,
    maxOutputTokens: input.maxOutputTokens,
    defaultOutputTokens: input.defaultOutputTokens,
    routingStrategy: input.routingStrategy,
    responseCache: input.responseCache,
  };
  if (!model) {
    model = { ...(await tx.model.create({ data: { name: input.name, ...fields } })), prices: [] };
    report.created.push(`model ${input.name}`);
  } else if (
    !same(
      [model.type, model.enabled, model.maxOutputTokens, model.defaultOutputTokens, model.routingStrategy, model.responseCache],
      [fields.type, fields.enabled, fields.maxOutputTokens, fields.defaultOutputTokens, fields.routingStrategy, fields.responseCache],
    )
  ) {
    await tx.model.update({ where: { id: model.id }, data: fields });
    report.updated.push(`model ${input.name}`);
  }

  for (const d of input.deployments) {
    const provider = await tx.provider.findUnique({ where: { name: d.provider } });
    if (!provider) throw new AdminError(`model ${input.name}: no provider named ${d.provider}`, "not_found");
    const label = `deployment ${input.name} → ${d.provider}/${d.upstreamModel}`;
    const credential = d.credential ? await tx.credential.findUnique({ where: { providerId_name: { providerId: provider.id, name: d.credential } } }) : null;
    if (d.credential && !credential) {
      // pinned to a key this import had to skip (no key in the document): served unpinned until it exists
      if (!report.skipped.some((s) => s.startsWith(`credential ${d.provider}/${d.credential} `))) {
        throw new AdminError(`model ${input.name}: provider ${d.provider} has no credential named ${d.credential}`, "not_found");
      }
      report.skipped.push(`${label}: pin to credential ${d.credential}`);
    }
    const wanted = { priority: d.priority, weight: d.weight, enabled: d.enabled, credentialId: credential?.id ?? null };
    const existing = await tx.deployment.findFirst({ where: { modelId: model.id, providerId: provider.id, upstreamModel: d.upstreamModel } });
    if (!existing) {
      await tx.deployment.create({ data: { modelId: model.id, providerId: provider.id, upstreamModel: d.upstreamModel, ...wanted } });
      report.created.push(label);
    } else if (!same([existing.priority, existing.weight, existing.enabled, existing.credentialId], Object.values(wanted))) {
      await tx.deployment.update({ where: { id: existing.id }, data: wanted });
      report.updated.push(label);
    }
  }

  for (const alias of input.aliases) {
    checkModelName(alias, "alias");
    const existing = await tx.modelAlias.findUnique({ where: { alias } });
    if (existing?.modelId === model.id) continue;
    if (existing || (await tx.model.findUnique({ where: { name: alias } }))) throw new AdminError(`${alias} is already a model name or an alias of another model`, "conflict");
    await tx.modelAlias.create({ data: { alias, modelId: model.id } });
    report.created.push(`alias ${alias} → ${input.name}`);
  }

  if (input.price) {
    const { cachedInputUsdPer1M, cacheWriteUsdPer1M, imageUsd, audioUsdPerMinute, charactersUsdPer1M, videoUsdPerSecond } = input.price;
    const given = parsePrice({
      ...input.price,
      cachedInputUsdPer1M: cachedInputUsdPer1M ?? undefined,
      cacheWriteUsdPer1M: cacheWriteUsdPer1M ?? undefined,
      imageUsd: imageUsd ?? undefined,
      audioUsdPerMinute: audioUsdPerMinute ?? undefined,
      charactersUsdPer1M: charactersUsdPer1M ?? undefined,
      videoUsdPerSecond: videoUsdPerSecond ?? undefined,
    });
    // the same fields in the same order, from the document and from the price in force
    const fieldsOf = (p: typeof given) => [
      p.inputNanoUsdPer1M,
      p.outputNanoUsdPer1M,
      p.cachedReadNanoUsdPer1M,
      p.cachedWriteNanoUsdPer1M,
      p.imageNanoUsd,
      p.audioNanoUsdPerMinute,
      p.characterNanoUsdPer1M,
      p.videoNanoUsdPerSecond,
      p.marginBps,
    ];
    const wanted = fieldsOf(given);
    const price = model.prices[0];
    const now = price ? fieldsOf(price) : null;
    if (!now || wanted.some((v, i) => v !== now[i])) {
      // every field from the document: one it leaves out is no price, not the previous one
      await appendPrice(tx, model.id, price, given, actor, { carryOver: false });
      report.updated.push(`price of ${input.name}`);
    }
  }
}

async function importGroup(tx: Tx, input: z.output<typeof groupSchema>, report: ImportReport): Promise<void> {
  const fields = { description: input.description, marginBps: input.marginPercent === null ? null : parseMarginPercent(input.marginPercent), allowedModels: JSON.stringify(checkModelPatterns(input.allowedModels)) };
  let group = await tx.customerGroup.findUnique({ where: { name: input.name } });
  if (!group) {
    group = await tx.customerGroup.create({ data: { name: input.name, ...fields } });
    report.created.push(`group ${input.name}`);
  } else if (!same([group.description, group.marginBps, group.allowedModels], [fields.description, fields.marginBps, fields.allowedModels])) {
    await tx.customerGroup.update({ where: { id: group.id }, data: fields });
    report.updated.push(`group ${input.name}`);
  }
  for (const [modelName, percent] of Object.entries(input.modelMargins)) {
    const model = await tx.model.findUnique({ where: { name: modelName } });
    if (!model) throw new AdminError(`group ${input.name} sets a margin for ${modelName}, which is no model`, "not_found");
    const marginBps = parseMarginPercent(percent)!;
    const key = { groupId_modelId: { groupId: group.id, modelId: model.id } };
    if ((await tx.groupPrice.findUnique({ where: key }))?.marginBps === marginBps) continue;
    await tx.groupPrice.upsert({ where: key, create: { groupId: group.id, modelId: model.id, marginBps }, update: { marginBps } });
    report.updated.push(`group ${input.name}'s margin for ${modelName}`);
  }
}

async function importPackage(tx: Tx, input: z.output<typeof packageSchema>, report: ImportReport): Promise<void> {
  const checked = checkPackage({ name: input.name, price: input.price, currency: input.currency, credits: input.credits });
  const group = input.group === null ? null : await tx.customerGroup.findUnique({ where: { name: input.group } });
  if (input.group !== null && !group) throw new AdminError(`package ${input.name} names group ${input.group}, which does not exist`, "not_found");
  const fields = { priceCents: checked.priceCents, creditsMicrocredits: checked.creditsMicrocredits, enabled: input.enabled, sortOrder: input.sortOrder, groupId: group?.id ?? null };
  const existing = await tx.creditPackage.findFirst({ where: { name: checked.name, currency: checked.currency }, orderBy: { createdAt: "asc" } });
  if (!existing) {
    await tx.creditPackage.create({ data: { name: checked.name, currency: checked.currency, ...fields } });
    report.created.push(`package ${checked.name}`);
  } else if (!same([existing.priceCents, existing.creditsMicrocredits.toString(), existing.enabled, existing.sortOrder, existing.groupId], [fields.priceCents, fields.creditsMicrocredits.toString(), fields.enabled, fields.sortOrder, fields.groupId])) {
    await tx.creditPackage.update({ where: { id: existing.id }, data: fields });
    report.updated.push(`package ${checked.name}`);
  }
}
