import { usageFromOpenAI } from "../providers/usage";
import type { ChatRequest } from "../schemas/openai";
import type { CallContext } from "./context";
import { relayOpenAIStream, SSE_HEADERS } from "./relay/openai-sse";
import { resolveRoute } from "./route";
import { callUpstream, costHeaders, upstreamFailure } from "./upstream-call";

// POST /v1/chat/completions
export async function chatCompletions(ctx: CallContext, request: ChatRequest): Promise<Response> {
  ctx.call.requestedModel = request.model;
  const route = await resolveRoute(ctx.principal, request.model, "chat");
  ctx.call.route = route.facts;
  const options = { signal: ctx.abort.signal, timeoutMs: route.timeoutMs };

  if (!request.stream) {
    const completion = await callUpstream(route, () => route.adapter.chat(request, route.target, options));
    ctx.call.usage = usageFromOpenAI(completion.usage);
    return Response.json({ ...completion, model: request.model }, { headers: await costHeaders(ctx) });
  }

  ctx.call.stream = true;
  const chunks = await callUpstream(route, () => route.adapter.streamChat(request, route.target, options));
  const body = relayOpenAIStream(ctx, chunks, {
    request,
    includeUsage: request.stream_options?.include_usage === true,
    onUpstreamError: (error) => upstreamFailure(route, error),
  });
  return new Response(body, { headers: SSE_HEADERS });
}
