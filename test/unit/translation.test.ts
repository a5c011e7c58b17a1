import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_TOKENS, toAnthropicRequest } from "@/lib/providers/anthropic";
import { effortForBudget, thinkingBudget } from "@/lib/canonical/request";
import type { ChatRequest } from "@/lib/canonical/schema";

const toolCall = { id: "toolu_1", type: "function" as const, function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object" } } }];

describe("canonical → Anthropic Messages", () => {
  it("moves system and developer messages out, and merges turns so roles alternate", () => {
    const request: ChatRequest = {
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: "Use metric units." },
        { role: "user", content: "Weather in Paris and Rome?" },
        { role: "assistant", content: "Checking.", tool_calls: [toolCall, { ...toolCall, id: "toolu_2", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }] },
        { role: "tool", tool_call_id: "toolu_1", content: "21°C" },
        { role: "tool", tool_call_id: "toolu_2", content: "25°C" },
        { role: "user", content: "Thanks" },
      ],
      tools,
    };
    const params = toAnthropicRequest(request, "claude-x");
    expect(params.system).toBe("Be brief.\n\nUse metric units.");
    expect(params.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(params.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(params.messages[1]!.content).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
    ]);
    // both tool results and the next question form one user turn, results first
    expect(params.messages[2]!.content).toEqual([
      { type: "tool_result", tool_use_id: "toolu_1", content: "21°C" },
      { type: "tool_result", tool_use_id: "toolu_2", content: "25°C" },
      { type: "text", text: "Thanks" },
    ]);
  });

  it.each([
    [{ tool_choice: "auto" as const }, { type: "auto" }],
    [{ tool_choice: "required" as const }, { type: "any" }],
    [{ tool_choice: "none" as const }, { type: "none" }],
    [{ tool_choice: { type: "function" as const, function: { name: "get_weather" } } }, { type: "tool", name: "get_weather" }],
    [{ tool_choice: "auto" as const, parallel_tool_calls: false }, { type: "auto", disable_parallel_tool_use: true }],
  ])("maps tool choice %j", (choice, expected) => {
    const params = toAnthropicRequest({ model: "m", messages: [{ role: "user", content: "x" }], tools, ...choice }, "claude-x");
    expect(params.tool_choice).toEqual(expected);
  });

  it("turns reasoning_effort into a thinking budget inside max_tokens, unless a tool turn lost its thinking blocks", () => {
    const params = toAnthropicRequest({ model: "m", messages: [{ role: "user", content: "x" }], reasoning_effort: "high", max_tokens: 20_000 }, "claude-x");
    expect(params.thinking).toEqual({ type: "enabled", budget_tokens: 16_384 });
    expect(params.max_tokens).toBe(20_000);
    const continued = toAnthropicRequest(
      { model: "m", messages: [{ role: "user", content: "x" }, { role: "assistant", content: null, tool_calls: [toolCall] }, { role: "tool", tool_call_id: "toolu_1", content: "ok" }], tools, reasoning_effort: "high" },
      "claude-x",
    );
    expect(continued.thinking).toBeUndefined();
  });

  it("declares the tools a history uses when the client sent none, and maps json_schema to output_config", () => {
    const params = toAnthropicRequest(
      {
        model: "m",
        messages: [{ role: "user", content: "x" }, { role: "assistant", content: null, tool_calls: [toolCall] }, { role: "tool", tool_call_id: "toolu_1", content: "ok" }],
        response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { a: { type: "string" } } } } },
        temperature: 1.5,
      },
      "claude-x",
    );
    expect(params.tools).toEqual([{ name: "get_weather", input_schema: { type: "object" } }]);
    expect(params.tool_choice).toEqual({ type: "none" });
    expect(params.output_config).toEqual({ format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } } } } });
    // the API version the SDK speaks refuses sampling parameters
    expect(params).not.toHaveProperty("temperature");
  });
});

describe("reasoning effort and thinking budgets", () => {
  it("map both ways on one table: a budget becomes the effort whose budget covers it", () => {
    for (const effort of ["low", "medium", "high", "xhigh"] as const) {
      expect(effortForBudget(thinkingBudget({ model: "m", messages: [], reasoning_effort: effort })!)).toBe(effort);
    }
    expect(thinkingBudget({ model: "m", messages: [], reasoning_effort: "minimal" })).toBe(1024);
    expect(thinkingBudget({ model: "m", messages: [], reasoning_effort: "none" })).toBeNull();
    expect([effortForBudget(1), effortForBudget(5000), effortForBudget(100_000)]).toEqual(["low", "high", "xhigh"]);
  });
});
