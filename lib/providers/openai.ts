import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

export const openaiAdapter = createOpenAIFamilyAdapter({ defaultBaseUrl: "https://api.openai.com/v1", requiresApiKey: true });
