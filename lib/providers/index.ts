import { anthropicAdapter } from "./anthropic";
import { bedrockAdapter } from "./bedrock";
import { deepseekAdapter } from "./deepseek";
import { doubaoAdapter } from "./doubao";
import { geminiAdapter } from "./gemini";
import { ideogramAdapter } from "./ideogram";
import { ollamaAdapter } from "./ollama";
import { openaiAdapter } from "./openai";
import { openaiCompatibleAdapter } from "./openai-compatible";
import { openrouterAdapter } from "./openrouter";
import { poeAdapter } from "./poe";
import type { ProviderAdapter, ProviderType } from "./types";
import { xaiAdapter } from "./xai";

const ADAPTERS: Record<ProviderType, ProviderAdapter> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  bedrock: bedrockAdapter,
  gemini: geminiAdapter,
  deepseek: deepseekAdapter,
  ollama: ollamaAdapter,
  openrouter: openrouterAdapter,
  xai: xaiAdapter,
  doubao: doubaoAdapter,
  poe: poeAdapter,
  ideogram: ideogramAdapter,
  openai_compatible: openaiCompatibleAdapter,
};

/** Provider types the gateway can call; adding a provider means adding its adapter here. */
export function supportedProviderTypes(): ProviderType[] {
  return Object.keys(ADAPTERS) as ProviderType[];
}

export function adapterFor(type: ProviderType): ProviderAdapter {
  const adapter = ADAPTERS[type];
  if (!adapter) throw new Error(`no adapter for provider type ${type}`);
  return adapter;
}
