"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { addAlias, addDeployment, addModel, MODEL_TYPES, routingStrategySchema, setPrice, setRoutingStrategy } from "@/lib/admin/models";
import { runPriceCheck } from "@/lib/admin/price-findings";
import { adminAction, translatedAdminAction, type Translator } from "@/lib/ui/admin-action";

// Answers and field errors in the reader's language (messages/*/adminCatalog.json); errors thrown by
// lib/admin stay English, as the admin API and the CLI show them.

type T = Translator<"adminCatalog.models">;

const decimal = (message: string) => z.string().regex(/^\d+(\.\d+)?$/, message).optional();
const prices = (t: T) => ({
  inputUsdPer1M: decimal(t("validation.decimal.inputUsdPer1M")),
  outputUsdPer1M: decimal(t("validation.decimal.outputUsdPer1M")),
  cachedInputUsdPer1M: decimal(t("validation.decimal.cachedInputUsdPer1M")),
  cacheWriteUsdPer1M: decimal(t("validation.decimal.cacheWriteUsdPer1M")),
  imageUsd: decimal(t("validation.decimal.imageUsd")),
  audioUsdPerMinute: decimal(t("validation.decimal.audioUsdPerMinute")),
  charactersUsdPer1M: decimal(t("validation.decimal.charactersUsdPer1M")),
  videoUsdPerSecond: decimal(t("validation.decimal.videoUsdPerSecond")),
  marginPercent: decimal(t("validation.decimal.marginPercent")),
});
const whole = z.coerce.number().int().min(0).optional();

export const addModelAction = translatedAdminAction("adminCatalog.models",
  async (t) =>
    z.object({
      name: z.string({ error: t("validation.publicName") }).min(1),
      provider: z.string({ error: t("validation.pickProvider") }).min(1),
      upstreamModel: z.string({ error: t("validation.upstreamModel") }).min(1),
      type: z.enum(MODEL_TYPES).default("chat"),
      maxOutputTokens: z.coerce.number().int().positive(t("validation.positiveWhole")).optional(),
      ...prices(t),
    }),
  async (input, user, t) => {
    const model = await addModel(input, user.email);
    return t("toast.added", { name: model.name });
  },
);

/** The form's datetime-local value, read as UTC (as its label says) */
const utc = (t: T) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, t("validation.dateTime"))
    .transform((s) => new Date(`${s}Z`))
    .optional();

export const setPriceAction = translatedAdminAction("adminCatalog.models",
  async (t) => z.object({ model: z.string().min(1), ...prices(t), effectiveFrom: utc(t) }),
  async ({ model, ...price }, user, t) => {
    const saved = await setPrice(model, price, user.email);
    return price.effectiveFrom ? t("toast.priceFrom", { model, at: saved.effectiveFrom.toISOString() }) : t("toast.priceNow", { model });
  },
);

export const checkPricesAction = adminAction(z.object({}), async (_input, user) => {
  const [result, t] = await Promise.all([runPriceCheck(user.email), getTranslations("adminCatalog.models.toast")]);
  const counts = { models: result.models, belowCost: result.belowCost, drift: result.drift };
  return result.catalogue && !result.catalogue.ok ? t("checkedCatalogueFailed", { ...counts, error: result.catalogue.error }) : t("checked", counts);
});

export const addDeploymentAction = translatedAdminAction("adminCatalog.models",
  async (t) =>
    z.object({
      model: z.string().min(1),
      provider: z.string({ error: t("validation.pickProvider") }).min(1),
      upstreamModel: z.string({ error: t("validation.upstreamModel") }).min(1),
      priority: whole,
      weight: whole,
      credential: z.string().optional(),
      inputCostUsdPer1M: decimal(t("validation.decimal.inputUsdPer1M")),
      outputCostUsdPer1M: decimal(t("validation.decimal.outputUsdPer1M")),
    }),
  async (input, user, t) => {
    await addDeployment(input, user.email);
    return t("toast.deployed", { model: input.model, provider: input.provider });
  },
);

export const addAliasAction = translatedAdminAction("adminCatalog.models",
  async (t) => z.object({ model: z.string().min(1), alias: z.string({ error: t("validation.alias") }).min(1) }),
  async ({ model, alias }, user, t) => {
    await addAlias(model, alias, user.email);
    return t("toast.aliased", { alias, model });
  },
);

export const setRoutingAction = translatedAdminAction("adminCatalog.models",
  async () => z.object({ model: z.string().min(1), strategy: routingStrategySchema }),
  async ({ model, strategy }, user, t) => {
    await setRoutingStrategy(model, strategy, user.email);
    return t("toast.routing", { model, strategy: t(`routing.strategies.${strategy}`) });
  },
);
