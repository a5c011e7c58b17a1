import { env } from "../env";
import { adapterFor, supportedProviderTypes } from "../providers";
import type { ProviderAdapter, UpstreamTarget } from "../providers/types";
import type { Principal } from "./authenticate";
import type { RouteFacts } from "./call-record";
import { GatewayError } from "./errors";
import { registry, type ModelEntry, type ModelType } from "./registry";

/** A resolved call: which adapter to use and where to send it. */
export interface Route {
  adapter: ProviderAdapter;
  target: UpstreamTarget;
  timeoutMs: number;
  facts: RouteFacts;
}

const ENDPOINT_OF: Record<ModelType, string> = { chat: "/v1/chat/completions", embedding: "/v1/embeddings", image: "/v1/images/generations" };

const notFound = (model: string) =>
  new GatewayError({
    status: 404,
    type: "not_found_error",
    code: "model_not_found",
    param: "model",
    message: `The model '${model}' does not exist or is not enabled on this hub.`,
  });

const unavailable = (message: string) => new GatewayError({ status: 503, type: "service_unavailable", code: "no_available_deployment", message });

/**
 * "model" → a deployment: a registered public name or alias first, else "<provider>/<upstream-model>"
 * sent straight to that provider. Checks that the key may use the model and that it fits the endpoint.
 */
export async function resolveRoute(principal: Principal, requested: string, type: ModelType): Promise<Route> {
  const reg = await registry();
  const model: ModelEntry | undefined = reg.models.get(requested);
  let deployment = model?.deployments[0];
  let registered = model ?? null;

  if (!model) {
    const slash = requested.indexOf("/");
    const provider = slash > 0 ? reg.providers.get(requested.slice(0, slash)) : undefined;
    if (!provider?.enabled || slash === requested.length - 1) throw notFound(requested);
    registered = reg.byDeployment.get(requested) ?? null;
    deployment = { id: "", provider, credential: null, upstreamModel: requested.slice(slash + 1), priority: 0, weight: 1 };
  }
  if (!principal.allowedModels(requested) && !(registered && principal.allowedModels(registered.name))) {
    throw new GatewayError({
      status: 403,
      type: "permission_error",
      code: "model_not_allowed",
      param: "model",
      message: `This API key is not allowed to use the model '${requested}'.`,
    });
  }
  if (registered && registered.type !== type) {
    throw new GatewayError({
      status: 400,
      type: "invalid_request_error",
      code: "wrong_model_type",
      param: "model",
      message: `The model '${requested}' is a ${registered.type} model; call ${ENDPOINT_OF[registered.type]} instead.`,
    });
  }
  if (!deployment) throw unavailable(`The model '${requested}' has no enabled deployment.`);

  const { provider } = deployment;
  if (!supportedProviderTypes().includes(provider.type)) throw unavailable(`The provider '${provider.name}' has an unsupported type (${provider.type}).`);
  const adapter = adapterFor(provider.type);
  const credential = deployment.credential ?? provider.credentials[0] ?? null;
  if (adapter.requiresApiKey && !credential) throw unavailable(`The provider '${provider.name}' has no usable credential.`);

  return {
    adapter,
    target: { provider, credential, upstreamModel: deployment.upstreamModel },
    timeoutMs: provider.config.timeoutMs ?? env().HUB_UPSTREAM_TIMEOUT_MS,
    facts: {
      modelId: registered?.id ?? null,
      providerId: provider.id,
      providerName: provider.name,
      credentialId: credential?.id ?? null,
      upstreamModel: deployment.upstreamModel,
      price: registered?.price ?? null,
    },
  };
}
