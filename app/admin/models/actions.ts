"use server";

import { z } from "zod";
import { addAlias, addDeployment, addModel, MODEL_TYPES, setPrice } from "@/lib/admin/models";
import { runPriceCheck } from "@/lib/admin/price-findings";
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

/** The form's datetime-local value, read as UTC (as its label says) */
const utc = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "A date and time")
  .transform((s) => new Date(`${s}Z`))
  .optional();

export const setPriceAction = adminAction(z.object({ model: z.string().min(1), ...prices, effectiveFrom: utc }), async ({ model, ...price }, user) => {
  const saved = await setPrice(model, price, user.email);
  return price.effectiveFrom ? `New price for ${model} applies from ${saved.effectiveFrom.toISOString()}` : `New price for ${model} applies now`;
});

export const checkPricesAction = adminAction(z.object({}), async (_input, user) => {
  const result = await runPriceCheck(user.email);
  const catalogue = result.catalogue && !result.catalogue.ok ? `; the price catalogue could not be read (${result.catalogue.error})` : "";
  return `Checked ${result.models} models: ${result.belowCost} below-cost and ${result.drift} drift findings${catalogue}`;
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
