import { env } from "../env";
import { adapterFor, supportedProviderTypes } from "../providers";
import type { ProviderAdapter, UpstreamTarget } from "../providers/types";
import type { Principal } from "./authenticate";
import { ApiError } from "../http/api-error";
import { balancer } from "./route-balancer";
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

/** Deployments by priority tier, each tier balanced by weight (smooth weighted round-robin). */
function* orderedDeployments(model: ModelEntry): Generator<DeploymentEntry> {
  const tiers = new Map<number, DeploymentEntry[]>();
  for (const d of model.deployments) tiers.set(d.priority, [...(tiers.get(d.priority) ?? []), d]);
  for (const priority of [...tiers.keys()].sort((a, b) => a - b)) {
    yield* balancer.order(`model:${model.id}:${priority}`, tiers.get(priority)!);
  }
}

function* targetsOf(deployment: DeploymentEntry): Generator<Target> {
  const { provider } = deployment;
  if (!supportedProviderTypes().includes(provider.type)) return;
  const adapter = adapterFor(provider.type);
  const timeoutMs = provider.config.timeoutMs ?? env().HUB_UPSTREAM_TIMEOUT_MS;
  const credentials = deployment.credential ? [deployment.credential] : balancer.order(`provider:${provider.id}`, provider.credentials);
  const base = deployment.id || `${provider.id}/${deployment.upstreamModel}`;
  if (credentials.length === 0 && adapter.credential === "optional_api_key") {
    yield { key: base, deploymentId: deployment.id || null, adapter, upstream: { provider, credential: null, upstreamModel: deployment.upstreamModel }, timeoutMs };
  }
  for (const credential of credentials) {
    yield { key: `${base}:${credential.id}`, deploymentId: deployment.id || null, adapter, upstream: { provider, credential, upstreamModel: deployment.upstreamModel }, timeoutMs };
  }
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
  return { deployment: { id: "", provider, credential: null, upstreamModel: requested.slice(slash + 1), priority: 0, weight: 1 }, model };
}

/** The caller's customer group, from the snapshot (a group deleted since the key was cached is none). */
export const groupOf = (reg: Registry, principal: Principal): GroupEntry | null => (principal.groupId ? (reg.groups.get(principal.groupId) ?? null) : null);

const allows = (matcher: ModelMatcher, requested: string, model: ModelEntry | null) => matcher(requested) || (model !== null && matcher(model.name));

const notAllowed = (message: string) => new ApiError({ status: 403, type: "permission_error", code: "model_not_allowed", param: "model", message });

/** Whether the caller may use a model by this name: both its key's list and its group's list allow it. */
export const mayUse = (principal: Principal, group: GroupEntry | null, requested: string, model: ModelEntry | null = null) =>
  allows(principal.allowedModels, requested, model) && (!group || allows(group.allowedModels, requested, model));

/**
 * "model" → where to send it: a registered public name or alias (its deployments), else
 * "<provider>/<upstream-model>" straight to that provider (see directRoute). Checks that the key and
 * the caller's group may use the model and that the model fits the endpoint, and prices the call for
 * this caller (their group's margin) at the price in force when the call started. A null type asks
 * only whether the caller may reach the model at all (the AIGNE Hub protocol's status check).
 */
export async function planRoute(ctx: Pick<CallContext, "principal" | "call">, requested: string, type: ModelType | null): Promise<RoutePlan> {
  const { principal } = ctx;
  const at = ctx.call.startedAt;
  const reg = await registry();
  const group = groupOf(reg, principal);
  let model = reg.models.get(requested) ?? null;
  let deployments: () => Generator<DeploymentEntry>;
  let price: ModelPrice | null;

  if (model) {
    const registered = model;
    deployments = () => orderedDeployments(registered);
    price = customerPrice(model, at, group);
  } else {
    const direct = await directRoute(reg, requested, at);
    model = direct.model;
    price = (model && customerPrice(model, at, group)) ?? directPrice(reg, direct.deployment.provider, direct.deployment.upstreamModel);
    deployments = function* () {
      yield direct.deployment;
    };
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
  return {
    requested,
    model,
    price,
    *targets() {
      for (const deployment of deployments()) yield* targetsOf(deployment);
    },
  };
}
