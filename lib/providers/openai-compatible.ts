import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

/** Any server that speaks OpenAI's API (vLLM, LM Studio, LocalAI, a corporate proxy …): base URL required, key optional. */
export const openaiCompatibleAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: null,
  credential: "optional_api_key",
  embeddings: true,
  images: true,
  audio: true,
  moderations: true,
  videos: true,
});
