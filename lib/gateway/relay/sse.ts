import type { ChatCompletionChunk } from "../../canonical/completion";
import { UpstreamError } from "../../providers/upstream-error";
import { usageFromOpenAI } from "../../canonical/usage";
import type { ChatRequest } from "../../canonical/schema";
import type { CallContext } from "../context";
import { env } from "../../env";
import { ApiError } from "../../http/api-error";
import { countPromptTokens, countTextTokens } from "../../canonical/token-count";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // tell nginx-style proxies not to buffer the stream
  "x-accel-buffering": "no",
};

const bytes = new TextEncoder();

/** How a client protocol writes canonical chunks as Server-Sent Events. */
export interface StreamEncoder {
  /** the frames for one chunk, written as soon as it arrives (none to leave it out) */
  chunk(chunk: ChatCompletionChunk): string[];
  /** the frames after the last chunk */
  end(): string[];
  /** the frame that reports a failure once the response has started */
  error(error: ApiError): string;
}

/** OpenAI's: one `data:` frame per chunk under the public model name, then `data: [DONE]`. */
export function openAIEncoder(model: string, includeUsage: boolean): StreamEncoder {
  const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
  return {
    chunk(chunk) {
      // the upstream is always asked for usage; the client gets it only when it asked too
      if (!includeUsage) {
        if (chunk.choices.length === 0 && chunk.usage) return [];
        delete (chunk as { usage?: unknown }).usage;
      }
      chunk.model = model;
      return [frame(chunk)];
    },
    end: () => ["data: [DONE]\n\n"],
    error: (error) => frame(error.toJSON()),
  };
}

export interface RelayOptions {
  request: ChatRequest;
  encoder: StreamEncoder;
  /** maps an upstream failure after the first byte to the error the client sees in-band */
  onUpstreamError: (error: UpstreamError) => ApiError;
}

/**
 * Relays canonical chunks to the client, each written (by the protocol's encoder) as it arrives, and
 * meters the call from them.
 *
 * A client that disconnects mid-stream is charged for what the upstream produced: the hub keeps
 * reading the upstream (relaying nothing) for up to HUB_DISCONNECT_DRAIN_MS to get its own final
 * usage; an upstream still going after that is cancelled and metered by counting what it sent.
 */
export function relayStream(ctx: CallContext, chunks: AsyncIterable<ChatCompletionChunk>, options: RelayOptions): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const { call } = ctx;
  call.relaying = true;
  const { encoder } = options;
  const write = (controller: ReadableStreamDefaultController<Uint8Array>, frames: string[]) => {
    for (const frame of frames) controller.enqueue(bytes.encode(frame));
  };
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
    const [promptTokens, completionTokens] = await Promise.all([countPromptTokens(options.request), countTextTokens(produced.join(""))]);
    call.usage = { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    call.usageSource = "estimated";
  };

  const end = async (status: number, error?: ApiError) => {
    await meterProduced();
    call.finish(status, error?.forRecord());
  };
  const clientClosed = new ApiError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "The client closed the connection mid-stream." });

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
              : new ApiError({ status: 502, type: "upstream_error", code: "upstream_error", message: "The upstream stream failed." });
          write(controller, [encoder.error(shown)]);
          controller.close();
          return end(shown.status, shown);
        }
        if (cancelled) {
          // the client left while this chunk was on its way: it only counts
          if (!next.done) observe(next.value);
          return;
        }
        if (next.done) {
          write(controller, encoder.end());
          controller.close();
          return end(200);
        }
        observe(next.value);
        const frames = encoder.chunk(next.value);
        if (frames.length === 0) continue;
        call.markFirstByte();
        write(controller, frames);
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
