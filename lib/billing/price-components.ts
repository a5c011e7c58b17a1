import type { ModelPrice, TokenPrice } from "./cost";

// A price taken apart into what is billed separately, to compare a hub's price with a reference
// list component by component: the price guard's drift and below-cost checks, and the gateway's
// refusal of a call whose price sells below cost.

export const PRICE_COMPONENTS = ["input", "output", "cached_read", "cache_write", "image", "audio", "characters", "video"] as const;
export type PriceComponent = (typeof PRICE_COMPONENTS)[number];

/**
 * Nano-USD per 1M tokens; per image for `image`, per minute of audio for `audio`, per 1M characters
 * for `characters`, per second of video for `video`. A component a price does not bill is absent.
 */
export type ComponentCosts = Partial<Record<PriceComponent, bigint>>;

/** The unit prices a price may have besides its token prices (absent or null: it has none). */
type UnitPrices = Partial<Pick<ModelPrice, "imageNanoUsd" | "audioNanoUsdPerMinute" | "characterNanoUsdPer1M" | "videoNanoUsdPerSecond">>;

/**
 * A price's components. Cached reads and cache writes without a price of their own cost as much as
 * other input (as `providerCost` bills them); reasoning tokens are billed as output, so `output`
 * covers them. The units audio, speech, image and video models are billed in are components when priced.
 */
export function componentsOf(price: TokenPrice & UnitPrices): ComponentCosts {
  const unit = (component: PriceComponent, value: bigint | null | undefined) => (value != null ? { [component]: value } : {});
  return {
    input: price.inputNanoUsdPer1M,
    output: price.outputNanoUsdPer1M,
    cached_read: price.cachedReadNanoUsdPer1M ?? price.inputNanoUsdPer1M,
    cache_write: price.cacheWriteNanoUsdPer1M ?? price.inputNanoUsdPer1M,
    ...unit("image", price.imageNanoUsd),
    ...unit("audio", price.audioNanoUsdPerMinute),
    ...unit("characters", price.characterNanoUsdPer1M),
    ...unit("video", price.videoNanoUsdPerSecond),
  };
}

const BPS = 10_000n;

/** What a cost sells for at a margin, in nano-USD: cost × (1 + margin), rounded up like `chargeFor`. */
export const sellNanoUsd = (costNanoUsd: bigint, marginBps: number) => (costNanoUsd * (BPS + BigInt(marginBps)) + BPS - 1n) / BPS;

export interface ComponentGap {
  component: PriceComponent;
  /** the hub's figure: its cost (drift) or what it sells for (below cost) */
  hubNanoUsd: bigint;
  referenceNanoUsd: bigint;
}

/** Components both sides bill whose figures differ. */
export function differences(hub: ComponentCosts, reference: ComponentCosts): ComponentGap[] {
  return PRICE_COMPONENTS.flatMap((component) => {
    const [ours, theirs] = [hub[component], reference[component]];
    return ours !== undefined && theirs !== undefined && ours !== theirs ? [{ component, hubNanoUsd: ours, referenceNanoUsd: theirs }] : [];
  });
}

/** Components the price (its provider cost with its margin) sells for less than the reference provider cost. */
export function sellsBelowCost(price: ModelPrice, reference: ComponentCosts): ComponentGap[] {
  const cost = componentsOf(price);
  return PRICE_COMPONENTS.flatMap((component) => {
    const [ours, theirs] = [cost[component], reference[component]];
    if (ours === undefined || theirs === undefined) return [];
    const sell = sellNanoUsd(ours, price.marginBps);
    return sell < theirs ? [{ component, hubNanoUsd: sell, referenceNanoUsd: theirs }] : [];
  });
}
