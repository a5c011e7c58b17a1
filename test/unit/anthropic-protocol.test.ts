import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/api-error";
import { toChatRequest } from "@/lib/gateway/protocols/anthropic/request";
import { AnthropicStreamEncoder, toAnthropicMessage } from "@/lib/gateway/protocols/anthropic/response";
import { messagesRequestSchema } from "@/lib/gateway/protocols/anthropic/schema";

// The Anthropic ⇄ canonical translation on its own: the shapes the integration test does not reach.

const parse = (body: unknown) => messagesRequestSchema.parse(body);

describe("Anthropic request → canonical request", () => {
  it("puts tool results before the user's words, marks failed tools, and moves tool-returned images to the user", () => {
    const request = toChatRequest(
      parse({
        model: "m",
        max_tokens: 10,
        system: [{ type: "text", text: "One." }, { type: "text", text: "Two." }],
        tool_choice: { type: "any", disable_parallel_tool_use: true },
        tools: [{ name: "shot", input_schema: { type: "object" } }],
        thinking: { type: "enabled", budget_tokens: 5000 },
        stop_sequences: ["END"],
        metadata: { user_id: "u-1" },
        messages: [
          { role: "user", content: "take a screenshot" },
          { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "sig" }, { type: "text", text: "Sure." }, { type: "tool_use", id: "t1", name: "shot", input: { w: 1 } }] },
          {
            role: "user",
            content: [
              { type: "text", text: "here" },
              { type: "tool_result", tool_use_id: "t1", is_error: true, content: [{ type: "text", text: "no display" }, { type: "image", source: { type: "url", url: "https://x/y.png" } }] },
            ],
          },
        ],
      }),
    );
    expect(request).toMatchObject({ max_tokens: 10, stop: ["END"], user: "u-1", reasoning_effort: "high", tool_choice: "required", parallel_tool_calls: false });
    expect(request.messages).toEqual([
      { role: "system", content: "One.\n\nTwo." },
      { role: "user", content: "take a screenshot" },
      { role: "assistant", content: "Sure.", tool_calls: [{ id: "t1", type: "function", function: { name: "shot", arguments: '{"w":1}' } }] },
      { role: "tool", tool_call_id: "t1", content: "Error: no display" },
      { role: "user", content: [{ type: "text", text: "here" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] },
    ]);
  });

  it("refuses what it cannot forward, naming where it is", () => {
    expect(() => toChatRequest(parse({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "document", source: { type: "text", data: "x" } }] }] }))).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].content[0]" }) as ApiError,
    );
  });
});

describe("canonical answers → Anthropic", () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
    ({ id: "c", object: "chat.completion.chunk", created: 1, model: "up", choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as ChatCompletionChunk;

  it("numbers thinking, text and tool blocks in order and closes each before the next", () => {
    const encoder = new AnthropicStreamEncoder("public", 42);
    const frames = [
      chunk({ role: "assistant", content: "" }),
      chunk({ reasoning_content: "think" }),
      chunk({ content: "Hi" }),
      chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "a", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({}, "tool_calls"),
      { id: "c", object: "chat.completion.chunk", created: 1, model: "up", choices: [], usage: { prompt_tokens: 50, completion_tokens: 9, total_tokens: 59, prompt_tokens_details: { cached_tokens: 8 } } } as ChatCompletionChunk,
    ]
      .flatMap((c) => encoder.chunk(c))
      .concat(encoder.end())
      .map((f) => JSON.parse(f.split("\n")[1]!.slice("data: ".length)) as Record<string, unknown>);
    const summary = frames.map((f) => [f.type, f.index, (f.content_block as { type?: string } | undefined)?.type ?? (f.delta as { type?: string } | undefined)?.type].filter((x) => x !== undefined).join(":"));
    expect(summary).toEqual([
      "message_start",
      "ping",
      "content_block_start:0:thinking",
      "content_block_delta:0:thinking_delta",
      "content_block_stop:0",
      "content_block_start:1:text",
      "content_block_delta:1:text_delta",
      "content_block_stop:1",
      "content_block_start:2:tool_use",
      "content_block_delta:2:input_json_delta",
      "content_block_delta:2:input_json_delta",
      "content_block_stop:2",
      "message_delta",
      "message_stop",
    ]);
    expect((frames[0]!.message as { usage: { input_tokens: number } }).usage.input_tokens).toBe(42);
    expect(frames.at(-2)).toMatchObject({ delta: { stop_reason: "tool_use" }, usage: { input_tokens: 42, output_tokens: 9, cache_read_input_tokens: 8 } });
  });

  it("reports a failure in-band as an error event", () => {
    const frame = new AnthropicStreamEncoder("m", 1).error(new ApiError({ status: 502, type: "upstream_error", code: "upstream_error", message: "gone" }));
    expect(frame).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"gone","code":"upstream_error"}}\n\n');
  });

  it("builds a message with thinking, text and tool_use blocks and Anthropic's cache accounting", () => {
    const message = toAnthropicMessage(
      {
        id: "c",
        object: "chat.completion",
        created: 1,
        model: "up",
        choices: [
          {
            index: 0,
            finish_reason: "length",
            logprobs: null,
            message: { role: "assistant", content: "partial", refusal: null, reasoning_content: "r", tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"a":1}' } }] } as never,
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 } as never },
      },
      "public",
    );
    expect(message).toMatchObject({
      model: "public",
      stop_reason: "max_tokens",
      content: [{ type: "thinking", thinking: "r" }, { type: "text", text: "partial" }, { type: "tool_use", id: "t", name: "f", input: { a: 1 } }],
      usage: { input_tokens: 30, output_tokens: 5, cache_read_input_tokens: 60, cache_creation_input_tokens: 10 },
    });
  });
});
