import { openCredential } from "../../crypto/credentials";
import { db } from "../../db/client";
import { env } from "../../env";
import { adapterFor } from "../../providers";
import type { ProviderAdapter, UpstreamTarget } from "../../providers/types";
import { registry } from "../registry";
import type { VideoJob } from "./store";

/** The provider and credential that started the job (the upstream job belongs to that account). */
export async function targetOf(job: VideoJob): Promise<{ adapter: ProviderAdapter; upstream: UpstreamTarget; providerName: string; timeoutMs: number } | null> {
  const provider = [...(await registry()).providers.values()].find((p) => p.id === job.providerId);
  if (!provider) return null;
  let credential = provider.credentials.find((c) => c.id === job.credentialId) ?? null;
  if (job.credentialId && !credential) {
    // suspended since (left out of the registry): the job is still that account's to ask about
    const row = await db().credential.findUnique({ where: { id: job.credentialId } });
    if (!row) return null;
    credential = { id: row.id, secret: openCredential(row), weight: row.weight };
  }
  const adapter = adapterFor(provider.type);
  if (!adapter.video) return null;
  return { adapter, upstream: { provider, credential, upstreamModel: job.upstreamModel }, providerName: provider.name, timeoutMs: provider.config.timeoutMs ?? env().HUB_UPSTREAM_TIMEOUT_MS };
}
