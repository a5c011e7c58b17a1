import { MoneyFormatError, parseUsd } from "../billing/money";
import { bumpConfigVersion } from "../config/change-feed";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { transaction } from "../db/transaction";

export const MODEL_TYPES = ["chat", "embedding", "image"] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

export interface AddModelInput {
  name: string;
  provider: string;
  upstreamModel: string;
  type: ModelType;
  /** provider cost in USD per 1M tokens, as decimal strings */
  inputUsdPer1M?: string;
  outputUsdPer1M?: string;
  cachedInputUsdPer1M?: string;
  /** prompt tokens written to the provider's cache (Anthropic, Bedrock) */
  cacheWriteUsdPer1M?: string;
  /** per generated image */
  imageUsd?: string;
}

function per1M(value: string | undefined, what: string): bigint | null {
  if (value === undefined) return null;
  try {
    // USD per 1M tokens → nano-USD per 1M tokens
    return parseUsd(value, what);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
}

export async function addModel(input: AddModelInput, actor: Actor) {
  if (!NAME.test(input.name)) throw new AdminError("model name must be 1-128 letters, digits or . _ : / @ - and start with a letter or digit");
  if (!input.upstreamModel.trim()) throw new AdminError("upstream model must not be empty");
  const input1M = per1M(input.inputUsdPer1M, "input price");
  const output1M = per1M(input.outputUsdPer1M, "output price");
  const cached1M = per1M(input.cachedInputUsdPer1M, "cached input price");
  const cacheWrite1M = per1M(input.cacheWriteUsdPer1M, "cache write price");
  const image = per1M(input.imageUsd, "image price");
  const priced = [input1M, output1M, cached1M, cacheWrite1M, image].some((p) => p !== null);

  return transaction(async (tx) => {
    const provider = await tx.provider.findUnique({ where: { name: input.provider } });
    if (!provider) throw new AdminError(`no provider named ${input.provider}`, "not_found");
    if (await tx.model.findUnique({ where: { name: input.name } })) throw new AdminError(`a model named ${input.name} already exists`, "conflict");
    if (await tx.modelAlias.findUnique({ where: { alias: input.name } })) throw new AdminError(`${input.name} is already an alias of another model`, "conflict");
    const model = await tx.model.create({
      data: {
        name: input.name,
        type: input.type,
        deployments: { create: { providerId: provider.id, upstreamModel: input.upstreamModel.trim() } },
        prices: priced
          ? {
              create: {
                inputNanoUsdPer1M: input1M ?? 0n,
                outputNanoUsdPer1M: output1M ?? 0n,
                cachedReadNanoUsdPer1M: cached1M,
                cachedWriteNanoUsdPer1M: cacheWrite1M,
                imageNanoUsd: image,
                source: actor === "cli" ? "cli" : "admin",
              },
            }
          : undefined,
      },
    });
    await audit(tx, actor, "model.add", model.id, {
      name: input.name,
      provider: input.provider,
      upstreamModel: input.upstreamModel,
      type: input.type,
      inputUsdPer1M: input.inputUsdPer1M ?? null,
      outputUsdPer1M: input.outputUsdPer1M ?? null,
    });
    await bumpConfigVersion(tx);
    return model;
  });
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
}

/** Another way to serve a public model: a fallback (higher priority number) or a peer sharing traffic. */
export async function addDeployment(input: AddDeploymentInput, actor: Actor) {
  const priority = input.priority ?? 0;
  const weight = input.weight ?? 1;
  if (!Number.isInteger(priority) || priority < 0) throw new AdminError("priority must be a whole number, 0 or more");
  if (!Number.isInteger(weight) || weight < 0 || weight > 1000) throw new AdminError("weight must be a whole number from 0 to 1000");
  if (!input.upstreamModel.trim()) throw new AdminError("upstream model must not be empty");
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
      data: { modelId: model.id, providerId: provider.id, credentialId, upstreamModel: input.upstreamModel.trim(), priority, weight },
    });
    await audit(tx, actor, "model.deploy", deployment.id, { model: input.model, provider: input.provider, upstreamModel: input.upstreamModel, priority, weight, credential: input.credential ?? null });
    await bumpConfigVersion(tx);
    return deployment;
  });
}

/** Another public name for a model. */
export async function addAlias(modelName: string, alias: string, actor: Actor) {
  if (!NAME.test(alias)) throw new AdminError("alias must be 1-128 letters, digits or . _ : / @ - and start with a letter or digit");
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
