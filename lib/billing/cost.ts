import { tokenCost } from "./money";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** prompt tokens read from the provider's cache (part of promptTokens) */
  cachedTokens: number;
  /** prompt tokens written to the provider's cache (part of promptTokens) */
  cacheWriteTokens: number;
  /** completion tokens spent on reasoning (part of completionTokens) */
  reasoningTokens: number;
}

export const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

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
