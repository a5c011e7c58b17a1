import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

export const openaiAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://api.openai.com/v1",
  credential: "api_key",
  embeddings: true,
  images: true,
});
