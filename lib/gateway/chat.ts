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
import { checkRateLimits } from "./rate-limit";
import type { ApiError } from "../http/api-error";
import type { ChatProtocol } from "./protocols/chat-protocol";
import { relayStream, SSE_HEADERS } from "./relay/sse";
import { Reply } from "../http/reply";
import { planRoute, type RoutePlan, type Target } from "./route";
import type { InboundRequest } from "../http/inbound";
import type { MaxUsage } from "../billing/cost";
import { cachedAnswer, cacheUseFor, keepAnswer, keptStream, replay, type CacheUse, type CachedAnswer } from "./response-cache";
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

/** hit: answered from the response cache; miss: looked for and answered upstream (none: the cache did not apply) */
type CacheStatus = "hit" | "miss";

export type ChatOutcome = (
  | { stream: false; completion: ChatCompletion }
  | { stream: true; chunks: AsyncIterable<ChatCompletionChunk>; onUpstreamError?: (error: UpstreamError) => ApiError }
) & { cache?: CacheStatus };

/**
 * A cached answer, without an upstream call: billed at the cache's share of the normal charge, held
 * for like any call when that share is not zero. A free hit still counts against the caller's rate
 * limits, so a key cannot use the cache to pass them.
 */
async function fromCache(ctx: CallContext, plan: RoutePlan, max: MaxUsage, use: CacheUse, answer: CachedAnswer): Promise<ChatOutcome> {
  ctx.call.cacheHit = { price: plan.price, modelId: plan.model?.id ?? null, billedPpm: use.billedPpm };
  if (use.billedPpm > 0n) await admit(ctx, plan, max);
  else ctx.call.rate = await checkRateLimits(ctx.principal, 0);
  if ("completion" in answer) {
    ctx.call.usage = usageFromOpenAI(answer.completion.usage);
    return { stream: false, completion: answer.completion, cache: "hit" };
  }
  ctx.call.stream = true;
  return { stream: true, chunks: replay(answer.chunks), cache: "hit" };
}

/** What the HTTP request adds to its body: headers (cache preferences, x-session-id) and a protocol's cached prefix. */
export interface InboundChat {
  headers?: InboundRequest["headers"];
  prefix?: string | null;
}

/**
 * A canonical chat request through the pipeline (route → response cache → admission → upstream with
 * failover), for every protocol that speaks chat: the completion, or the upstream's stream once its
 * first chunk is in. `inbound` carries the caller's cache preferences and affinity hints.
 */
export async function runChat(ctx: CallContext, asked: ChatRequest, inbound: InboundChat = {}): Promise<ChatOutcome> {
  ctx.call.requestedModel = asked.model;
  refuseUnpricedChat(asked);
  const plan = await planRoute(ctx, asked.model, "chat", { affinity: affinitySeed(asked, { prefix: inbound.prefix, session: inbound.headers?.get("x-session-id") }) });
  // n choices are n answers of up to the cap each; the prompt is billed once
  const cap = heldOutputTokens(maxOutputTokens(asked), plan.model);
  const max = { promptTokens: roughPromptTokens(asked), outputTokens: cap * (asked.n ?? 1), images: 0 };
  // what was held is what the upstream is asked for: every adapter sends it as its provider's cap
  const request = withOutputCap(asked, cap);
  const cache = await cacheUseFor(ctx, request, plan.model, inbound.headers);
  const cached = cache?.lookup ? await cachedAnswer(cache) : null;
  if (cached) return fromCache(ctx, plan, max, cache!, cached);
  await admit(ctx, plan, max);
  const status = cache ? ({ cache: "miss" } as const) : {};

  if (!request.stream) {
    const { value: completion } = await withFailover(ctx, plan, (target) => target.adapter.chat(request, target.upstream, callOptions(ctx, target)));
    ctx.call.usage = usageFromOpenAI(completion.usage);
    if (cache && completion.choices.every((choice) => choice.finish_reason)) keepAnswer(cache, { completion });
    return { stream: false, completion, ...status };
  }

  ctx.call.stream = true;
  const { value: opened, target } = await withFailover(ctx, plan, (t) => openStream(ctx, request, t));
  const chunks = cache?.store ? keptStream(cache, opened, ctx.abort.signal) : opened;
  return { stream: true, chunks, onUpstreamError: (error) => failureOf(target, error), ...status };
}

/**
 * A chat call in any protocol: its body as a canonical request through runChat, answered in its
 * shapes, streamed or not (streamed also when `options.stream` says the HTTP request asked for it).
 */
export async function serveChat<Body>(protocol: ChatProtocol<Body>, ctx: CallContext, body: Body, options: { stream?: boolean; headers?: InboundRequest["headers"] } = {}): Promise<Reply> {
  const asked = protocol.toChatRequest(body);
  const request = options.stream && !asked.stream ? { ...asked, stream: true } : asked;
  const outcome = await runChat(ctx, request, { headers: options.headers, prefix: protocol.cachedPrefix?.(body) });
  const exchange = { body, request, ctx };
  const cacheHeader: Record<string, string> = outcome.cache ? { "x-hub-cache": outcome.cache } : {};
  if (!outcome.stream) return Reply.json(protocol.answer(outcome.completion, exchange), { ...(await costHeaders(ctx)), ...cacheHeader });
  const frames = relayStream(ctx, outcome.chunks, { request, encoder: protocol.encoder(exchange), onUpstreamError: outcome.onUpstreamError });
  return Reply.frames(frames, { ...SSE_HEADERS, ...cacheHeader });
}

/** A protocol's chat endpoint behind an API key: the one line each protocol takes in routes.ts. */
export const chatEndpoint = <Body>(protocol: ChatProtocol<Body>) =>
  gatewayCall({ endpoint: protocol.endpoint, body: protocol.body, errorFormat: protocol.errorFormat }, (ctx, body, request) =>
    serveChat(protocol, ctx, body, { stream: protocol.streamsFor?.(request) ?? false, headers: request.headers }),
  );
