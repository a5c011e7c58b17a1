import { MoneyFormatError, parseUsd } from "../money";
import { defaultPrice } from "../billing/prices";
import { db, type Prisma, type Tx } from "../db/client";
import type { ProviderType } from "../providers/types";
import { bumpConfigVersion } from "../db/change-feed";
import { audit, actorId, type Actor } from "./audit";
import { AdminError } from "./errors";
import { transaction } from "../db/transaction";
import { z } from "zod";
import { ROUTING_STRATEGIES } from "../gateway/route-stats";

type Price = Prisma.PriceGetPayload<object>;

import type { ModelType } from "../canonical/model-types";
export { MODEL_TYPES, type ModelType } from "../canonical/model-types";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

/** Provider cost as decimal strings (USD per 1M tokens, USD per image) and the margin in percent. */
export interface PriceInput {
  inputUsdPer1M?: string;
  outputUsdPer1M?: string;
  cachedInputUsdPer1M?: string;
  /** prompt tokens written to the provider's cache (Anthropic, Bedrock) */
  cacheWriteUsdPer1M?: string;
  /** per generated image */
  imageUsd?: string;
  /** transcription and translation models: per minute of audio */
  audioUsdPerMinute?: string;
  /** speech models: per 1M characters of input text */
  charactersUsdPer1M?: string;
  /** video models: per second of video generated */
  videoUsdPerSecond?: string;
  /** the reseller's margin on top of the provider cost, e.g. "25" or "12.5" */
  marginPercent?: string;
}

export interface AddModelInput extends PriceInput {
  name: string;
  provider: string;
  upstreamModel: string;
  type: ModelType;
  /** the most tokens one answer may have; caps the credit hold of a call */
  maxOutputTokens?: number;
  /** the output held for, and sent upstream as the cap of, a call that asks for no limit */
  defaultOutputTokens?: number;
}

