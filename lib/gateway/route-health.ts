import { env } from "../env";
import type { UpstreamError } from "../providers/upstream-error";
import { processSingleton } from "../singleton";

// Which upstream targets (a deployment with one credential) to avoid for a while. A 429 cools the
// target down at once, for as long as the provider's Retry-After says (else HUB_COOLDOWN_MS); other
// transient failures (5xx, timeouts, refused connections) cool it down after
// HUB_COOLDOWN_AFTER_FAILURES in a row, so one glitch does not take the only deployment offline.
// Kept per process: each process learns from its own calls.

const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Failures that say something about the provider (and that another deployment may not have): worth
 * trying the next one, and counted towards a cooldown. Only the provider's own evidence qualifies —
 * 408, 429, 5xx, timeouts and refused or reset connections; never what the request caused itself
 * (400, 404, 409, 413, 422, a body the hub could not encode), or one tenant could take a shared
 * deployment offline for everyone.
 */
export function isRetryable(error: UpstreamError): boolean {
  if (error.kind === "timeout" || error.kind === "connection") return true;
  if (error.kind !== "http" || error.status === null) return false;
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/** The provider refused the call for its credential: the credential is a suspect, until its probe says (credential-health.ts). */
export function isAuthFailure(error: UpstreamError): boolean {
  return error.kind === "http" && (error.status === 401 || error.status === 403);
}

class RouteHealth {
  private cooldowns = new Map<string, number>();
  private failures = new Map<string, number>();

  /** Milliseconds until the target may be used again (0: now). */
  coolingFor(key: string, now = Date.now()): number {
    const until = this.cooldowns.get(key);
    if (until === undefined) return 0;
    if (until <= now) {
      this.cooldowns.delete(key);
      return 0;
    }
    return until - now;
  }

  /** Returns how long the target is now cooling down (0: not at all). */
  recordFailure(key: string, error: UpstreamError, now = Date.now()): number {
    const { HUB_COOLDOWN_MS, HUB_COOLDOWN_AFTER_FAILURES } = env();
    if (error.kind === "http" && error.status === 429) {
      const ms = error.retryAfter !== null ? Math.min(error.retryAfter * 1000, MAX_RETRY_AFTER_MS) : HUB_COOLDOWN_MS;
      this.cooldowns.set(key, now + ms);
      this.failures.delete(key);
      return ms;
    }
    const count = (this.failures.get(key) ?? 0) + 1;
    if (count < HUB_COOLDOWN_AFTER_FAILURES) {
      this.failures.set(key, count);
      return 0;
    }
    this.failures.delete(key);
    this.cooldowns.set(key, now + HUB_COOLDOWN_MS);
    return HUB_COOLDOWN_MS;
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }
}

export const routeHealth = processSingleton("route-health", () => new RouteHealth());
