import type { ImagesResponse } from "../canonical/completion";
import { NO_USAGE } from "../canonical/usage";
import type { ImagesRequest } from "../canonical/schema";
import type { CallContext } from "./context";
import { unsupported } from "./errors";
import { roughTextTokens } from "../canonical/token-count";
import { withFailover } from "./failover";
import { admit, DEAREST_IMAGE_TOKENS } from "./policy";
import { refuseUnpricedImages } from "./price-levers";
import { Reply } from "../http/reply";
import { planRoute } from "./route";
import { callOptions, costHeaders } from "./upstream-call";

/** An image request through the pipeline (route → admission → upstream with failover), metered. */
export async function runImages(ctx: CallContext, request: ImagesRequest): Promise<ImagesResponse> {
  ctx.call.requestedModel = request.model;
  const plan = await planRoute(ctx, request.model, "image");
  refuseUnpricedImages(request, plan.price);
  // image APIs take no output cap: token-priced image models (gpt-image, Gemini) are held for their
  // dearest image (or the model's maximum output per image), per-image prices per image
  const n = request.n ?? 1;
  await admit(ctx, plan, { promptTokens: roughTextTokens(request.prompt), outputTokens: (plan.model?.maxOutputTokens ?? DEAREST_IMAGE_TOKENS) * n, images: n });
  const { value: result } = await withFailover(ctx, plan, (target) => {
    if (!target.adapter.generateImages) throw unsupported(target.upstream.provider.name, "image generation");
    return target.adapter.generateImages(request, target.upstream, callOptions(ctx, target));
  });
  ctx.call.units.images = result.data?.length ?? 0;
  // gpt-image models also bill the tokens of the prompt and the image
  if (result.usage) ctx.call.usage = { ...NO_USAGE, promptTokens: result.usage.input_tokens, completionTokens: result.usage.output_tokens };
  return result;
}

// POST /v1/images/generations
export async function generateImages(ctx: CallContext, request: ImagesRequest): Promise<Reply> {
  const result = await runImages(ctx, request);
  return Reply.json(result, await costHeaders(ctx));
}