function usd(value: string | undefined, what: string): bigint | null {
  if (value === undefined) return null;
  try {
    // USD (per 1M tokens, or per image) → nano-USD
    return parseUsd(value, what);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
}

/** A margin in percent ("25", "12.5") → basis points; absent → null. */
export function parseMarginPercent(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d{1,4})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new AdminError(`margin must be a percentage with at most two decimals, got "${value}"`);
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** The price fields given, parsed; absent ones are null. */
export function parsePrice(input: PriceInput) {
  return {
    inputNanoUsdPer1M: usd(input.inputUsdPer1M, "input price"),
    outputNanoUsdPer1M: usd(input.outputUsdPer1M, "output price"),
    cachedReadNanoUsdPer1M: usd(input.cachedInputUsdPer1M, "cached input price"),
    cachedWriteNanoUsdPer1M: usd(input.cacheWriteUsdPer1M, "cache write price"),
    imageNanoUsd: usd(input.imageUsd, "image price"),
    audioNanoUsdPerMinute: usd(input.audioUsdPerMinute, "audio price per minute"),
    characterNanoUsdPer1M: usd(input.charactersUsdPer1M, "price per 1M characters"),
    videoNanoUsdPerSecond: usd(input.videoUsdPerSecond, "video price per second"),
    marginBps: parseMarginPercent(input.marginPercent),
  };
}

export function checkModelName(name: string, what = "model name"): void {
  if (!NAME.test(name)) throw new AdminError(`${what} must be 1-128 letters, digits or . _ : / @ - and start with a letter or digit`);
}


/** A model's output limits: positive whole numbers, the default within the maximum. */
export function checkOutputLimits(limits: { maxOutputTokens?: number | null; defaultOutputTokens?: number | null }): void {
  for (const [value, what] of [[limits.maxOutputTokens, "max output tokens"], [limits.defaultOutputTokens, "default output tokens"]] as const) {
    if (value !== undefined && value !== null && (!Number.isInteger(value) || value <= 0)) throw new AdminError(`${what} must be a positive whole number`);
  }
  if (limits.defaultOutputTokens && limits.maxOutputTokens && limits.defaultOutputTokens > limits.maxOutputTokens) {
    throw new AdminError("default output tokens must not exceed max output tokens");
  }
}
export async function addModel(input: AddModelInput, actor: Actor) {
  checkModelName(input.name);
  if (!input.upstreamModel.trim()) throw new AdminError("upstream model must not be empty");
  const given = parsePrice(input);
  checkOutputLimits(input);
  const priced = Object.entries(given).some(([key, value]) => key !== "marginBps" && value !== null);

  return transaction(async (tx) => {
    const provider = await tx.provider.findUnique({ where: { name: input.provider } });
    if (!provider) throw new AdminError(`no provider named ${input.provider}`, "not_found");
    if (await tx.model.findUnique({ where: { name: input.name } })) throw new AdminError(`a model named ${input.name} already exists`, "conflict");
    if (await tx.modelAlias.findUnique({ where: { alias: input.name } })) throw new AdminError(`${input.name} is already an alias of another model`, "conflict");
    // no cost given: the provider's list price, when the bundled price data knows the model
    const list = priced ? null : defaultPrice(provider.type as ProviderType, input.upstreamModel.trim());
    const price = priced
      ? {
          inputNanoUsdPer1M: given.inputNanoUsdPer1M ?? 0n,
          outputNanoUsdPer1M: given.outputNanoUsdPer1M ?? 0n,
          cachedReadNanoUsdPer1M: given.cachedReadNanoUsdPer1M,
          cachedWriteNanoUsdPer1M: given.cachedWriteNanoUsdPer1M,
          imageNanoUsd: given.imageNanoUsd,
          audioNanoUsdPerMinute: given.audioNanoUsdPerMinute,
          characterNanoUsdPer1M: given.characterNanoUsdPer1M,
          videoNanoUsdPerSecond: given.videoNanoUsdPerSecond,
          source: actorId(actor) === "cli" ? "cli" : "admin",
        }
      : list && {
          inputNanoUsdPer1M: list.inputNanoUsdPer1M,
          outputNanoUsdPer1M: list.outputNanoUsdPer1M,
          cachedReadNanoUsdPer1M: list.cachedReadNanoUsdPer1M,
          cachedWriteNanoUsdPer1M: list.cacheWriteNanoUsdPer1M,
          source: "genai-prices",
        };
    const model = await tx.model.create({
      data: {
        name: input.name,
        type: input.type,
        maxOutputTokens: input.maxOutputTokens ?? null,
        defaultOutputTokens: input.defaultOutputTokens ?? null,
        deployments: { create: { providerId: provider.id, upstreamModel: input.upstreamModel.trim() } },
        prices: price || given.marginBps !== null ? { create: { ...(price ?? {}), marginBps: given.marginBps ?? 0, createdById: actorId(actor) } } : undefined,
      },
    });
    await audit(tx, actor, "model.add", model.id, {
      name: input.name,
      provider: input.provider,
      upstreamModel: input.upstreamModel,
      type: input.type,
      inputUsdPer1M: input.inputUsdPer1M ?? null,
      outputUsdPer1M: input.outputUsdPer1M ?? null,
      priceSource: price?.source ?? null,
    });
    await bumpConfigVersion(tx);
    return model;
  });
}

/** A new price, and when it takes effect (absent: now; never in the past, where calls were already charged). */
export interface SetPriceInput extends PriceInput {
  effectiveFrom?: Date;
}

/**
 * A new price for a model, now or from a time in the future: the fields given replace those of the
 * price in force then, the others carry over. Prices are never edited in place: the history stays for
 * audit, each usage event kept its own cost, and a call is charged the price in force when it started.
 */
export async function setPrice(modelName: string, input: SetPriceInput, actor: Actor) {
  const { effectiveFrom, ...fields } = input;
  const given = parsePrice(fields);
  if (Object.values(given).every((v) => v === null)) throw new AdminError("give at least one price or the margin");
  const at = effectiveFrom ?? new Date();
  if (Number.isNaN(at.getTime()) || at.getTime() < Date.now() - 1000) throw new AdminError("the effective time must be now or in the future");
  return transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name: modelName }, include: { prices: { where: { effectiveFrom: { lte: at } }, orderBy: { effectiveFrom: "desc" }, take: 1 } } });
    if (!model) throw new AdminError(`no model named ${modelName}`, "not_found");
    const price = await appendPrice(tx, model.id, model.prices[0], given, actor, { carryOver: true, effectiveFrom: at });
    await audit(tx, actor, "price.set", model.id, { model: modelName, ...fields, effectiveFrom: price.effectiveFrom.toISOString() }, { before: model.prices[0] ?? null, after: price });
    await bumpConfigVersion(tx);
    return price;
  });
}

/**
 * A model's next price row, from `effectiveFrom` (default now): the fields given replace those of
 * `base` (the price in force then), the others carry over (or, with `carryOver: false`, are no price).
 */
export async function appendPrice(tx: Tx, modelId: string, base: Price | undefined, given: ReturnType<typeof parsePrice>, actor: Actor, options: { carryOver: boolean; effectiveFrom?: Date } = { carryOver: true }) {
  // strictly after the price it follows, so "the latest by then" is never a tie
  const effectiveFrom = new Date(Math.max((options.effectiveFrom ?? new Date()).getTime(), (base?.effectiveFrom.getTime() ?? 0) + 1));
  const current = options.carryOver ? base : undefined;
  return tx.price.create({
    data: {
      modelId,
      effectiveFrom,
      inputNanoUsdPer1M: given.inputNanoUsdPer1M ?? current?.inputNanoUsdPer1M ?? 0n,
      outputNanoUsdPer1M: given.outputNanoUsdPer1M ?? current?.outputNanoUsdPer1M ?? 0n,
      cachedReadNanoUsdPer1M: given.cachedReadNanoUsdPer1M ?? current?.cachedReadNanoUsdPer1M ?? null,
      cachedWriteNanoUsdPer1M: given.cachedWriteNanoUsdPer1M ?? current?.cachedWriteNanoUsdPer1M ?? null,
      imageNanoUsd: given.imageNanoUsd ?? current?.imageNanoUsd ?? null,
      audioNanoUsdPerMinute: given.audioNanoUsdPerMinute ?? current?.audioNanoUsdPerMinute ?? null,
      characterNanoUsdPer1M: given.characterNanoUsdPer1M ?? current?.characterNanoUsdPer1M ?? null,
      videoNanoUsdPerSecond: given.videoNanoUsdPerSecond ?? current?.videoNanoUsdPerSecond ?? null,
      marginBps: given.marginBps ?? current?.marginBps ?? 0,
      source: actorId(actor) === "cli" ? "cli" : "admin",
      createdById: actorId(actor),
    },
  });
}

