import { randomUUID } from "node:crypto";
import { emit } from "../alerts/emit";
import { bumpConfigVersion } from "../db/change-feed";
import { maskSecret } from "../crypto/api-key";
import { openCredential, sealCredential, type CredentialSecret } from "../crypto/credentials";
import { db, type Tx } from "../db/client";
import { upstreamProvider } from "../gateway/registry";
import { adapterFor, supportedProviderTypes } from "../providers";
import type { ProviderAdapter, ProviderConfig, ProviderType } from "../providers/types";
import { describeFailure } from "../gateway/upstream-failure";
import { assertAdmin, type Caller } from "../caller";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { transaction } from "../db/transaction";

// Provider names prefix direct model names ("<name>/<model>"), so they cannot contain a slash.
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A provider and, when its key fields are given, its first credential. */
export interface AddProviderInput extends CredentialSecret {
  type: string;
  name: string;
  baseUrl?: string;
  region?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

const secretOf = (input: CredentialSecret): CredentialSecret => ({
  apiKey: input.apiKey,
  accessKeyId: input.accessKeyId,
  secretAccessKey: input.secretAccessKey,
  sessionToken: input.sessionToken,
});

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

/** The credential fields a provider type needs, checked; null when it takes none and none was given. */
function checkSecret(type: ProviderType, adapter: ProviderAdapter, secret: CredentialSecret | undefined): CredentialSecret | null {
  const given = secret && Object.values(secret).some(Boolean) ? secret : undefined;
  if (adapter.credential === "aws") {
    if (!given?.accessKeyId || !given.secretAccessKey) throw new AdminError(`${type} providers need an access key id and a secret access key`);
    return { accessKeyId: given.accessKeyId, secretAccessKey: given.secretAccessKey, ...(given.sessionToken ? { sessionToken: given.sessionToken } : {}) };
  }
  if (!given?.apiKey) {
    if (adapter.credential === "api_key") throw new AdminError(`an API key is required for ${type} providers`);
    return null;
  }
  return { apiKey: given.apiKey };
}

export const hintOf = (secret: CredentialSecret) => maskSecret(secret.apiKey ?? secret.accessKeyId ?? "");

export async function createCredential(tx: Tx, providerId: string, secret: CredentialSecret, name: string, weight: number) {
  const id = randomUUID();
  return tx.credential.create({ data: { id, providerId, name, weight, ...sealCredential(providerId, id, secret), hint: hintOf(secret) } });
}

/** A provider's fields checked (type, name, base URL, region, timeout): what its row is made of. */
export function checkProvider(input: Omit<AddProviderInput, keyof CredentialSecret>) {
  const supported = supportedProviderTypes();
  if (!supported.includes(input.type as ProviderType)) {
    throw new AdminError(`unsupported provider type "${input.type}" (supported: ${supported.join(", ")})`);
  }
  const type = input.type as ProviderType;
  if (!NAME.test(input.name)) throw new AdminError("provider name must be lowercase letters, digits, '.', '_' or '-' (no '/')");
  const adapter = adapterFor(type);
  const baseUrl = input.baseUrl ? checkBaseUrl(input.baseUrl) : null;
  if (!baseUrl && !adapter.defaultBaseUrl) throw new AdminError(`a base URL is required for ${type} providers`);
  if (adapter.requiresRegion && !input.region) throw new AdminError(`a region is required for ${type} providers (e.g. us-east-1)`);
  if (input.timeoutMs !== undefined && (!Number.isInteger(input.timeoutMs) || input.timeoutMs <= 0)) {
    throw new AdminError("timeout must be a positive number of milliseconds");
  }
  const config: ProviderConfig = { ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}), ...(input.headers ? { headers: input.headers } : {}) };
  return { type, adapter, baseUrl, region: input.region || null, config };
}

