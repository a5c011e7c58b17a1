import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it, vi } from "vitest";
import type { CallRecord } from "@/lib/gateway/call-record";
import { ApiError } from "@/lib/http/api-error";
import { openAIEncoder } from "@/lib/gateway/protocols/openai/response";
import { relayStream } from "@/lib/gateway/relay/sse";
import { framesAsStream } from "@/lib/http/reply";
import { UpstreamError } from "@/lib/providers/upstream-error";

// a short drain window (the tests below must not wait the default 3 s), yet far longer than the
// 20 ms an upstream below pauses, so a loaded machine does not close it early
process.env.HUB_DISCONNECT_DRAIN_MS = "1000";

const request = { model: "public-name", messages: [{ role: "user" as const, content: "tell me a story" }] };

function chunk(content: string | null, extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk {
  return {
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "upstream-name",
    choices: content === null ? [] : [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }],
    ...extra,
  };
}
const usageChunk = chunk(null, { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });

function fakeCall() {
  const finished: Array<{ status: number; code?: string | null }> = [];
  const call = {
    usage: null as CallRecord["usage"],
    usageSource: "upstream" as CallRecord["usageSource"],
    firstByte: false,
    markFirstByte() {
      this.firstByte = true;
    },
    finish(status: number, error?: { code: string | null }) {
      finished.push({ status, code: error?.code });
    },
  };
  return { call, finished };
}

function relay(chunks: AsyncIterable<ChatCompletionChunk>, includeUsage: boolean) {
  const { call, finished } = fakeCall();
  const abort = new AbortController();
  const ctx = { call: call as unknown as CallRecord, principal: null as never, abort, origin: "http://hub.test" };
  const stream = framesAsStream(relayStream(ctx, chunks, {
    request,
    encoder: openAIEncoder(request.model, includeUsage),
    onUpstreamError: (e) => new ApiError({ status: 502, type: "upstream_error", code: "upstream_error", message: e.message }),
  }));
  return { stream, call, finished, abort };
}

async function readEvents(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const text = await new Response(stream).text();
  return text.split("\n\n").filter(Boolean).map((e) => e.replace(/^data: /, ""));
}

async function* from(chunks: ChatCompletionChunk[], then?: Error) {
  for (const c of chunks) yield c;
  if (then) throw then;
}

describe("OpenAI SSE relay", () => {
  it("writes each chunk as an SSE event under the public model name, then [DONE]", async () => {
    const { stream, call, finished } = relay(from([chunk("Once"), chunk(" upon"), usageChunk]), false);
    const events = await readEvents(stream);
    expect(events.at(-1)).toBe("[DONE]");
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e) as ChatCompletionChunk);
    expect(parsed.map((c) => c.choices[0]?.delta.content)).toEqual(["Once", " upon"]);
    expect(parsed.every((c) => c.model === "public-name")).toBe(true);
    // the client did not ask for usage: the usage chunk is metered, not relayed
    expect(parsed.some((c) => "usage" in c)).toBe(false);
    expect(call.usage).toMatchObject({ promptTokens: 7, completionTokens: 3 });
    expect(call.usageSource).toBe("upstream");
    expect(call.firstByte).toBe(true);
    expect(finished).toEqual([{ status: 200, code: undefined }]);
  });

  it("relays the usage chunk when the client asked for it", async () => {
    const { stream } = relay(from([chunk("Hi"), usageChunk]), true);
    const events = await readEvents(stream);
    expect(JSON.parse(events.at(-2)!)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } });
  });

  it("reports a failure after the first byte in-band and counts what was produced", async () => {
    const { stream, call, finished } = relay(from([chunk("Once upon a time")], new UpstreamError({ kind: "http", status: 500, message: "boom" })), false);
    const events = await readEvents(stream);
    expect(JSON.parse(events.at(-1)!)).toEqual({ error: { message: "boom", type: "upstream_error", code: "upstream_error", param: null } });
    // the client's stream ends first; metering follows, and counting tokens loads the o200k tokenizer on
    // first use (seconds on a loaded machine, beyond waitFor's default second)
    await vi.waitFor(() => expect(finished).toEqual([{ status: 502, code: "upstream_error" }]), { timeout: 15_000 });
    expect(call.usageSource).toBe("estimated");
    expect(call.usage!.completionTokens).toBe(4);
    expect(call.usage!.promptTokens).toBeGreaterThan(4);
  });

  it("keeps reading after the client left and meters the upstream's own usage when it arrives in time", async () => {
    const upstream = (async function* () {
      yield chunk("Once");
      await new Promise((r) => setTimeout(r, 20));
      yield chunk(" upon a time");
      yield usageChunk;
    })();
    const { stream, call, finished, abort } = relay(upstream, false);
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(abort.signal.aborted).toBe(false);
    expect(finished).toEqual([{ status: 499, code: "client_closed_request" }]);
    expect(call.usageSource).toBe("upstream");
    expect(call.usage).toMatchObject({ promptTokens: 7, completionTokens: 3 });
  });

  it("cancels an upstream that is still going after the drain window, and meters what it produced", async () => {
    let returned = false;
    const upstream: AsyncIterable<ChatCompletionChunk> = {
      [Symbol.asyncIterator]() {
        let sent = false;
        return {
          next: async () => {
            if (!sent) {
              sent = true;
              return { done: false, value: chunk("partial answer") };
            }
            return new Promise<IteratorResult<ChatCompletionChunk>>(() => undefined);
          },
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const { stream, call, finished, abort } = relay(upstream, false);
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(abort.signal.aborted).toBe(true);
    expect(returned).toBe(true);
    expect(finished).toEqual([{ status: 499, code: "client_closed_request" }]);
    expect(call.usage).toMatchObject({ completionTokens: 2 });
  });
});
