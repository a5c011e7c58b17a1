import { env } from "../env";
import { adapterFor, supportedProviderTypes } from "../providers";
import type { ProviderAdapter, UpstreamTarget } from "../providers/types";
import type { Principal } from "./authenticate";
import { ApiError } from "../http/api-error";
import { balancer } from "./route-balancer";
import { affinityKey, affinityPins } from "./affinity";
import { credentialHealth } from "./credential-health";
import { routeHealth } from "./route-health";
import { rankBy, routeStats, type DecisionCandidate, type RoutingStrategy } from "./route-stats";
import { settings } from "../settings";
import { directPrice, registry, type DeploymentEntry, type GroupEntry, type ModelEntry, type ModelType, type Registry } from "./registry";
import { type ModelPrice } from "../billing/cost";
import { customerPrice, priceInForce } from "../billing/customer-price";
import type { CallContext } from "./context";
import type { ModelMatcher } from "../model-patterns";

/** One way to serve the call: a deployment with one credential. */
export interface Target {
  /** what cooldowns are kept by: the deployment (or direct model) and the credential */
  key: string;
  deploymentId: string | null;
  adapter: ProviderAdapter;
  upstream: UpstreamTarget;
  timeoutMs: number;
}

/** Where a call may go, in the order to try. */
export interface RoutePlan {
  requested: string;
  model: ModelEntry | null;
  price: ModelPrice | null;
  targets(): Generator<Target>;
  /** The target that served the call (null: none did): logged as the model's routing decision, and pinned for the call's affinity. */
  settle(served: Target | null): void;
}

const ENDPOINT_OF: Record<ModelType, string> = {
  chat: "/v1/chat/completions",
  embedding: "/v1/embeddings",
  image: "/v1/images/generations",
  transcription: "/v1/audio/transcriptions",
  speech: "/v1/audio/speech",
  moderation: "/v1/moderations",
  video: "/v1/videos",
};

const notFound = (model: string) =>
  new ApiError({
    status: 404,
    type: "not_found_error",
    code: "model_not_found",
    param: "model",
    message: `The model '${model}' does not exist or is not enabled on this hub.`,
  });

/** A target in a plan, with what its strategy ranked it by (for the decisions log). */
interface Candidate {
  target: Target;
  /** the strategy's number for it (the weight, under "priority") */
  value: number | null | undefined;
}

interface Ranking {
  /** where targets the strategy has no number for go: first to measure them, or last */
  unknown: "first" | "last";
  value(reg: Registry, deployment: DeploymentEntry, target: Target): number | null | undefined;
  label(value: number | null | undefined): string;
  reason(value: number | null | undefined): string;
}

/**
 * A deployment's cost per 1M input tokens plus 1M output tokens, nano-USD: the operator's figures,
 * else the provider's reference price; null when neither is known.
 */
function deploymentCost(reg: Registry, deployment: DeploymentEntry): number | null {
  const { inputNanoUsdPer1M: input, outputNanoUsdPer1M: output } = deployment;
  if (input !== null || output !== null) return Number((input ?? 0n) + (output ?? 0n));
  const reference = directPrice(reg, deployment.provider, deployment.upstreamModel);
  return reference ? Number(reference.inputNanoUsdPer1M + reference.outputNanoUsdPer1M) : null;
}

const usd = (nanoUsd: number) => `$${(nanoUsd / 1e9).toFixed(2)}`;

const RANKINGS: Record<Exclude<RoutingStrategy, "priority">, Ranking> = {
  latency: {
    unknown: "first",
    value: (_reg, _d, target) => routeStats.ttfbOf(target.key),
    label: (ms) => (ms == null ? "unmeasured" : `${Math.round(ms)} ms`),
    reason: (ms) => (ms == null ? "unmeasured: measuring it" : `lowest ttfb ${Math.round(ms)} ms`),
  },
  price: {
    unknown: "last",
    value: (reg, deployment) => deploymentCost(reg, deployment),
    label: (cost) => (cost == null ? "no price" : `${usd(cost)}/1M in+out`),
    reason: (cost) => (cost == null ? "no deployment has a price" : `lowest price ${usd(cost)}/1M in+out`),
  },
  least_busy: {
    unknown: "last",
    value: (_reg, _d, target) => routeStats.busy(target.key),
    label: (n) => `${n ?? 0} in flight`,
    reason: (n) => `least busy: ${n ?? 0} in flight`,
  },
};

