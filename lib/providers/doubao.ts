import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

/**
 * Volcengine Ark (Doubao). The upstream model may be a model name (doubao-seed-1-6-250615) or an
 * inference endpoint id (ep-20250101000000-abcde); Ark accepts both in `model`.
 */
export const doubaoAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://ark.cn-beijing.volces.com/api/v3",
  credential: "api_key",
  embeddings: true,
  images: true,
});
