import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

export const deepseekAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://api.deepseek.com",
  credential: "api_key",
  prepareChat(body) {
    // DeepSeek rejects its own reasoning_content when a client sends it back in the history (400)
    const messages = (body.messages as Array<Record<string, unknown>>).map(({ reasoning_content: _dropped, ...message }) => message);
    return { ...body, messages };
  },
  // DeepSeek reports its context cache as prompt_cache_hit_tokens (part of prompt_tokens)
  normalizeUsage(usage) {
    const hit = typeof usage.prompt_cache_hit_tokens === "number" ? usage.prompt_cache_hit_tokens : (usage.prompt_tokens_details?.cached_tokens ?? 0);
    return { ...usage, prompt_tokens_details: { ...usage.prompt_tokens_details, cached_tokens: hit } };
  },
});