export async function priceHistory(modelName: string) {
  const model = await db().model.findUnique({ where: { name: modelName }, include: { prices: { orderBy: { effectiveFrom: "desc" } } } });
  if (!model) throw new AdminError(`no model named ${modelName}`, "not_found");
  return model.prices;
}


export interface AddDeploymentInput {
  model: string;
  provider: string;
  upstreamModel: string;
  /** lower is tried first */
  priority?: number;
  /** share of traffic among deployments of the same priority */
  weight?: number;
  /** pin one of the provider's credentials (by name) */
  credential?: string;
  /** what this deployment costs the hub, USD per 1M tokens, ranked by the "price" strategy (absent: the provider's reference price) */
  inputCostUsdPer1M?: string;
  outputCostUsdPer1M?: string;
}

/** Another way to serve a public model: a fallback (higher priority number) or a peer sharing traffic. */
export async function addDeployment(input: AddDeploymentInput, actor: Actor) {
  const priority = input.priority ?? 0;
  const weight = input.weight ?? 1;
  if (!Number.isInteger(priority) || priority < 0) throw new AdminError("priority must be a whole number, 0 or more");
  if (!Number.isInteger(weight) || weight < 0 || weight > 1000) throw new AdminError("weight must be a whole number from 0 to 1000");
  if (!input.upstreamModel.trim()) throw new AdminError("upstream model must not be empty");
  const inputNanoUsdPer1M = usd(input.inputCostUsdPer1M, "input cost");
  const outputNanoUsdPer1M = usd(input.outputCostUsdPer1M, "output cost");
  return transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name: input.model } });
    if (!model) throw new AdminError(`no model named ${input.model}`, "not_found");
    const provider = await tx.provider.findUnique({ where: { name: input.provider } });
    if (!provider) throw new AdminError(`no provider named ${input.provider}`, "not_found");
    let credentialId: string | null = null;
    if (input.credential) {
      const credential = await tx.credential.findUnique({ where: { providerId_name: { providerId: provider.id, name: input.credential } } });
      if (!credential) throw new AdminError(`provider ${input.provider} has no credential named ${input.credential}`, "not_found");
      credentialId = credential.id;
    }
    const deployment = await tx.deployment.create({
      data: { modelId: model.id, providerId: provider.id, credentialId, upstreamModel: input.upstreamModel.trim(), priority, weight, inputNanoUsdPer1M, outputNanoUsdPer1M },
    });
    await audit(tx, actor, "model.deploy", deployment.id, {
      model: input.model,
      provider: input.provider,
      upstreamModel: input.upstreamModel,
      priority,
      weight,
      credential: input.credential ?? null,
      inputCostUsdPer1M: input.inputCostUsdPer1M ?? null,
      outputCostUsdPer1M: input.outputCostUsdPer1M ?? null,
    });
    await bumpConfigVersion(tx);
    return deployment;
  });
}

export const routingStrategySchema = z.enum(ROUTING_STRATEGIES, { error: `routing strategy must be one of ${ROUTING_STRATEGIES.join(", ")}` });

/** How the model's deployments of one priority tier are ordered (lib/gateway/route.ts). */
export async function setRoutingStrategy(modelName: string, strategy: string, actor: Actor) {
  const parsed = routingStrategySchema.safeParse(strategy);
  if (!parsed.success) throw new AdminError(parsed.error.issues[0]!.message);
  return transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name: modelName } });
    if (!model) throw new AdminError(`no model named ${modelName}`, "not_found");
    const updated = await tx.model.update({ where: { id: model.id }, data: { routingStrategy: parsed.data } });
    await audit(tx, actor, "model.routing", model.id, { model: modelName, from: model.routingStrategy, to: parsed.data });
    await bumpConfigVersion(tx);
    return updated;
  });
}

/** Another public name for a model. */
export async function addAlias(modelName: string, alias: string, actor: Actor) {
  checkModelName(alias, "alias");
  return transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name: modelName } });
    if (!model) throw new AdminError(`no model named ${modelName}`, "not_found");
    if ((await tx.model.findUnique({ where: { name: alias } })) || (await tx.modelAlias.findUnique({ where: { alias } }))) {
      throw new AdminError(`${alias} is already a model name or alias`, "conflict");
    }
    const created = await tx.modelAlias.create({ data: { alias, modelId: model.id } });
    await audit(tx, actor, "model.alias", model.id, { model: modelName, alias });
    await bumpConfigVersion(tx);
    return created;
  });
}
