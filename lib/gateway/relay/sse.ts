import type { ChatCompletionChunk } from "../../canonical/completion";
import { UpstreamError } from "../../providers/upstream-error";
import { usageFromOpenAI } from "../../canonical/usage";
import type { ChatRequest } from "../../canonical/schema";
import type { CallContext } from "../context";
import { ApiError } from "../../http/api-error";
import { countPromptTokens, countTextTokens } from "../../canonical/token-count";
import type { StreamEncoder } from "../protocols/stream-encoder";
import { clientClosed, drainAfterClientLeft } from "./disconnect";
import { StreamAssembler } from "../../logging/bodies";
import type { FrameSource } from "../../http/reply";
import { log } from "../../log";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // tell nginx-style proxies not to buffer the stream
  "x-accel-buffering": "no",
};

export interface RelayOptions {
  request: ChatRequest;
  encoder: StreamEncoder;
  /** maps an upstream failure after the first byte to the error the client sees in-band (none: a replay, no upstream) */
  onUpstreamError?: (error: UpstreamError) => ApiError;
}

/**
 * Relays canonical chunks to the client, each written (by the protocol's encoder) as it arrives, and
 * meters the call from them. The frames of one chunk go out as one piece, straight to the socket on
 * the hub's own server (node-front.ts).
 *
 * A client that disconnects mid-stream is charged for what the upstream produced (disconnect.ts): its
 * own final usage if it arrives within the drain window, else a count of what it sent.
 */
export function relayStream(ctx: CallContext, chunks: AsyncIterable<ChatCompletionChunk>, options: RelayOptions): FrameSource {
  const iterator = chunks[Symbol.asyncIterator]();
  const { call } = ctx;
  call.relaying = true;
  const { encoder } = options;
  // text produced so far, to count tokens if the upstream's own usage never arrives
  const produced: string[] = [];
  let cancelled = false;
  let ended = false;
  // only a call that logs bodies pays for putting the answer back together
  const assembled = call.bodies ? new StreamAssembler() : null;

  /** Takes the usage and the produced text from a chunk, whether or not it is relayed. */
  const observe = (chunk: ChatCompletionChunk) => {
    assembled?.add(chunk);
    if (chunk.usage) {
      call.usage = usageFromOpenAI(chunk.usage);
      call.usageSource = "upstream";
    }
    for (const choice of chunk.choices) {
      const delta = choice.delta as (typeof choice.delta & { reasoning_content?: string }) | undefined;
      if (delta?.content) produced.push(delta.content);
      if (delta?.reasoning_content) produced.push(delta.reasoning_content);
      for (const toolCall of delta?.tool_calls ?? []) {
        if (toolCall.function?.name) produced.push(toolCall.function.name);
        if (toolCall.function?.arguments) produced.push(toolCall.function.arguments);
      }
    }
  };

  const meterProduced = async () => {
    if (call.usage) return;
    const [promptTokens, completionTokens] = await Promise.all([countPromptTokens(options.request), countTextTokens(produced.join(""))]);
    call.usage = { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    call.usageSource = "estimated";
  };

  const end = async (status: number, error?: ApiError) => {
    await meterProduced();
    if (assembled && call.bodies) call.bodies.response = assembled.result();
    call.finish(status, error?.forRecord());
  };

  /** The last frames: the stream has ended, and the call is metered while they go out. */
  const last = (frames: string, finishing: Promise<void>): string => {
    ended = true;
    void finishing.catch((error: Error) => log.error({ err: error.message }, "could not record a finished stream"));
    return frames;
  };

  return {
    async next() {
      // loop until there is something to write
      while (!ended) {
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (cancelled) return null;
          if (ctx.abort.signal.aborted) {
            ended = true;
            await end(499, clientClosed());
            return null;
          }
          // the status line is long gone: report the failure in-band, as OpenAI does
          const shown =
            error instanceof UpstreamError && options.onUpstreamError
              ? options.onUpstreamError(error)
              : new ApiError({ status: 502, type: "upstream_error", code: "upstream_error", message: "The upstream stream failed." });
          return last(encoder.error(shown), end(shown.status, shown));
        }
        if (cancelled) {
          // the client left while this chunk was on its way: it only counts
          if (!next.done) observe(next.value);
          return null;
        }
        if (next.done) return last(encoder.end().join(""), end(200));
        observe(next.value);
        const frames = encoder.chunk(next.value);
        if (frames.length === 0) continue;
        call.markFirstByte();
        return frames.length === 1 ? frames[0]! : frames.join("");
      }
      return null;
    },
    async cancel() {
      if (ended || cancelled) return;
      // the client went away (relay/disconnect.ts decides what follows)
      cancelled = true;
      await drainAfterClientLeft(ctx.abort, iterator, observe);
      await end(499, clientClosed());
    },
  };
}
