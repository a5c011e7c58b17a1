import type { TokenUsage } from "../canonical/usage";
import { tokenCost } from "../money";

export interface TokenPrice {
  inputNanoUsdPer1M: bigint;
  outputNanoUsdPer1M: bigint;
  /** null: cached reads cost as much as other input */
  cachedReadNanoUsdPer1M: bigint | null;
  /** null: cache writes cost as much as other input */
  cacheWriteNanoUsdPer1M: bigint | null;
}

/** What the provider charges for a call, in nano-USD. */
export function providerCost(usage: TokenUsage, price: TokenPrice): bigint {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const written = Math.min(usage.cacheWriteTokens, usage.promptTokens - cached);
  const plainInput = usage.promptTokens - cached - written;
  return (
    tokenCost(plainInput, price.inputNanoUsdPer1M) +
    tokenCost(cached, price.cachedReadNanoUsdPer1M ?? price.inputNanoUsdPer1M) +
    tokenCost(written, price.cacheWriteNanoUsdPer1M ?? price.inputNanoUsdPer1M) +
    tokenCost(usage.completionTokens, price.outputNanoUsdPer1M)
  );
}

/** A model's price: its provider cost, and what a reseller adds. */
export interface ModelPrice extends TokenPrice {
  imageNanoUsd: bigint | null;
  /** the reseller's margin in basis points (2500 = 25 %) */
  marginBps: number;
}

/** The most a call can use: prompt tokens (estimated), output tokens (capped), images. */
export interface MaxUsage {
  promptTokens: number;
  outputTokens: number;
  images: number;
}

/** The most a call can cost the operator, in nano-USD: what is held before it goes upstream. */
export function maxCost(price: ModelPrice, max: MaxUsage): bigint {
  return tokenCost(max.promptTokens, price.inputNanoUsdPer1M) + tokenCost(max.outputTokens, price.outputNanoUsdPer1M) + BigInt(max.images) * (price.imageNanoUsd ?? 0n);
}
