import { bumpConfigVersion, changeFeed } from "../config/change-feed";
import { db } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { adapterFor } from "../providers";
import type { UpstreamCredential } from "../providers/types";
import type { UpstreamError } from "../providers/upstream-error";
import { processSingleton } from "../singleton";
import { openCredential } from "../crypto/credentials";
import { upstreamProvider } from "./registry";
import { describeFailure } from "./upstream-failure";
import { transaction } from "../db/transaction";

// A credential the provider refuses (401/403) is suspended: this process stops using it at once,
// the database row says so (every other process drops it on its next config poll), and a background
// recheck tries it with the provider's cheapest call until it works again.

class CredentialHealth {
  /** suspended here but possibly not yet in this process's registry snapshot */
  private suspended = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private subscribed = false;

  isSuspended(credentialId: string): boolean {
    return this.suspended.has(credentialId);
  }

  async suspend(credential: UpstreamCredential, providerName: string, error: UpstreamError): Promise<void> {
    if (this.suspended.has(credential.id)) return;
    if (!this.subscribed) {
      this.subscribed = true;
      // the next registry snapshot knows the database's status; the bridge is no longer needed
      changeFeed.subscribe(() => this.suspended.clear());
    }
    this.suspended.add(credential.id);
    const reason = describeFailure(error, credential);
    log.warn({ provider: providerName, credentialId: credential.id, reason }, "upstream refused a credential; suspending it");
    await transaction(async (tx) => {
      await tx.credential.updateMany({ where: { id: credential.id, status: "active" }, data: { status: "suspended", lastError: reason, lastCheckedAt: new Date() } });
      await bumpConfigVersion(tx);
    }).catch((e: Error) => log.error({ credentialId: credential.id, err: e.message }, "could not record the suspended credential"));
  }

  /** Tries every suspended credential once; reactivates the ones that work. */
  async recheck(): Promise<{ reactivated: string[]; stillFailing: string[] }> {
    const reactivated: string[] = [];
    const stillFailing: string[] = [];
    const rows = await db().credential.findMany({
      where: { status: "suspended" },
      include: { provider: { include: { deployments: { take: 1, orderBy: { createdAt: "asc" } } } } },
    });
    for (const row of rows) {
      const provider = upstreamProvider(row.provider);
      const credential = { id: row.id, secret: openCredential(row), weight: row.weight };
      try {
        // providers whose cheapest check needs a model (Bedrock) use one this provider serves
        await adapterFor(provider.type).testConnection(
          { provider, credential, upstreamModel: row.provider.deployments[0]?.upstreamModel ?? "" },
          { signal: AbortSignal.timeout(15_000), timeoutMs: 15_000 },
        );
      } catch (error) {
        stillFailing.push(credential.id);
        await db().credential.update({ where: { id: credential.id }, data: { lastError: describeFailure(error, credential), lastCheckedAt: new Date() } });
        continue;
      }
      await transaction(async (tx) => {
        await tx.credential.update({ where: { id: credential.id }, data: { status: "active", lastError: null, lastCheckedAt: new Date() } });
        await bumpConfigVersion(tx);
      });
      this.suspended.delete(credential.id);
      reactivated.push(credential.id);
      log.info({ provider: provider.name, credentialId: credential.id }, "suspended credential works again; reactivated");
    }
    if (reactivated.length) changeFeed.invalidate();
    return { reactivated, stillFailing };
  }

  /** Starts the periodic recheck in this process (the server). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.recheck().catch((e: Error) => log.error({ err: e.message }, "credential recheck failed"));
    }, env().HUB_CREDENTIAL_RECHECK_MS);
    this.timer.unref();
  }
}

export const credentialHealth = processSingleton("credential-health", () => new CredentialHealth());
