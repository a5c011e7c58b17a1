import { db } from "../db/client";
import { settings } from "../settings";
import { chargeFor } from "./charge";
import { effectiveMarginBps, type GroupMargins } from "./customer-price";
import { formatCredits, formatUsd } from "../money";

// Each model's current provider cost and what it sells for (cost × (1 + margin) at the credit
// price), for the models page and the public price list; with a customer group, at its margins.

type PriceRow = {
  inputNanoUsdPer1M: bigint;
  outputNanoUsdPer1M: bigint;
  cachedReadNanoUsdPer1M: bigint | null;
  cachedWriteNanoUsdPer1M: bigint | null;
  imageNanoUsd: bigint | null;
  audioNanoUsdPerMinute: bigint | null;
  characterNanoUsdPer1M: bigint | null;
  videoNanoUsdPerSecond: bigint | null;
  marginBps: number;
  source: string;
  effectiveFrom: Date;
};

const optional = (value: bigint | null, format: (v: bigint) => string) => (value === null ? null : format(value));

export function presentPrice(price: PriceRow, creditPriceNanoUsd: bigint) {
  const sell = (cost: bigint) => formatCredits(chargeFor(cost, price.marginBps, creditPriceNanoUsd));
  return {
    cost: {
      inputUsdPer1M: formatUsd(price.inputNanoUsdPer1M),
      outputUsdPer1M: formatUsd(price.outputNanoUsdPer1M),
      cachedInputUsdPer1M: optional(price.cachedReadNanoUsdPer1M, formatUsd),
      cacheWriteUsdPer1M: optional(price.cachedWriteNanoUsdPer1M, formatUsd),
      imageUsd: optional(price.imageNanoUsd, formatUsd),
      audioUsdPerMinute: optional(price.audioNanoUsdPerMinute, formatUsd),
      charactersUsdPer1M: optional(price.characterNanoUsdPer1M, formatUsd),
      videoUsdPerSecond: optional(price.videoNanoUsdPerSecond, formatUsd),
    },
    marginPercent: (price.marginBps / 100).toString(),
    /** credits per 1M tokens (per image, per minute of audio, per 1M characters, per second of video) */
    sell: {
      inputCreditsPer1M: sell(price.inputNanoUsdPer1M),
      outputCreditsPer1M: sell(price.outputNanoUsdPer1M),
      cachedInputCreditsPer1M: optional(price.cachedReadNanoUsdPer1M, sell),
      imageCredits: optional(price.imageNanoUsd, sell),
      audioCreditsPerMinute: optional(price.audioNanoUsdPerMinute, sell),
      charactersCreditsPer1M: optional(price.characterNanoUsdPer1M, sell),
      videoCreditsPerSecond: optional(price.videoNanoUsdPerSecond, sell),
    },
    source: price.source,
    effectiveFrom: price.effectiveFrom,
  };
}

export type PresentedPrice = ReturnType<typeof presentPrice>;

/** Every model with its deployments, aliases and current price (enabled ones only when asked), at the group's margins when given. */
export async function priceList(options: { enabledOnly?: boolean; group?: GroupMargins | null } = {}) {
  const now = new Date();
  const [{ creditPriceNanoUsd, creditPriceUsd }, models] = await Promise.all([
    settings(),
    db().model.findMany({
      where: options.enabledOnly ? { enabled: true } : {},
      orderBy: { name: "asc" },
      include: {
        aliases: { select: { alias: true } },
        deployments: { include: { provider: { select: { name: true, type: true } }, credential: { select: { name: true } } }, orderBy: [{ priority: "asc" }, { createdAt: "asc" }] },
        prices: { where: { effectiveFrom: { lte: now } }, orderBy: { effectiveFrom: "desc" }, take: 1 },
      },
    }),
  ]);
  return {
    creditPriceUsd,
    models: models.map((m) => ({
      id: m.id,
      name: m.name,
      type: m.type,
      enabled: m.enabled,
      maxOutputTokens: m.maxOutputTokens,
      aliases: m.aliases.map((a) => a.alias),
      deployments: m.deployments.map((d) => ({
        id: d.id,
        provider: d.provider.name,
        providerType: d.provider.type,
        upstreamModel: d.upstreamModel,
        credential: d.credential?.name ?? null,
        priority: d.priority,
        weight: d.weight,
        enabled: d.enabled,
      })),
      price: m.prices[0] ? presentPrice({ ...m.prices[0], marginBps: effectiveMarginBps(m.id, m.prices[0].marginBps, options.group ?? null) }, creditPriceNanoUsd) : null,
    })),
  };
}
