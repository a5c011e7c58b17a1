import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { chatRequestFromResponses } from "@/lib/gateway/protocols/responses/request";
import { ResponsesStreamEncoder } from "@/lib/gateway/protocols/responses/response";
import { responsesRequestSchema } from "@/lib/gateway/protocols/responses/schema";

// The Responses ⇄ canonical translation on its own: what the integration test does not reach.

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({ id: "c", object: "chat.completion.chunk", created: 1, model: "up", choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as ChatCompletionChunk;

describe("Responses API translation", () => {
  it("joins a turn's text and function calls into one assistant message, and keeps developer messages", () => {
    const request = chatRequestFromResponses(
      responsesRequestSchema.parse({
        model: "m",
        input: [
          { role: "developer", content: "Use tools." },
          { role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,AAAA" }] },
          { type: "reasoning", id: "rs_1", summary: [] },
          { type: "message", role: "assistant", content: [{ type: "output_text", text: "Calling." }] },
          { type: "function_call", call_id: "a", name: "f", arguments: "{}" },
          { type: "function_call", call_id: "b", name: "g", arguments: "{}" },
          { type: "function_call_output", call_id: "a", output: "A" },
          { type: "function_call_output", call_id: "b", output: [{ type: "input_text", text: "B" }] },
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: "developer", content: "Use tools." },
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      {
        role: "assistant",
        content: "Calling.",
        tool_calls: [
          { id: "a", type: "function", function: { name: "f", arguments: "{}" } },
          { id: "b", type: "function", function: { name: "g", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "a", content: "A" },
      { role: "tool", tool_call_id: "b", content: "B" },
    ]);
  });

  it("streams reasoning, text and a function call as separate output items and ends incomplete at the token limit", () => {
    const encoder = new ResponsesStreamEncoder(responsesRequestSchema.parse({ model: "public", input: "x" }));
    const events = [
      chunk({ reasoning_content: "hmm" }),
      chunk({ content: "Hi" }),
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }),
      chunk({}, "length"),
    ]
      .flatMap((c) => encoder.chunk(c))
      .concat(encoder.end())
      .map((frame) => JSON.parse(frame.split("\n")[1]!.slice("data: ".length)) as { type: string; output_index?: number; item?: { type: string }; response?: Record<string, unknown> });
    const added = events.filter((e) => e.type === "response.output_item.added").map((e) => [e.output_index, e.item!.type]);
    expect(added).toEqual([
      [0, "reasoning"],
      [1, "message"],
      [2, "function_call"],
    ]);
    expect(events.map((e) => e.type)).toContain("response.reasoning_text.delta");
    const last = events.at(-1)!;
    expect(last.type).toBe("response.incomplete");
    expect(last.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [
        { type: "reasoning", content: [{ type: "reasoning_text", text: "hmm" }] },
        { type: "message", status: "completed", content: [{ type: "output_text", text: "Hi" }] },
        { type: "function_call", call_id: "call_1", name: "f", arguments: '{"a":1}', status: "completed" },
      ],
    });
  });
});
