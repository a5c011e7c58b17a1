import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_PNG_BASE64 } from "../fakes/openai-upstream";
import { TOOL_ARGUMENTS } from "../fakes/contract";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Anthropic's Messages API on the hub, spoken by the real @anthropic-ai/sdk client (as Claude Code
// does), answered by a non-Anthropic upstream (the fake OpenAI): the request is translated to the
// canonical one and back, streamed events come in Anthropic's exact order, tool use survives a round
// trip, and the call is metered like any other.

let f: HubFixture;
let client: Anthropic;

beforeAll(async () => {
  f = await startHubFixture();
  client = new Anthropic({ baseURL: f.hub.url, apiKey: f.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await f?.close();
});

const lastUpstreamBody = () => f.upstream.requests.at(-1)!.body as Record<string, unknown> & { messages: Array<Record<string, unknown>> };
const weather = { name: "get_weather", description: "Current weather in a city", input_schema: { type: "object" as const, properties: { city: { type: "string" }, unit: { type: "string" } }, required: ["city"] } };

describe("POST /v1/messages", () => {
  it("answers a non-streamed message with the system prompt and max_tokens carried to the upstream, metered like a chat call", async () => {
    const { data: message, response } = await client.messages
      .create({ model: "gpt-4o-mini", max_tokens: 200, system: "Be brief.", messages: [{ role: "user", content: "hello there" }] })
      .withResponse();
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "gpt-4o-mini", stop_reason: "end_turn", stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: "text", text: "Hello from the fake upstream! You said: hello there" }]);
    expect(lastUpstreamBody().messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hello there" },
    ]);
    expect(lastUpstreamBody().max_completion_tokens).toBe(200);

    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "messages", status: 200, requestedModel: "gpt-4o-mini", usageSource: "upstream" });
    expect([message.usage.input_tokens, message.usage.output_tokens]).toEqual([event.promptTokens, event.completionTokens]);
    expect(event.costNanoUsd).toBeGreaterThan(0n);
  });

  it("meters the same call the same whichever protocol it came in", async () => {
    const { response: viaAnthropic } = await client.messages.create({ model: "gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "same words" }] }).withResponse();
    const { response: viaOpenAI } = await f.client.chat.completions.create({ model: "gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "same words" }] }).withResponse();
    const [a, o] = await Promise.all([f.usageEvent(viaAnthropic.headers.get("x-request-id")!), f.usageEvent(viaOpenAI.headers.get("x-request-id")!)]);
    expect([a.promptTokens, a.completionTokens, a.costNanoUsd]).toEqual([o.promptTokens, o.completionTokens, o.costNanoUsd]);
  });

  it("streams Anthropic's exact event sequence, text as it arrives", async () => {
    const res = await fetch(`${f.hub.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": f.apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", max_tokens: 100, stream: true, messages: [{ role: "user", content: "stream it" }] }),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const frames = (await res.text()).split("\n\n").filter(Boolean).map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      const data = JSON.parse(dataLine!.replace(/^data: /, "")) as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data as { type: string; [k: string]: unknown };
    });
    const types = frames.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"]);
    expect(types.slice(-4)).toEqual(["content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(new Set(types.slice(3, -3))).toEqual(new Set(["content_block_delta"]));
    const text = frames.flatMap((e) => (e.type === "content_block_delta" ? [(e.delta as { text: string }).text] : [])).join("");
    expect(text).toBe("Hello from the fake upstream! You said: stream it");
    const delta = frames.at(-2) as unknown as { delta: { stop_reason: string }; usage: { input_tokens: number; output_tokens: number } };
    expect(delta.delta.stop_reason).toBe("end_turn");
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  it("streams a tool call from a non-Anthropic upstream and takes its result back (with the SDK's MessageStream)", async () => {
    const question = { role: "user" as const, content: "What is the weather in Paris?" };
    const first = client.messages.stream({ model: "gpt-4o-mini", max_tokens: 300, tools: [weather], messages: [question] });
    const seen: string[] = [];
    first.on("streamEvent", (event) => seen.push(event.type === "content_block_delta" ? `delta:${event.delta.type}` : event.type));
    const toolTurn = await first.finalMessage();
    expect(toolTurn.stop_reason).toBe("tool_use");
    const toolUse = toolTurn.content.find((b) => b.type === "tool_use")!;
    expect(toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: TOOL_ARGUMENTS });
    expect(seen).toContain("delta:input_json_delta");
    expect(lastUpstreamBody().tools).toEqual([{ type: "function", function: { name: "get_weather", description: weather.description, parameters: weather.input_schema } }]);

    const second = client.messages.stream({
      model: "gpt-4o-mini",
      max_tokens: 300,
      tools: [weather],
      tool_choice: { type: "none" },
      messages: [question, { role: "assistant", content: toolTurn.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "18 degrees and sunny" }] }],
    });
    const answer = await second.finalMessage();
    expect(answer.stop_reason).toBe("end_turn");
    expect(answer.content[0]).toMatchObject({ type: "text" });
    const upstream = lastUpstreamBody();
    expect(upstream.tool_choice).toBe("none");
    expect(upstream.messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: toolUse.id, type: "function", function: { name: "get_weather", arguments: JSON.stringify(TOOL_ARGUMENTS) } }] },
      { role: "tool", tool_call_id: toolUse.id, content: "18 degrees and sunny" },
    ]);
  });

  it("carries images as image parts, and takes the key as a Bearer token too", async () => {
    const bearer = new Anthropic({ baseURL: f.hub.url, apiKey: null, authToken: f.apiKey, maxRetries: 0 });
    const message = await bearer.messages.create({
      model: "gpt-4o-mini",
      max_tokens: 100,
      messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: FAKE_PNG_BASE64 } }, { type: "text", text: "what is this?" }] }],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: expect.stringContaining("[1 image: image/png]") });
    expect(lastUpstreamBody().messages[0]).toEqual({
      role: "user",
      content: [
        { type: "image_url", image_url: { url: `data:image/png;base64,${FAKE_PNG_BASE64}` } },
        { type: "text", text: "what is this?" },
      ],
    });
  });

  it("counts tokens without calling the upstream", async () => {
    const before = f.upstream.requests.length;
    const counted = await client.messages.countTokens({ model: "gpt-4o-mini", system: "Be brief.", messages: [{ role: "user", content: "count these words please" }] });
    expect(counted.input_tokens).toBeGreaterThan(4);
    expect(f.upstream.requests.length).toBe(before);
  });

  it("answers errors in Anthropic's shape, which the SDK turns into its typed errors", async () => {
    const stranger = new Anthropic({ baseURL: f.hub.url, apiKey: "sk-hub-not-a-real-key", maxRetries: 0 });
    const denied = await stranger.messages.create({ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((denied as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "authentication_error", message: "Incorrect API key provided." } });

    const unknown = await client.messages.create({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);

    const res = await fetch(`${f.hub.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": f.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "no max_tokens" }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("max_tokens") } });

    const serverTool = await client.messages
      .create({ model: "gpt-4o-mini", max_tokens: 10, tools: [{ type: "web_search_20250305", name: "web_search" }], messages: [{ role: "user", content: "search" }] })
      .catch((e: unknown) => e);
    expect(serverTool).toBeInstanceOf(Anthropic.BadRequestError);
    expect((serverTool as Error).message).toContain("server tool 'web_search_20250305'");
  });
});
