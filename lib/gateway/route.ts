import { env } from "../env";
import { adapterFor, supportedProviderTypes } from "../providers";
import type { ProviderAdapter, UpstreamTarget } from "../providers/types";
import type { Principal } from "./authenticate";
import { ApiError } from "../http/api-error";
import { balancer } from "./route-balancer";
import { settings } from "../settings";
import { directPrice, registry, type DeploymentEntry, type ModelEntry, type ModelType, type Registry } from "./registry";
import { type ModelPrice } from "../billing/cost";

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

const ENDPOINT_OF: Record<ModelType, string> = { chat: "/v1/chat/completions", embedding: "/v1/embeddings", image: "/v1/images/generations" };

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
async function directRoute(reg: Registry, requested: string): Promise<{ deployment: DeploymentEntry; model: ModelEntry | null; price: ModelPrice | null }> {
  const config = await settings();
  const slash = requested.indexOf("/");
  const provider = slash > 0 ? reg.providers.get(requested.slice(0, slash)) : undefined;
  if (!config.directRouting || !provider?.enabled || slash === requested.length - 1 || reg.withdrawn.has(requested)) throw notFound(requested);
  const model = reg.byDeployment.get(requested) ?? null;
  if (config.mode === "service_provider" && !model?.price) throw notFound(requested);
  const deployment: DeploymentEntry = { id: "", provider, credential: null, upstreamModel: requested.slice(slash + 1), priority: 0, weight: 1 };
  return { deployment, model, price: model?.price ?? directPrice(reg, provider, deployment.upstreamModel) };
}

/**
 * "model" → where to send it: a registered public name or alias (its deployments), else
 * "<provider>/<upstream-model>" straight to that provider (see directRoute). Checks that the key may
 * use the model and that the model fits the endpoint.
 */
export async function planRoute(principal: Principal, requested: string, type: ModelType): Promise<RoutePlan> {
  const reg = await registry();
  let model = reg.models.get(requested) ?? null;
  let deployments: () => Generator<DeploymentEntry>;
  let price: ModelPrice | null = model?.price ?? null;

  if (model) {
    const registered = model;
    deployments = () => orderedDeployments(registered);
  } else {
    const direct = await directRoute(reg, requested);
    ({ model, price } = direct);
    deployments = function* () {
      yield direct.deployment;
    };
  }
  if (!principal.allowedModels(requested) && !(model && principal.allowedModels(model.name))) {
    throw new ApiError({
      status: 403,
      type: "permission_error",
      code: "model_not_allowed",
      param: "model",
      message: `This API key is not allowed to use the model '${requested}'.`,
    });
  }
  if (model && model.type !== type) {
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
