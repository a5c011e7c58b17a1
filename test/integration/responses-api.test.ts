import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_ARGUMENTS } from "../fakes/contract";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// OpenAI's Responses API on the hub (stateless), with the real openai SDK's responses.create and
// responses.stream, answered by an upstream that only speaks chat completions.

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
});
afterAll(async () => {
  await f?.close();
});

const lastUpstreamBody = () => f.upstream.requests.at(-1)!.body as Record<string, unknown> & { messages: Array<Record<string, unknown>> };
const weather = { type: "function" as const, name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false };

describe("POST /v1/responses", () => {
  it("answers with a response object whose output_text the SDK reads, metered like a chat call", async () => {
    const { data: response, response: http } = await f.client.responses
      .create({ model: "gpt-4o-mini", instructions: "Be brief.", input: "hello responses", max_output_tokens: 64, store: false })
      .withResponse();
    expect(response).toMatchObject({ object: "response", status: "completed", model: "gpt-4o-mini", store: false, instructions: "Be brief." });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text).toBe("Hello from the fake upstream! You said: hello responses");
    expect(lastUpstreamBody()).toMatchObject({ max_completion_tokens: 64, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello responses" }] });
    const event = await f.usageEvent(http.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "responses", status: 200, usageSource: "upstream" });
    expect([response.usage!.input_tokens, response.usage!.output_tokens]).toEqual([event.promptTokens, event.completionTokens]);
  });

  it("streams the documented event sequence with consecutive sequence numbers", async () => {
    const stream = await f.client.responses.create({ model: "gpt-4o-mini", input: [{ role: "user", content: [{ type: "input_text", text: "stream please" }] }], stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = [...new Set(events.map((e) => e.type))];
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const text = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : [])).join("");
    expect(text).toBe("Hello from the fake upstream! You said: stream please");
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.output_text ?? completed.response.output.flatMap((o) => (o.type === "message" ? o.content : [])).map((c) => (c.type === "output_text" ? c.text : "")).join("")).toBe(text);
    expect(completed.response.usage!.output_tokens).toBeGreaterThan(0);
  });

  it("streams a function call with responses.stream and takes its output back", async () => {
    const stream = f.client.responses.stream({ model: "gpt-4o-mini", input: "Weather in Paris?", tools: [weather] });
    const argumentDeltas: string[] = [];
    stream.on("response.function_call_arguments.delta", (e) => argumentDeltas.push(e.delta));
    const first = await stream.finalResponse();
    const call = first.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ name: "get_weather", status: "completed" });
    expect(JSON.parse(call.arguments)).toEqual(TOOL_ARGUMENTS);
    expect(argumentDeltas.join("")).toBe(call.arguments);

    const answer = await f.client.responses.create({
      model: "gpt-4o-mini",
      tools: [weather],
      tool_choice: "none",
      input: [
        { role: "user", content: "Weather in Paris?" },
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: "18 degrees" },
      ],
    });
    expect(answer.output_text).toContain("Hello from the fake upstream!");
    expect(lastUpstreamBody().messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: call.call_id, type: "function", function: { name: "get_weather", arguments: call.arguments } }] },
      { role: "tool", tool_call_id: call.call_id, content: "18 degrees" },
    ]);
  });

  it("carries structured output and reasoning effort; refuses what a stateless hub cannot do, naming it", async () => {
    await f.client.responses.create({
      model: "gpt-4o-mini",
      input: "json please",
      reasoning: { effort: "low" },
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object", properties: { ok: { type: "boolean" } } }, strict: true } },
    });
    expect(lastUpstreamBody()).toMatchObject({
      reasoning_effort: "low",
      response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema: { type: "object" } } },
    });

    const continued = await f.client.responses.create({ model: "gpt-4o-mini", input: "and then?", previous_response_id: "resp_123" }).catch((e: unknown) => e);
    expect(continued).toMatchObject({ status: 400, param: "previous_response_id" });
    const hosted = await f.client.responses.create({ model: "gpt-4o-mini", input: "search", tools: [{ type: "web_search" }] }).catch((e: unknown) => e);
    expect(hosted).toMatchObject({ status: 400, param: "tools[0]" });
  });
});
