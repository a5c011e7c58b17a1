import { NO_USAGE } from "../canonical/usage";
import type { EmbeddingsRequest } from "../canonical/schema";
import type { CallContext } from "./context";
import { unsupported } from "./errors";
import { roughTextTokens } from "../canonical/token-count";
import { withFailover } from "./failover";
import { admit } from "./policy";
import { refuseUnpricedEmbeddings } from "./price-levers";
import { Reply } from "../http/reply";
import { planRoute } from "./route";
import { callOptions, costHeaders } from "./upstream-call";

// POST /v1/embeddings
export async function createEmbeddings(ctx: CallContext, request: EmbeddingsRequest): Promise<Reply> {
  ctx.call.requestedModel = request.model;
  refuseUnpricedEmbeddings(request);
  const plan = await planRoute(ctx, request.model, "embedding");
  const inputs = typeof request.input === "string" ? [request.input] : request.input.map((i) => (typeof i === "string" ? i : JSON.stringify(i)));
  const promptTokens = inputs.reduce((sum, input) => sum + roughTextTokens(input), 0);
  await admit(ctx, plan, { promptTokens, outputTokens: 0, images: 0 });
  const { value: result } = await withFailover(ctx, plan, (target) => {
    if (!target.adapter.embeddings) throw unsupported(target.upstream.provider.name, "embeddings");
    return target.adapter.embeddings(request, target.upstream, callOptions(ctx, target));
  });
  ctx.call.usage = { ...NO_USAGE, promptTokens: result.usage?.prompt_tokens ?? 0 };
  return Reply.json({ ...result, model: request.model }, await costHeaders(ctx));
}