/** A credential's name, weight and key fields checked for its provider's type. */
export function checkCredential(providerType: string, input: { name: string; weight?: number } & CredentialSecret): { weight: number; secret: CredentialSecret | null } {
  if (!CREDENTIAL_NAME.test(input.name)) throw new AdminError("credential name must be letters, digits, '.', '_' or '-'");
  const weight = input.weight ?? 1;
  if (!Number.isInteger(weight) || weight < 0 || weight > 1000) throw new AdminError("weight must be a whole number from 0 to 1000");
  const type = providerType as ProviderType;
  const secret = secretOf(input);
  // no key fields at all is for the caller to judge (an import may leave keys out)
  return { weight, secret: Object.values(secret).some(Boolean) ? checkSecret(type, adapterFor(type), secret) : null };
}

export async function addProvider(input: AddProviderInput, actor: Actor) {
  const { type, adapter, baseUrl, config } = checkProvider(input);
  const secret = checkSecret(type, adapter, secretOf(input));

  return transaction(async (tx) => {
    if (await tx.provider.findUnique({ where: { name: input.name } })) throw new AdminError(`a provider named ${input.name} already exists`, "conflict");
    const provider = await tx.provider.create({ data: { type, name: input.name, baseUrl, region: input.region ?? null, config: JSON.stringify(config) } });
    const credential = secret ? await createCredential(tx, provider.id, secret, "default", 1) : null;
    await audit(tx, actor, "provider.add", provider.id, { type, name: input.name, baseUrl, region: input.region ?? null, credential: credential?.hint ?? null });
    await bumpConfigVersion(tx);
    return { provider, credentialHint: credential?.hint ?? null };
  });
}

export interface AddCredentialInput extends CredentialSecret {
  provider: string;
  name: string;
  weight?: number;
}

/** Another key for a provider; traffic is shared among a provider's keys by weight. */
export async function addCredential(input: AddCredentialInput, actor: Actor) {
  return transaction(async (tx) => {
    const provider = await tx.provider.findUnique({ where: { name: input.provider } });
    if (!provider) throw new AdminError(`no provider named ${input.provider}`, "not_found");
    const { weight, secret } = checkCredential(provider.type, input);
    if (!secret) throw new AdminError("give the credential's key");
    if (await tx.credential.findUnique({ where: { providerId_name: { providerId: provider.id, name: input.name } } })) {
      throw new AdminError(`provider ${input.provider} already has a credential named ${input.name}`, "conflict");
    }
    const credential = await createCredential(tx, provider.id, secret, input.name, weight);
    await audit(tx, actor, "credential.add", credential.id, { provider: provider.name, name: input.name, hint: credential.hint, weight });
    await bumpConfigVersion(tx);
    return credential;
  });
}

export interface ConnectionCheck {
  credential: string;
  hint: string;
  ok: boolean;
  latencyMs: number;
  error: string | null;
}

/**
 * Checks each of a provider's credentials with the provider's cheapest real call (listing models,
 * or counting tokens) and reports latency or the provider's error. A suspended credential that
 * passes is reactivated.
 */
export async function testProvider(name: string): Promise<{ provider: string; type: string; checks: ConnectionCheck[] }> {
  const row = await db().provider.findUnique({
    where: { name },
    include: { credentials: { orderBy: { createdAt: "asc" } }, deployments: { take: 1, orderBy: { createdAt: "asc" } } },
  });
  if (!row) throw new AdminError(`no provider named ${name}`, "not_found");
  const provider = upstreamProvider(row);
  const adapter = adapterFor(provider.type);
  const credentials = row.credentials.length ? row.credentials.map((c) => ({ row: c, credential: { id: c.id, secret: openCredential(c), weight: c.weight } })) : [null];
  const checks: ConnectionCheck[] = [];
  for (const entry of credentials) {
    const started = performance.now();
    const credential = entry?.credential ?? null;
    let error: string | null = null;
    try {
      await adapter.testConnection(
        { provider, credential, upstreamModel: row.deployments[0]?.upstreamModel ?? "" },
        { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 },
      );
    } catch (e) {
      error = describeFailure(e, credential);
    }
    checks.push({ credential: entry?.row.name ?? "(none)", hint: entry?.row.hint ?? "", ok: error === null, latencyMs: Math.round(performance.now() - started), error });
    // a key the provider had refused and that works again goes back into rotation
    if (entry && error === null && entry.row.status === "suspended") {
      await transaction(async (tx) => {
        await tx.credential.update({ where: { id: entry.row.id }, data: { status: "active", lastError: null, lastCheckedAt: new Date() } });
        await audit(tx, "test", "credential.reactivate", entry.row.id, { provider: row.name, name: entry.row.name });
        await bumpConfigVersion(tx);
      });
      emit("credential.recovered", { provider: row.name, credentialId: entry.row.id, credential: entry.row.name });
    }
  }
  return { provider: row.name, type: row.type, checks };
}

