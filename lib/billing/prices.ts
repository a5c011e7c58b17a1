import { calcPrice } from "@pydantic/genai-prices";
import type { ProviderType } from "../providers/types";
import type { TokenPrice } from "./cost";

// Default provider costs from the price data bundled with @pydantic/genai-prices (never updated at
// run time). Prices are read for 1,000 tokens and scaled, so tiered models get their base tier.

const GENAI_PRICES_PROVIDER: Partial<Record<ProviderType, string>> = {
  openai: "openai",
  anthropic: "anthropic",
  bedrock: "aws",
  gemini: "google",
  deepseek: "deepseek",
  openrouter: "openrouter",
  xai: "x-ai",
};

const FREE: TokenPrice = { inputNanoUsdPer1M: 0n, outputNanoUsdPer1M: 0n, cachedReadNanoUsdPer1M: null, cacheWriteNanoUsdPer1M: null };

/** USD for 1,000 tokens (a float from the price data) → nano-USD per 1M tokens, rounded to the nano-dollar. */
const per1M = (usdPer1k: number) => BigInt(Math.round(usdPer1k * 1000 * 1e9));

/** The provider's list price for a model, or null when the bundled data does not know it. */
export function defaultPrice(type: ProviderType, upstreamModel: string): TokenPrice | null {
  // a local model costs nothing
  if (type === "ollama") return FREE;
  const providerId = GENAI_PRICES_PROVIDER[type];
  if (!providerId) return null;
  const price = (usage: Record<string, number>) => calcPrice(usage, upstreamModel, { providerId });
  const input = price({ input_tokens: 1000 });
  if (!input) return null;
  const output = price({ output_tokens: 1000 });
  const cacheRead = price({ input_tokens: 1000, cache_read_tokens: 1000 });
  const cacheWrite = price({ input_tokens: 1000, cache_write_tokens: 1000 });
  const inputNanoUsdPer1M = per1M(input.input_price);
  const read = cacheRead ? per1M(cacheRead.input_price) : inputNanoUsdPer1M;
  const write = cacheWrite ? per1M(cacheWrite.input_price) : inputNanoUsdPer1M;
  return {
    inputNanoUsdPer1M,
    outputNanoUsdPer1M: output ? per1M(output.output_price) : 0n,
    cachedReadNanoUsdPer1M: read === inputNanoUsdPer1M ? null : read,
    cacheWriteNanoUsdPer1M: write === inputNanoUsdPer1M ? null : write,
  };
}