/**
 * A model's targets in the order to try them. Priority tiers come first to last whatever the strategy;
 * inside a tier, "priority" balances deployments by weight (smooth weighted round-robin) and the other
 * strategies rank the tier's targets by their number, ties kept in round-robin order.
 */
function* orderedTargets(reg: Registry, model: ModelEntry, seen: Candidate[]): Generator<Target> {
  const tiers = new Map<number, DeploymentEntry[]>();
  for (const d of model.deployments) tiers.set(d.priority, [...(tiers.get(d.priority) ?? []), d]);
  for (const priority of [...tiers.keys()].sort((a, b) => a - b)) {
    const deployments = balancer.order(`model:${model.id}:${priority}`, tiers.get(priority)!);
    if (model.routingStrategy === "priority") {
      for (const deployment of deployments) {
        for (const target of targetsOf(deployment)) {
          seen.push({ target, value: deployment.weight });
          yield target;
        }
      }
      continue;
    }
    const ranking = RANKINGS[model.routingStrategy];
    const measured = deployments.flatMap((d) => [...targetsOf(d)].map((target) => ({ target, value: ranking.value(reg, d, target) })));
    const ranked = rankBy(measured, (m) => m.value, ranking.unknown);
    seen.push(...ranked.map((m) => ({ target: m.target, value: m.value })));
    yield* ranked.map((m) => m.target);
  }
}

function* targetsOf(deployment: DeploymentEntry, balanced = true): Generator<Target> {
  const { provider } = deployment;
  if (!supportedProviderTypes().includes(provider.type)) return;
  const adapter = adapterFor(provider.type);
  const timeoutMs = provider.config.timeoutMs ?? env().HUB_UPSTREAM_TIMEOUT_MS;
  const credentials = deployment.credential ? [deployment.credential] : balanced ? balancer.order(`provider:${provider.id}`, provider.credentials) : provider.credentials;
  const base = deployment.id || `${provider.id}/${deployment.upstreamModel}`;
  if (credentials.length === 0 && adapter.credential === "optional_api_key") {
    yield { key: base, deploymentId: deployment.id || null, adapter, upstream: { provider, credential: null, upstreamModel: deployment.upstreamModel }, timeoutMs };
  }
  for (const credential of credentials) {
    yield { key: `${base}:${credential.id}`, deploymentId: deployment.id || null, adapter, upstream: { provider, credential, upstreamModel: deployment.upstreamModel }, timeoutMs };
  }
}

/** The target an affinity pin names, if it is still in the plan and healthy (not cooling down, its credential not suspended). */
function pinnedTarget(deployments: readonly DeploymentEntry[], key: string): Target | null {
  for (const deployment of deployments) {
    for (const target of targetsOf(deployment, false)) {
      if (target.key !== key) continue;
      const credential = target.upstream.credential;
      const healthy = routeHealth.coolingFor(key) === 0 && !(credential && credentialHealth.isSuspended(credential.id));
      return healthy ? target : null;
    }
  }
  return null;
}

const labelOf = (strategy: RoutingStrategy, value: number | null | undefined) => (strategy === "priority" ? `weight ${value}` : RANKINGS[strategy].label(value));

const describe = (strategy: RoutingStrategy, { target, value }: Candidate): DecisionCandidate => ({
  key: target.key,
  deploymentId: target.deploymentId,
  credentialId: target.upstream.credential?.id ?? null,
  providerName: target.upstream.provider.name,
  upstreamModel: target.upstream.upstreamModel,
  metric: labelOf(strategy, value),
});

/** Why the plan's strategy put the served target where it was. */
function reasonFor(strategy: RoutingStrategy, seen: Candidate[], served: Target | null, pinned: Target | null): string {
  if (!served) return "no target answered";
  if (served === pinned) return "affinity";
  const first = seen.find((c) => c.target.key !== pinned?.key);
  if (first?.target !== served) return "fallback: the targets before it were cooling down, suspended or failed";
  return strategy === "priority" ? "weighted round-robin" : RANKINGS[strategy].reason(first.value);
}

/**
 * A direct "<provider>/<upstream-model>" call, when the operator allows them (directModelRouting): an
 * enabled provider, never a model the operator disabled, and — where customers pay — only a model the
 * hub prices, charged at that price and its margin. Anything else is unknown to the caller (404).
 */
