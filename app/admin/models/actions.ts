"use server";

import { z } from "zod";
import { addAlias, addDeployment, addModel, MODEL_TYPES, setPrice } from "@/lib/admin/models";
import { adminAction } from "@/lib/ui/admin-action";

const decimal = (what: string) => z.string().regex(/^\d+(\.\d+)?$/, `${what} must be a decimal number like 0.15`).optional();
const prices = {
  inputUsdPer1M: decimal("Input price"),
  outputUsdPer1M: decimal("Output price"),
  cachedInputUsdPer1M: decimal("Cached input price"),
  cacheWriteUsdPer1M: decimal("Cache write price"),
  imageUsd: decimal("Image price"),
  marginPercent: decimal("Margin"),
};
const whole = z.coerce.number().int().min(0).optional();

export const addModelAction = adminAction(
  z.object({
    name: z.string({ error: "Give the public name" }).min(1),
    provider: z.string({ error: "Pick a provider" }).min(1),
    upstreamModel: z.string({ error: "Give the provider's model name" }).min(1),
    type: z.enum(MODEL_TYPES).default("chat"),
    maxOutputTokens: z.coerce.number().int().positive("Must be a positive whole number").optional(),
    ...prices,
  }),
  async (input, user) => {
    const model = await addModel(input, user.email);
    return `Added ${model.name}`;
  },
);

export const setPriceAction = adminAction(z.object({ model: z.string().min(1), ...prices }), async ({ model, ...price }, user) => {
  await setPrice(model, price, user.email);
  return `New price for ${model} applies now`;
});

export const addDeploymentAction = adminAction(
  z.object({ model: z.string().min(1), provider: z.string({ error: "Pick a provider" }).min(1), upstreamModel: z.string({ error: "Give the provider's model name" }).min(1), priority: whole, weight: whole, credential: z.string().optional() }),
  async (input, user) => {
    await addDeployment(input, user.email);
    return `${input.model} can now be served by ${input.provider}`;
  },
);

export const addAliasAction = adminAction(z.object({ model: z.string().min(1), alias: z.string({ error: "Give the alias" }).min(1) }), async ({ model, alias }, user) => {
  await addAlias(model, alias, user.email);
  return `${alias} now names ${model}`;
});
