import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

export const openaiAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://api.openai.com/v1",
  credential: "api_key",
  outputCapField: "max_completion_tokens",
  embeddings: true,
  images: true,
  audio: true,
  moderations: true,
  videos: true,
});
