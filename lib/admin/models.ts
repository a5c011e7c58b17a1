import { MoneyFormatError, parseUsd } from "../billing/money";
import { bumpConfigVersion } from "../config/change-feed";
import { db } from "../db/client";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

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
  const priced = input1M !== null || output1M !== null || cached1M !== null;

  return db().$transaction(async (tx) => {
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

