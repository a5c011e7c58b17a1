import type { ResponsesRequest } from "../schemas/responses";
import { runChat } from "./chat";
import type { CallContext } from "./context";
import { chatRequestFromResponses } from "./protocols/responses/request";
import { ResponsesStreamEncoder, toResponse } from "./protocols/responses/response";
import { relayStream, SSE_HEADERS } from "./relay/sse";
import { costHeaders } from "./upstream-call";

// POST /v1/responses: OpenAI's Responses API, stateless (nothing is stored; previous_response_id is
// refused), routed like any chat call to any provider and metered the same way.
export async function createResponse(ctx: CallContext, body: ResponsesRequest): Promise<Response> {
  const request = chatRequestFromResponses(body);
  const outcome = await runChat(ctx, request);
  if (!outcome.stream) return Response.json(toResponse(outcome.completion, body), { headers: await costHeaders(ctx) });
  const stream = relayStream(ctx, outcome.chunks, { request, encoder: new ResponsesStreamEncoder(body), onUpstreamError: outcome.onUpstreamError });
  return new Response(stream, { headers: SSE_HEADERS });
}
