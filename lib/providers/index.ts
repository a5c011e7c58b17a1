import { openaiAdapter } from "./openai";
import { openaiCompatibleAdapter } from "./openai-compatible";
import type { ProviderAdapter, ProviderType } from "./types";

const ADAPTERS: Partial<Record<ProviderType, ProviderAdapter>> = {
  openai: openaiAdapter,
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
