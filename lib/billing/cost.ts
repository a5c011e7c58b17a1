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