async function directRoute(reg: Registry, requested: string, at: Date): Promise<{ deployment: DeploymentEntry; model: ModelEntry | null }> {
  const config = await settings();
  const slash = requested.indexOf("/");
  const provider = slash > 0 ? reg.providers.get(requested.slice(0, slash)) : undefined;
  if (!config.directRouting || !provider?.enabled || slash === requested.length - 1 || reg.withdrawn.has(requested)) throw notFound(requested);
  const model = reg.byDeployment.get(requested) ?? null;
  if (config.mode === "service_provider" && !(model && priceInForce(model.prices, at))) throw notFound(requested);
  return {
    deployment: { id: "", provider, credential: null, upstreamModel: requested.slice(slash + 1), priority: 0, weight: 1, inputNanoUsdPer1M: null, outputNanoUsdPer1M: null },
    model,
  };
}

/** The caller's customer group, from the snapshot (a group deleted since the key was cached is none). */
export const groupOf = (reg: Registry, principal: Principal): GroupEntry | null => (principal.groupId ? (reg.groups.get(principal.groupId) ?? null) : null);

const allows = (matcher: ModelMatcher, requested: string, model: ModelEntry | null) => matcher(requested) || (model !== null && matcher(model.name));

const notAllowed = (message: string) => new ApiError({ status: 403, type: "permission_error", code: "model_not_allowed", param: "model", message });

/** Whether the caller may use a model by this name: both its key's list and its group's list allow it. */
export const mayUse = (principal: Principal, group: GroupEntry | null, requested: string, model: ModelEntry | null = null) =>
  allows(principal.allowedModels, requested, model) && (!group || allows(group.allowedModels, requested, model));

/**
 * "model" → where to send it: a registered public name or alias (its deployments, ordered by the
 * model's routing strategy), else "<provider>/<upstream-model>" straight to that provider (see
 * directRoute). Checks that the key and the caller's group may use the model and that the model fits
 * the endpoint, and prices the call for this caller (their group's margin) at the price in force when
 * the call started. A null type asks only whether the caller may reach the model at all (the AIGNE Hub
 * protocol's status check). With an affinity seed (affinity.ts), the target pinned to it goes first
 * while it is healthy, and whichever target serves the call is pinned to it.
 */
export async function planRoute(ctx: Pick<CallContext, "principal" | "call">, requested: string, type: ModelType | null, options: { affinity?: string | null } = {}): Promise<RoutePlan> {
  const { principal } = ctx;
  const at = ctx.call.startedAt;
  const reg = await registry();
  const group = groupOf(reg, principal);
  let model = reg.models.get(requested) ?? null;
  const registered = model;
  let deployments: DeploymentEntry[];
  let price: ModelPrice | null;

  if (registered) {
    deployments = registered.deployments;
    price = customerPrice(registered, at, group);
  } else {
    const direct = await directRoute(reg, requested, at);
    model = direct.model;
    price = (model && customerPrice(model, at, group)) ?? directPrice(reg, direct.deployment.provider, direct.deployment.upstreamModel);
    deployments = [direct.deployment];
  }
  if (!allows(principal.allowedModels, requested, model)) throw notAllowed(`This API key is not allowed to use the model '${requested}'.`);
  if (group && !allows(group.allowedModels, requested, model)) throw notAllowed(`Your plan does not include the model '${requested}'.`);
  if (model && type && model.type !== type) {
    throw new ApiError({
      status: 400,
      type: "invalid_request_error",
      code: "wrong_model_type",
      param: "model",
      message: `The model '${requested}' is a ${model.type} model; call ${ENDPOINT_OF[model.type]} instead.`,
    });
  }
  const pin = options.affinity ? affinityKey(principal, registered?.id ?? requested, options.affinity) : null;
  const pinnedKey = pin ? affinityPins.get(pin) : null;
  const pinned = pinnedKey ? pinnedTarget(deployments, pinnedKey) : null;
  const seen: Candidate[] = [];
  return {
    requested,
    model,
    price,
    *targets() {
      if (pinned) yield pinned;
      const ordered = registered ? orderedTargets(reg, registered, seen) : targetsOf(deployments[0]!);
      for (const target of ordered) if (target.key !== pinned?.key) yield target;
    },
    settle(served) {
      if (pin && served) affinityPins.pin(pin, served.key);
      if (!registered) return;
      const strategy = registered.routingStrategy;
      const chosen = served && (seen.find((c) => c.target.key === served.key) ?? { target: served, value: undefined });
      routeStats.record(registered.id, {
        at: new Date(),
        strategy,
        chosen: chosen ? describe(strategy, chosen) : null,
        candidates: seen.map((c) => describe(strategy, c)),
        reason: reasonFor(strategy, seen, served, pinned),
      });
    },
  };
}
