import type { ChatCompletionChunk } from "../../providers/types";
import { UpstreamError } from "../../providers/upstream-error";
import { usageFromOpenAI } from "../../providers/usage";
import type { ChatRequest } from "../../schemas/openai";
import type { CallContext } from "../context";
import { env } from "../../env";
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
 * always asked for usage; the usage chunk is dropped here when the client did not ask for it.
 *
 * A client that disconnects mid-stream is charged for what the upstream produced: the hub keeps
 * reading the upstream (relaying nothing) for up to HUB_DISCONNECT_DRAIN_MS to get its own final
 * usage; an upstream still going after that is cancelled and metered by counting what it sent.
 */
export function relayOpenAIStream(ctx: CallContext, chunks: AsyncIterable<ChatCompletionChunk>, options: RelayOptions): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const { call } = ctx;
  call.relaying = true;
  const model = options.request.model;
  // text produced so far, to count tokens if the upstream's own usage never arrives
  const produced: string[] = [];
  let cancelled = false;

  /** Takes the usage and the produced text from a chunk, whether or not it is relayed. */
  const observe = (chunk: ChatCompletionChunk) => {
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
    const [promptTokens, completionTokens] = await Promise.all([estimatePromptTokens(options.request), estimateTextTokens(produced.join(""))]);
    call.usage = { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    call.usageSource = "estimated";
  };

  const end = async (status: number, error?: GatewayError) => {
    await meterProduced();
    call.finish(status, error && { code: error.code, message: error.message });
  };
  const clientClosed = new GatewayError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "The client closed the connection mid-stream." });

  /** Reads the rest of the upstream until it ends or the drain window closes; true when it ended. */
  const drain = async (): Promise<boolean> => {
    const deadline = Date.now() + env().HUB_DISCONNECT_DRAIN_MS;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), left)));
      const next = await Promise.race([iterator.next(), timeout]).catch(() => ({ done: true as const, value: undefined }));
      clearTimeout(timer);
      if (next === "timeout") return false;
      if (next.done) return true;
      observe(next.value);
    }
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // loop until something is written: a pull that enqueues nothing is not called again
      for (;;) {
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (cancelled) return;
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
        if (cancelled) {
          // the client left while this chunk was on its way: it only counts
          if (!next.done) observe(next.value);
          return;
        }
        if (next.done) {
          controller.enqueue(DONE);
          controller.close();
          return end(200);
        }
        const chunk = next.value;
        observe(chunk);
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
      cancelled = true;
      const finished = await drain();
      if (!finished) {
        ctx.abort.abort();
        await iterator.return?.().catch(() => undefined);
      }
      await end(499, clientClosed);
    },
  });
}
