import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

// xAI's reasoning models refuse sampling penalties and stop sequences with a 400 ("Argument not
// supported on this model"); only grok-3-mini takes reasoning_effort.
const REASONING_MODEL = /^grok-(4|3-mini|code)/;

export const xaiAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://api.x.ai/v1",
  credential: "api_key",
  images: true,
  prepareChat(body) {
    const model = String(body.model);
    if (!REASONING_MODEL.test(model)) return body;
    const { presence_penalty: _p, frequency_penalty: _f, stop: _s, ...rest } = body;
    if (!model.startsWith("grok-3-mini")) delete rest.reasoning_effort;
    return rest;
  },
  // grok image models take neither size, quality nor style
  prepareImages({ size: _size, quality: _quality, style: _style, ...rest }) {
    return rest;
  },
});
