import { describe, expect, it } from "vitest";
import { fromZodError } from "@/lib/gateway/errors";
import { chatRequestSchema, embeddingsRequestSchema } from "@/lib/canonical/schema";

function firstError(body: unknown) {
  const parsed = chatRequestSchema.safeParse(body);
  expect(parsed.success).toBe(false);
  return fromZodError(parsed.error!);
}

describe("chat request schema", () => {
  it("accepts a full OpenAI request and keeps parameters it does not know", () => {
    const body = {
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "rules" },
        { role: "user", content: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "https://x/y.png", detail: "high" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "42" },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "f" } },
      response_format: { type: "json_object" },
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: "low",
      metadata: { team: "a" },
    };
    const parsed = chatRequestSchema.parse(body);
    expect(parsed).toMatchObject({ reasoning_effort: "low", metadata: { team: "a" } });
    expect(parsed.messages[1]).toEqual(body.messages[1]);
  });

  it.each([
    [{ messages: [{ role: "user", content: "x" }] }, "model"],
    [{ model: "m", messages: [] }, "messages"],
    [{ model: "m", messages: [{ role: "user" }] }, "messages[0].content"],
    [{ model: "m", messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id"],
    [{ model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] }, "messages[0].content[0].image_url.url"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function", function: { name: "has space" } }] }, "tools[0].function.name"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], n: 0 }, "n"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], stop: ["a", "b", "c", "d", "e"] }, "stop"],
  ])("names the offending field of %j", (body, param) => {
    const error = firstError(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(`'${param}'`);
  });
});

describe("embeddings request schema", () => {
  it("accepts strings, string arrays and token arrays", () => {
    for (const input of ["a", ["a", "b"], [1, 2, 3], [[1, 2], [3]]]) expect(embeddingsRequestSchema.safeParse({ model: "e", input }).success).toBe(true);
    expect(embeddingsRequestSchema.safeParse({ model: "e", input: [] }).success).toBe(false);
  });
});
