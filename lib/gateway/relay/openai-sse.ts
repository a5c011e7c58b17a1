import type { ChatCompletionChunk } from "../../providers/types";
import { UpstreamError } from "../../providers/upstream-error";
import { usageFromOpenAI } from "../../providers/usage";
import type { ChatRequest } from "../../schemas/openai";
import type { CallContext } from "../context";
import { GatewayError } from "../errors";
import { estimatePromptTokens, estimateTextTokens } from "../../billing/token-count";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // tell nginx-style proxies not to buffer the stream
  "x-accel-buffering": "no",
};

const encoder = new TextEncoder();
const DONE = encoder.encode("data: [DONE]\n\n");
const event = (payload: unknown) => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);

export interface RelayOptions {
  request: ChatRequest;
  /** the client asked for the final usage chunk (stream_options.include_usage) */
  includeUsage: boolean;
  /** maps an upstream failure after the first byte to the error the client sees in-band */
  onUpstreamError: (error: UpstreamError) => GatewayError;
}

/**
 * Relays canonical chunks to the client as OpenAI SSE, each written as it arrives. The upstream is
 * always asked for usage; the usage chunk is dropped here when the client did not ask for it. A client
 * that disconnects cancels the upstream call and is metered for what was produced until then.
 */
export function relayOpenAIStream(ctx: CallContext, chunks: AsyncIterable<ChatCompletionChunk>, options: RelayOptions): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const { call } = ctx;
  const model = options.request.model;
  // text produced so far, to count tokens if the upstream's own usage never arrives
  const produced: string[] = [];

  const meterProduced = async () => {
    if (call.usage) return;
    const [promptTokens, completionTokens] = await Promise.all([estimatePromptTokens(options.request), estimateTextTokens(produced.join(""))]);
    call.usage = { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    call.usageSource = "estimated";
  };

  const end = async (status: number, error?: GatewayError) => {
    await meterProduced();
    call.finish(status, error && { code: error.code, message: error.message });
  };
  const clientClosed = new GatewayError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "The client closed the connection mid-stream." });

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // loop until something is written: a pull that enqueues nothing is not called again
      for (;;) {
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (ctx.abort.signal.aborted) return end(499, clientClosed);
          // the status line is long gone: report the failure in-band, as OpenAI does
          const shown =
            error instanceof UpstreamError
              ? options.onUpstreamError(error)
              : new GatewayError({ status: 502, type: "upstream_error", code: "upstream_error", message: "The upstream stream failed." });
          controller.enqueue(event(shown.toJSON()));
          controller.close();
          return end(shown.status, shown);
        }
        if (next.done) {
          controller.enqueue(DONE);
          controller.close();
          return end(200);
        }
        const chunk = next.value;
        if (chunk.usage) {
          call.usage = usageFromOpenAI(chunk.usage);
          call.usageSource = "upstream";
        }
        for (const choice of chunk.choices) {
          if (choice.delta?.content) produced.push(choice.delta.content);
          for (const toolCall of choice.delta?.tool_calls ?? []) {
            if (toolCall.function?.name) produced.push(toolCall.function.name);
            if (toolCall.function?.arguments) produced.push(toolCall.function.arguments);
          }
        }
        if (!options.includeUsage) {
          if (chunk.choices.length === 0 && chunk.usage) continue;
          delete (chunk as { usage?: unknown }).usage;
        }
        chunk.model = model;
        call.markFirstByte();
        controller.enqueue(event(chunk));
        return;
      }
    },
    async cancel() {
      ctx.abort.abort();
      await iterator.return?.().catch(() => undefined);
      await end(499, clientClosed);
    },
  });
}
