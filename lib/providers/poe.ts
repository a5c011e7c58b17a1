import { createOpenAIFamilyAdapter } from "./openai-family/adapter";

// Poe's OpenAI-compatible endpoint takes a documented subset of parameters ("custom parameters
// require the Poe Python SDK"); the rest are dropped rather than sent to fail.
const ACCEPTED = new Set([
  "model",
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stream",
  "stream_options",
  "stop",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
]);

/** Poe (api.poe.com): the upstream model is a Poe bot name such as Claude-Sonnet-4.5. */
export const poeAdapter = createOpenAIFamilyAdapter({
  defaultBaseUrl: "https://api.poe.com/v1",
  credential: "api_key",
  prepareChat: (body) => Object.fromEntries(Object.entries(body).filter(([key]) => ACCEPTED.has(key))),
});
