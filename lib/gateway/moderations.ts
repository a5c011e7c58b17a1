import type { ModerationRequest } from "../canonical/audio";
import { roughTextTokens } from "../canonical/token-count";
import { NO_USAGE } from "../canonical/usage";
import { Reply } from "../http/reply";
import type { CallContext } from "./context";
import { unsupported } from "./errors";
import { withFailover } from "./failover";
import { admit } from "./policy";
import { refuseUnpricedModeration } from "./price-levers";
import { planRoute } from "./route";
import { callOptions, costHeaders } from "./upstream-call";

/** The text a moderation request asks about (images count as what they are: one unit each). */
function inputsOf(request: ModerationRequest): { text: string; images: number } {
  if (typeof request.input === "string") return { text: request.input, images: 0 };
  const parts = request.input.map((item) => (typeof item === "string" ? { type: "text" as const, text: item } : item));
  return {
    text: parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n"),
    images: parts.filter((p) => p.type === "image_url").length,
  };
}

// POST /v1/moderations: OpenAI does not charge for it, but the hub may (input tokens, like embeddings)
export async function createModeration(ctx: CallContext, request: ModerationRequest): Promise<Reply> {
  ctx.call.requestedModel = request.model;
  refuseUnpricedModeration(request);
  const plan = await planRoute(ctx, request.model, "moderation");
  const { text, images } = inputsOf(request);
  const promptTokens = roughTextTokens(text);
  await admit(ctx, plan, { promptTokens, outputTokens: 0, images });
  const { value: result } = await withFailover(ctx, plan, (target) => {
    if (!target.adapter.moderate) throw unsupported(target.upstream.provider.name, "moderation");
    return target.adapter.moderate(request, target.upstream, callOptions(ctx, target));
  });
  // the upstream reports no usage: the input is counted by the hub
  ctx.call.usage = { ...NO_USAGE, promptTokens };
  ctx.call.usageSource = "estimated";
  ctx.call.units.images = images;
  return Reply.json({ ...result, model: request.model }, await costHeaders(ctx));
}