export interface UpdateProviderInput {
  baseUrl?: string | null;
  region?: string | null;
  timeoutMs?: number | null;
}

/** Changes where and how a provider is reached; its keys are changed by adding or disabling credentials. */
export async function updateProvider(name: string, input: UpdateProviderInput, actor: Actor) {
  return transaction(async (tx) => {
    const provider = await tx.provider.findUnique({ where: { name } });
    if (!provider) throw new AdminError(`no provider named ${name}`, "not_found");
    const adapter = adapterFor(provider.type as ProviderType);
    const baseUrl = input.baseUrl === undefined ? provider.baseUrl : input.baseUrl ? checkBaseUrl(input.baseUrl) : null;
    if (!baseUrl && !adapter.defaultBaseUrl) throw new AdminError(`a base URL is required for ${provider.type} providers`);
    const region = input.region === undefined ? provider.region : input.region || null;
    if (adapter.requiresRegion && !region) throw new AdminError(`a region is required for ${provider.type} providers (e.g. us-east-1)`);
    const config = JSON.parse(provider.config) as ProviderConfig;
    if (input.timeoutMs !== undefined) {
      if (input.timeoutMs !== null && (!Number.isInteger(input.timeoutMs) || input.timeoutMs <= 0)) throw new AdminError("timeout must be a positive number of milliseconds");
      if (input.timeoutMs === null) delete config.timeoutMs;
      else config.timeoutMs = input.timeoutMs;
    }
    const updated = await tx.provider.update({ where: { id: provider.id }, data: { baseUrl, region, config: JSON.stringify(config) } });
    await audit(tx, actor, "provider.update", provider.id, { name, baseUrl, region, timeoutMs: config.timeoutMs ?? null }, { before: { baseUrl: provider.baseUrl, region: provider.region, config: JSON.parse(provider.config) }, after: { baseUrl, region, config } });
    await bumpConfigVersion(tx);
    return updated;
  });
}

/** Providers with their keys (masked hints only), health and how many deployments use them. */
export async function listProviders(caller: Caller) {
  assertAdmin(caller, "the providers");
  const rows = await db().provider.findMany({
    orderBy: { name: "asc" },
    include: {
      credentials: { orderBy: { createdAt: "asc" }, select: { id: true, name: true, hint: true, weight: true, status: true, lastError: true, cooldownUntil: true, lastCheckedAt: true } },
      _count: { select: { deployments: true } },
    },
  });
  return rows.map((p) => {
    const config = JSON.parse(p.config) as ProviderConfig;
    const active = p.credentials.filter((c) => c.status === "active").length;
    const health: "disabled" | "down" | "degraded" | "healthy" = !p.enabled
      ? "disabled"
      : p.credentials.length && active === 0
        ? "down"
        : p.credentials.some((c) => c.status === "suspended")
          ? "degraded"
          : "healthy";
    return { id: p.id, name: p.name, type: p.type, baseUrl: p.baseUrl, region: p.region, enabled: p.enabled, timeoutMs: config.timeoutMs ?? null, credentials: p.credentials, deployments: p._count.deployments, health };
  });
}

/** The providers' names, for the pickers of the model forms. */
export async function providerNames(caller: Caller): Promise<string[]> {
  assertAdmin(caller, "the providers");
  const rows = await db().provider.findMany({ select: { name: true }, orderBy: { name: "asc" } });
  return rows.map((p) => p.name);
}
