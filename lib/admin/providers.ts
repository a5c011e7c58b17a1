import { randomUUID } from "node:crypto";
import { bumpConfigVersion } from "../config/change-feed";
import { maskSecret } from "../crypto/api-key";
import { sealCredential } from "../crypto/credentials";
import { db } from "../db/client";
import { adapterFor, supportedProviderTypes } from "../providers";
import type { ProviderConfig, ProviderType } from "../providers/types";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

// Provider names prefix direct model names ("<name>/<model>"), so they cannot contain a slash.
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface AddProviderInput {
  type: string;
  name: string;
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AdminError(`base URL is not a URL: "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AdminError("base URL must start with http:// or https://");
  return value.replace(/\/+$/, "");
}

export async function addProvider(input: AddProviderInput, actor: Actor) {
  const supported = supportedProviderTypes();
  if (!supported.includes(input.type as ProviderType)) {
    throw new AdminError(`unsupported provider type "${input.type}" (supported: ${supported.join(", ")})`);
  }
  const type = input.type as ProviderType;
  if (!NAME.test(input.name)) throw new AdminError("provider name must be lowercase letters, digits, '.', '_' or '-' (no '/')");
  const adapter = adapterFor(type);
  const baseUrl = input.baseUrl ? checkBaseUrl(input.baseUrl) : null;
  if (!baseUrl && !adapter.defaultBaseUrl) throw new AdminError(`a base URL is required for ${type} providers`);
  if (adapter.requiresApiKey && !input.apiKey) throw new AdminError(`an API key is required for ${type} providers`);
  if (input.timeoutMs !== undefined && (!Number.isInteger(input.timeoutMs) || input.timeoutMs <= 0)) {
    throw new AdminError("timeout must be a positive number of milliseconds");
  }
  const config: ProviderConfig = input.timeoutMs ? { timeoutMs: input.timeoutMs } : {};

  return db().$transaction(async (tx) => {
    if (await tx.provider.findUnique({ where: { name: input.name } })) throw new AdminError(`a provider named ${input.name} already exists`, "conflict");
    const provider = await tx.provider.create({ data: { type, name: input.name, baseUrl, config: JSON.stringify(config) } });
    let credential = null;
    if (input.apiKey) {
      const id = randomUUID();
      const sealed = sealCredential(provider.id, id, { apiKey: input.apiKey });
      credential = await tx.credential.create({ data: { id, providerId: provider.id, ...sealed, hint: maskSecret(input.apiKey) } });
    }
    await audit(tx, actor, "provider.add", provider.id, { type, name: input.name, baseUrl, credential: credential?.hint ?? null });
    await bumpConfigVersion(tx);
    return { provider, credentialHint: credential?.hint ?? null };
  });
}
