import { env } from "../env";
import { UpstreamError } from "../providers/upstream-error";
import type { CallContext } from "./context";
import { credentialHealth } from "./credential-health";
import { ApiError } from "../http/api-error";
import { isAuthFailure, isRetryable, routeHealth } from "./route-health";
import type { RoutePlan, Target } from "./route";
import { fromUpstreamError, modelAccessDenied } from "./upstream-failure";
import { counter } from "../metrics";
import { routeStats } from "./route-stats";

// Tries a call on the plan's targets in order until one answers. Fallback happens only on failures
// another target may not have (429, 5xx, timeouts, refused connections), which also count towards the
// target's cooldown, and on a credential the provider refuses (suspended once its probe confirms it).
// A failure the request caused (4xx, a body the hub cannot encode, one model the credential may not
// use) fails at once and moves no shared state. Streams call this only up to their first chunk, so
// nothing is retried once a byte has reached the client.

const upstreamErrors = counter({ name: "hub_upstream_errors_total", help: "Failed upstream attempts, by provider and kind", labelNames: ["provider", "kind"] });

export function failureOf(target: Target, error: UpstreamError): ApiError {
  return fromUpstreamError(error, target.upstream.provider.name, target.upstream.credential, target.timeoutMs);
}

export async function withFailover<T>(ctx: CallContext, plan: RoutePlan, run: (target: Target) => Promise<T>): Promise<{ value: T; target: Target }> {
  let served: Target | null = null;
  try {
    const result = await tryTargets(ctx, plan, run);
    served = result.target;
    return result;
  } finally {
    plan.settle(served);
  }
}

async function tryTargets<T>(ctx: CallContext, plan: RoutePlan, run: (target: Target) => Promise<T>): Promise<{ value: T; target: Target }> {
  const maxAttempts = env().HUB_MAX_ATTEMPTS;
  let lastFailure: ApiError | null = null;
  let soonestCooldown = Infinity;
  // a provider that failed with 5xx or a timeout fails for every credential: go to the next deployment
  const failedDeployments = new Set<string>();

  for (const target of plan.targets()) {
    if (ctx.call.attempts >= maxAttempts) break;
    const credential = target.upstream.credential;
    if (credential && credentialHealth.isSuspended(credential.id)) continue;
    const deploymentKey = target.deploymentId ?? target.upstream.provider.id;
    if (failedDeployments.has(deploymentKey)) continue;
    const cooling = routeHealth.coolingFor(target.key);
    if (cooling > 0) {
      soonestCooldown = Math.min(soonestCooldown, cooling);
      continue;
    }

    ctx.call.attempts++;
    ctx.call.route = {
      modelId: plan.model?.id ?? null,
      deploymentId: target.deploymentId,
      providerId: target.upstream.provider.id,
      providerName: target.upstream.provider.name,
      credentialId: credential?.id ?? null,
      upstreamModel: target.upstream.upstreamModel,
      price: plan.price,
    };
    ctx.call.trace?.startAttempt({
      number: ctx.call.attempts,
      providerType: target.upstream.provider.type,
      providerName: target.upstream.provider.name,
      providerId: target.upstream.provider.id,
      credentialId: credential?.id ?? null,
      deploymentId: target.deploymentId,
      upstreamModel: target.upstream.upstreamModel,
    });
    const release = routeStats.start(target.key);
    const attemptStarted = performance.now();
    try {
      const value = await run(target);
      // a stream's run ends at its first chunk: for streams and answers alike, the time to first byte
      routeStats.recordTtfb(target.key, performance.now() - attemptStarted);
      ctx.call.whenFinished(release);
      routeHealth.recordSuccess(target.key);
      // a stream's attempt lasts until the stream ends (the call's finish ends it)
      if (!ctx.call.stream) ctx.call.trace?.endAttempt();
      return { value, target };
    } catch (error) {
      release();
      ctx.call.trace?.endAttempt(
        error instanceof UpstreamError ? { errorKind: error.kind, status: error.status, errorCode: error.code } : { errorKind: error instanceof ApiError ? (error.code ?? "error") : "internal" },
      );
      if (!(error instanceof UpstreamError)) throw error;
      upstreamErrors.inc({ provider: target.upstream.provider.name, kind: error.kind });
      const failure = failureOf(target, error);
      if (error.kind === "aborted" || ctx.abort.signal.aborted) throw failure;
      if (isAuthFailure(error) && credential) {
        const verdict = await credentialHealth.probe(target.upstream.provider, credential);
        if (verdict === "works") throw modelAccessDenied(error, target.upstream.provider.name, target.upstream.upstreamModel, credential);
        if (verdict === "inconclusive") throw failure;
        await credentialHealth.suspend(credential, target.upstream.provider.name, error);
      } else if (isRetryable(error)) {
        routeHealth.recordFailure(target.key, error);
        if (error.status !== 429) failedDeployments.add(deploymentKey);
      } else {
        throw failure;
      }
      lastFailure = failure;
    }
  }

  if (lastFailure) throw lastFailure;
  if (soonestCooldown < Infinity) {
    const seconds = Math.max(1, Math.ceil(soonestCooldown / 1000));
    throw new ApiError({
      status: 429,
      type: "rate_limit_error",
      code: "all_deployments_cooling_down",
      message: `Every deployment of '${plan.requested}' is cooling down after upstream rate limits or failures; retry in ${seconds} s.`,
      headers: { "retry-after": String(seconds) },
    });
  }
  throw new ApiError({
    status: 503,
    type: "service_unavailable",
    code: "no_available_deployment",
    message: `The model '${plan.requested}' has no enabled deployment with a usable credential.`,
  });
}
