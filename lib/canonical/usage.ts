import type { CompletionUsage } from "openai/resources/completions";
import type { CanonicalUsage } from "./completion";

/** A call's token counts, as the hub meters and prices them. */
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

/** Canonical (OpenAI-shaped) usage, as every adapter reports it → the hub's token counts. */
export function usageFromOpenAI(usage: CompletionUsage | CanonicalUsage | null | undefined): TokenUsage | null {
  if (!usage) return null;
  const details = usage.prompt_tokens_details as CanonicalUsage["prompt_tokens_details"];
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: details?.cached_tokens ?? 0,
    cacheWriteTokens: details?.cache_write_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
