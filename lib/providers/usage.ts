import type { CompletionUsage } from "openai/resources/completions";
import type { TokenUsage } from "../billing/cost";
import type { CanonicalUsage } from "./types";

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
