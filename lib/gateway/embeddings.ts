import type { EmbeddingsRequest } from "../schemas/openai";
import { NO_USAGE } from "../billing/cost";
import { callUpstream, costHeaders } from "./upstream-call";
import type { CallContext } from "./context";
import { resolveRoute } from "./route";

// POST /v1/embeddings
export async function createEmbeddings(ctx: CallContext, request: EmbeddingsRequest): Promise<Response> {
  ctx.call.requestedModel = request.model;
  const route = await resolveRoute(ctx.principal, request.model, "embedding");
  ctx.call.route = route.facts;
  const options = { signal: ctx.abort.signal, timeoutMs: route.timeoutMs };
  const result = await callUpstream(route, () => route.adapter.embeddings(request, route.target, options));
  ctx.call.usage = { ...NO_USAGE, promptTokens: result.usage?.prompt_tokens ?? 0 };
  return Response.json({ ...result, model: request.model }, { headers: await costHeaders(ctx) });
}
