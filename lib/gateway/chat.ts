import type { ChatCompletion, ChatCompletionChunk } from "../canonical/completion";
import type { UpstreamError } from "../providers/upstream-error";
import { usageFromOpenAI } from "../canonical/usage";
import type { ChatRequest } from "../canonical/schema";
import type { CallContext } from "./context";
import { roughPromptTokens } from "../canonical/token-count";
import { maxOutputTokens, withOutputCap } from "../canonical/request";
import { failureOf, withFailover } from "./failover";
import { admit, heldOutputTokens } from "./policy";
import { refuseUnpricedChat } from "./price-levers";
import type { ApiError } from "../http/api-error";
import type { ChatProtocol } from "./protocols/chat-protocol";
import { relayStream, SSE_HEADERS } from "./relay/sse";
import { Reply } from "../http/reply";
import { planRoute, type Target } from "./route";
import { callOptions, costHeaders } from "./upstream-call";
import { gatewayCall } from "./with-api-key";
import { affinitySeed } from "./affinity";

/**
 * Opens the upstream stream and waits for its first chunk, so that a failure before any byte
 * reaches the client can still fall back to the next deployment.
 */
async function openStream(ctx: CallContext, request: ChatRequest, target: Target): Promise<AsyncIterable<ChatCompletionChunk>> {
  const stream = await target.adapter.streamChat(request, target.upstream, callOptions(ctx, target));
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<ChatCompletionChunk> | null = first;
      return {
        next: async () => {
          if (!pending) return iterator.next();
          const result = pending;
          pending = null;
          return result;
        },
        return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}

export type ChatOutcome =
  | { stream: false; completion: ChatCompletion }
  | { stream: true; chunks: AsyncIterable<ChatCompletionChunk>; onUpstreamError: (error: UpstreamError) => ApiError };

/**
 * A canonical chat request through the pipeline (route → admission → upstream with failover), for
 * every protocol that speaks chat: the completion, or the upstream's stream once its first chunk is in.
 */
export async function runChat(ctx: CallContext, asked: ChatRequest, affinity: { prefix?: string | null; session?: string | null } = {}): Promise<ChatOutcome> {
  ctx.call.requestedModel = asked.model;
  refuseUnpricedChat(asked);
  const plan = await planRoute(ctx, asked.model, "chat", { affinity: affinitySeed(asked, affinity) });
  // n choices are n answers of up to the cap each; the prompt is billed once
  const cap = heldOutputTokens(maxOutputTokens(asked), plan.model);
  await admit(ctx, plan, { promptTokens: roughPromptTokens(asked), outputTokens: cap * (asked.n ?? 1), images: 0 });
  // what was held is what the upstream is asked for: every adapter sends it as its provider's cap
  const request = withOutputCap(asked, cap);

  if (!request.stream) {
    const { value: completion } = await withFailover(ctx, plan, (target) => target.adapter.chat(request, target.upstream, callOptions(ctx, target)));
    ctx.call.usage = usageFromOpenAI(completion.usage);
    return { stream: false, completion };
  }

  ctx.call.stream = true;
  const { value: chunks, target } = await withFailover(ctx, plan, (t) => openStream(ctx, request, t));
  return { stream: true, chunks, onUpstreamError: (error) => failureOf(target, error) };
}

/**
 * A chat call in any protocol: its body as a canonical request through runChat, answered in its
 * shapes, streamed or not (streamed also when `options.stream` says the HTTP request asked for it).
 */
export async function serveChat<Body>(protocol: ChatProtocol<Body>, ctx: CallContext, body: Body, options: { stream?: boolean; session?: string | null } = {}): Promise<Reply> {
  const asked = protocol.toChatRequest(body);
  const request = options.stream && !asked.stream ? { ...asked, stream: true } : asked;
  const outcome = await runChat(ctx, request, { prefix: protocol.cachedPrefix?.(body), session: options.session });
  const exchange = { body, request, ctx };
  if (!outcome.stream) return Reply.json(protocol.answer(outcome.completion, exchange), await costHeaders(ctx));
  const stream = relayStream(ctx, outcome.chunks, { request, encoder: protocol.encoder(exchange), onUpstreamError: outcome.onUpstreamError });
  return Reply.stream(stream, SSE_HEADERS);
}

/** A protocol's chat endpoint behind an API key: the one line each protocol takes in routes.ts. */
export const chatEndpoint = <Body>(protocol: ChatProtocol<Body>) =>
  gatewayCall({ endpoint: protocol.endpoint, body: protocol.body, errorFormat: protocol.errorFormat }, (ctx, body, request) =>
    serveChat(protocol, ctx, body, { stream: protocol.streamsFor?.(request) ?? false, session: request.headers.get("x-session-id") }),
  );
