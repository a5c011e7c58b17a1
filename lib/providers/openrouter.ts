import { env } from "../env";
import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

export const openrouterAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://openrouter.ai/api/v1",
  credential: "api_key",
  // attribution on openrouter.ai's rankings; a provider's config headers can override both
  headers: () => ({ "HTTP-Referer": env().HUB_PUBLIC_URL ?? "https://github.com/AIGNE-io/aigne-hub", "X-Title": "AIGNE Hub" }),
  embeddings: true,
});
