import { emit } from "../alerts/emit";
import { bumpConfigVersion, changeFeed } from "../db/change-feed";
import { db } from "../db/client";
import { env } from "../env";
import { log } from "../log";
import { adapterFor } from "../providers";
import type { UpstreamCredential, UpstreamProvider } from "../providers/types";
import { UpstreamError } from "../providers/upstream-error";
import { processSingleton } from "../singleton";
import { openCredential } from "../crypto/credentials";
import { upstreamProvider } from "./registry";
import { describeFailure } from "./upstream-failure";
import { transaction } from "../db/transaction";
import { isAuthFailure } from "./route-health";

// A call the provider refuses with 401/403 makes its credential a suspect, not a culprit: a 403 may
// be about one model the account lacks (and a tenant picks the model). The provider's known-good
// probe (its cheapest call, e.g. listing models) decides: refused too → the credential is suspended
// (this process stops using it at once, the database row says so and every other process drops it on
// its next config poll, and a background recheck tries it until it works again); passing → only that
// call is refused, and nothing shared changes.

/** What the provider's known-good probe says about a credential. */
export type ProbeVerdict = "refused" | "works" | "inconclusive";

const PROBE_TIMEOUT_MS = 15_000;
/** A credential whose probe passed is trusted this long without another: a tenant provoking 401/403s cannot turn probes into load. */
const TRUSTED_FOR_MS = 60_000;

/** The model a probe may need (Bedrock checks against one): the provider's oldest deployment's, never the caller's. */
async function probeModel(providerId: string): Promise<string> {
  const deployment = await db().deployment.findFirst({ where: { providerId }, orderBy: { createdAt: "asc" }, select: { upstreamModel: true } });
  return deployment?.upstreamModel ?? "";
}

/** The provider's cheapest real call with the credential; throws what the provider answered. */
async function testCredential(provider: UpstreamProvider, credential: UpstreamCredential): Promise<void> {
  await adapterFor(provider.type).testConnection(
    { provider, credential, upstreamModel: await probeModel(provider.id) },
    { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), timeoutMs: PROBE_TIMEOUT_MS },
  );
}

class CredentialHealth {
  /** suspended here but possibly not yet in this process's registry snapshot */
  private suspended = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private subscribed = false;
  /** one probe in flight per credential: concurrent suspects share its verdict */
  private probes = new Map<string, Promise<ProbeVerdict>>();
  private trustedUntil = new Map<string, number>();

  isSuspended(credentialId: string): boolean {
    return this.suspended.has(credentialId);
  }

  /** Whether the provider refuses the credential itself, or only the call that made it a suspect. */
  probe(provider: UpstreamProvider, credential: UpstreamCredential): Promise<ProbeVerdict> {
    if ((this.trustedUntil.get(credential.id) ?? 0) > Date.now()) return Promise.resolve("works");
    let pending = this.probes.get(credential.id);
    if (!pending) {
      pending = this.runProbe(provider, credential).finally(() => this.probes.delete(credential.id));
      this.probes.set(credential.id, pending);
    }
    return pending;
  }

  private async runProbe(provider: UpstreamProvider, credential: UpstreamCredential): Promise<ProbeVerdict> {
    try {
      await testCredential(provider, credential);
    } catch (error) {
      if (error instanceof UpstreamError && isAuthFailure(error)) return "refused";
      log.warn({ provider: provider.name, credentialId: credential.id, reason: describeFailure(error, credential) }, "credential probe inconclusive; not suspending");
      return "inconclusive";
    }
    this.trustedUntil.set(credential.id, Date.now() + TRUSTED_FOR_MS);
    return "works";
  }

  async suspend(credential: UpstreamCredential, providerName: string, error: UpstreamError): Promise<void> {
    if (this.suspended.has(credential.id)) return;
    if (!this.subscribed) {
      this.subscribed = true;
      // the next registry snapshot knows the database's status; the bridge is no longer needed
      changeFeed.subscribe(() => this.suspended.clear());
    }
    this.suspended.add(credential.id);
    this.trustedUntil.delete(credential.id);
    const reason = describeFailure(error, credential);
    log.warn({ provider: providerName, credentialId: credential.id, reason }, "upstream refused a credential; suspending it");
    const suspended = await transaction(async (tx) => {
      const { count } = await tx.credential.updateMany({ where: { id: credential.id, status: "active" }, data: { status: "suspended", lastError: reason, lastCheckedAt: new Date() } });
      await bumpConfigVersion(tx);
      if (!count) return null;
      // the provider is down once none of its credentials is left active
      const row = await tx.credential.findUniqueOrThrow({ where: { id: credential.id }, select: { name: true, provider: { select: { enabled: true, credentials: { select: { status: true } } } } } });
      return { name: row.name, providerDown: row.provider.enabled && row.provider.credentials.every((c) => c.status !== "active"), credentials: row.provider.credentials.length };
    }).catch((e: Error) => {
      log.error({ credentialId: credential.id, err: e.message }, "could not record the suspended credential");
      return null;
    });
    // only the process whose update moved the row alerts: one alert per suspension, however many noticed
    if (!suspended) return;
    emit("credential.suspended", { provider: providerName, credentialId: credential.id, credential: suspended.name, reason });
    if (suspended.providerDown) emit("provider.down", { provider: providerName, credentials: suspended.credentials });
  }

  /** Tries every suspended credential once; reactivates the ones that work. */
  async recheck(): Promise<{ reactivated: string[]; stillFailing: string[] }> {
    const reactivated: string[] = [];
    const stillFailing: string[] = [];
    const rows = await db().credential.findMany({ where: { status: "suspended" }, include: { provider: true } });
    for (const row of rows) {
      const provider = upstreamProvider(row.provider);
      const credential = { id: row.id, secret: openCredential(row), weight: row.weight };
      try {
        await testCredential(provider, credential);
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
      emit("credential.recovered", { provider: provider.name, credentialId: credential.id, credential: row.name });
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
