import type { CompletionUsage } from "openai/resources/completions";
import type { TokenUsage } from "../billing/cost";

/** OpenAI-shaped usage (as every adapter reports it) → the hub's token counts. */
export function usageFromOpenAI(usage: CompletionUsage | null | undefined): TokenUsage | null {
  if (!usage) return null;
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
