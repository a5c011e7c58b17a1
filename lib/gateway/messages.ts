import { countPromptTokens } from "../canonical/token-count";
import type { CountTokensRequest, MessagesRequest } from "../schemas/anthropic";
import { runChat } from "./chat";
import type { CallContext } from "./context";
import { toChatRequest } from "./protocols/anthropic/request";
import { AnthropicStreamEncoder, toAnthropicMessage } from "./protocols/anthropic/response";
import { relayStream, SSE_HEADERS } from "./relay/sse";
import { checkRateLimits } from "./rate-limit";
import { planRoute } from "./route";
import { costHeaders } from "./upstream-call";

// POST /v1/messages: Anthropic's Messages API, routed like any chat call to any provider and metered
// the same way; answers (and streams) in Anthropic's shapes.
export async function anthropicMessages(ctx: CallContext, body: MessagesRequest): Promise<Response> {
  const request = toChatRequest(body);
  const outcome = await runChat(ctx, request);
  if (!outcome.stream) return Response.json(toAnthropicMessage(outcome.completion, body.model), { headers: await costHeaders(ctx) });
  const stream = relayStream(ctx, outcome.chunks, {
    request,
    encoder: new AnthropicStreamEncoder(body.model, ctx.call.promptEstimate ?? 0),
    onUpstreamError: outcome.onUpstreamError,
  });
  return new Response(stream, { headers: SSE_HEADERS });
}

// POST /v1/messages/count_tokens: the prompt counted with the hub's tokenizer (o200k), not metered.
// Held to the key's model scope (403, as /v1/messages) and counted against its request limits: the
// tokenizer costs the hub CPU, and an answer about a model tells a key that the model exists.
export async function countMessageTokens(ctx: CallContext, body: CountTokensRequest): Promise<{ input_tokens: number }> {
  await planRoute(ctx.principal, body.model, "chat");
  ctx.call.rate = await checkRateLimits(ctx.principal, 0);
  return { input_tokens: await countPromptTokens(toChatRequest(body)) };
}
