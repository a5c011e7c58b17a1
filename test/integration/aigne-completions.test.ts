import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promptTokens, replyPieces, replyText, TOOL_ARGUMENT_PIECES } from "../fakes/contract";
import { FAKE_PNG_BASE64 } from "../fakes/openai-upstream";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// The original AIGNE Hub's older chat protocol (POST /api/v2/completions and /api/v2/chat/completions),
// spoken with plain fetch: there is no published client for it to drive. camelCase requests with a
// prompt or messages; answers as {role, text, content, toolCalls?}, or streamed as {delta} events and
// a closing {usage}; every call recorded as an "aigne-hub" call with the upstream's token counts.

let f: HubFixture;

beforeAll(async () => {
  f = await startHubFixture();
});

afterAll(async () => {
  await f?.close();
});

const weatherTool = {
  type: "function",
  function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};
const toolArguments = TOOL_ARGUMENT_PIECES.join("");

function post(body: unknown, options: { path?: string; key?: string | null; accept?: string } = {}) {
  const { path = "/api/v2/completions", key = f.apiKey, accept } = options;
  return fetch(`${f.hub.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...(accept ? { accept } : {}) },
    body: JSON.stringify(body),
  });
}

/** The body of an event stream as its `data:` payloads, parsed; any other line fails the test. */
async function events(res: Response): Promise<Array<Record<string, unknown>>> {
  const blocks = (await res.text()).split("\n\n").filter((block) => block.trim());
  return blocks.map((block) => {
    expect(block.startsWith("data: ")).toBe(true);
    return JSON.parse(block.slice("data: ".length)) as Record<string, unknown>;
  });
}

const lastUpstreamBody = () => f.upstream.requests.at(-1)!.body as Record<string, unknown> & { messages: Array<Record<string, unknown>> };
const usageEventOf = (res: Response) => f.usageEvent(res.headers.get("x-request-id")!);

describe("AIGNE Hub completions (the older chat protocol)", () => {
  it("answers a prompt as one user message, with the camelCase parameters as OpenAI's, and records it", async () => {
    const res = await post({ model: "gpt-4o-mini", prompt: "hello completions", temperature: 0.3, topP: 0.9, presencePenalty: 0.5, frequencyPenalty: -0.5, maxTokens: 50 });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const expected = replyText("hello completions");
    expect(await res.json()).toEqual({ role: "assistant", text: expected, content: expected });

    const upstream = lastUpstreamBody();
    expect(upstream.model).toBe("gpt-4o-mini-2024-07-18");
    expect(upstream.messages).toEqual([{ role: "user", content: "hello completions" }]);
    expect(upstream).toMatchObject({ temperature: 0.3, top_p: 0.9, presence_penalty: 0.5, frequency_penalty: -0.5 });
    expect(upstream.max_completion_tokens ?? upstream.max_tokens).toBe(50);
    expect(upstream.stream).toBeFalsy();

    const event = await usageEventOf(res);
    expect(event).toMatchObject({ endpoint: "aigne-hub", stream: false, status: 200, requestedModel: "gpt-4o-mini", usageSource: "upstream" });
    // the fake's counts: 8 + the prompt's words, one output token per piece of its answer
    expect([event.promptTokens, event.completionTokens]).toEqual([promptTokens(["hello completions"]), replyPieces("hello completions").length]);
  });

  it("takes messages: system, user text and image parts, an earlier assistant turn, and a JSON schema format", async () => {
    const image = `data:image/png;base64,${FAKE_PNG_BASE64}`;
    const res = await post({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief.", name: "rules" },
        { role: "user", content: "first question" },
        { role: "assistant", content: "first answer" },
        { role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", imageUrl: { url: image } }] },
      ],
      responseFormat: { type: "json_schema", jsonSchema: { name: "answer", schema: { type: "object", properties: { a: { type: "string" } } }, strict: true } },
    });
    expect(res.status).toBe(200);
    const seen = [{ mediaType: "image/png", bytes: Buffer.from(FAKE_PNG_BASE64, "base64").length }];
    const expected = replyText("what is this", seen);
    expect(await res.json()).toEqual({ role: "assistant", text: expected, content: expected });

    const upstream = lastUpstreamBody();
    expect(upstream.messages).toEqual([
      { role: "system", content: "Be brief.", name: "rules" },
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: image } }] },
    ]);
    expect(upstream.response_format).toEqual({ type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { a: { type: "string" } } }, strict: true } });

    const event = await usageEventOf(res);
    expect(event).toMatchObject({ endpoint: "aigne-hub", status: 200 });
    expect([event.promptTokens, event.completionTokens]).toEqual([promptTokens(["Be brief.", "first question", "first answer", "what is this"]), replyPieces("what is this", seen).length]);
  });

  it("streams the text in several delta events, role on the first, then the usage the upstream reported", async () => {
    const res = await post({ model: "gpt-4o-mini", prompt: "stream these words please", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const all = await events(res);
    const pieces = replyPieces("stream these words please");
    expect(pieces.length).toBeGreaterThan(1);
    expect(all.slice(0, -1)).toEqual(pieces.map((content, i) => ({ delta: i === 0 ? { role: "assistant", content } : { content } })));
    const prompt = promptTokens(["stream these words please"]);
    expect(all.at(-1)).toEqual({ usage: { promptTokens: prompt, completionTokens: pieces.length, totalTokens: prompt + pieces.length } });
    expect(lastUpstreamBody().stream).toBe(true);

    const event = await usageEventOf(res);
    expect(event).toMatchObject({ endpoint: "aigne-hub", stream: true, status: 200, usageSource: "upstream", promptTokens: prompt, completionTokens: pieces.length });
  });

  it("streams for an Accept: text/event-stream header without stream in the body, as the ai-kit client asks, on /api/v2/chat/completions too", async () => {
    const res = await post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "accept header" }] }, { path: "/api/v2/chat/completions", accept: "text/event-stream" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const all = await events(res);
    const text = all.map((e) => (e.delta as { content?: string } | undefined)?.content ?? "").join("");
    expect(text).toBe(replyText("accept header"));
    expect(all.at(-1)).toMatchObject({ usage: { promptTokens: promptTokens(["accept header"]), completionTokens: replyPieces("accept header").length } });
    expect((await usageEventOf(res)).stream).toBe(true);
  });

  it("answers on /api/v2/chat/completions exactly as on /api/v2/completions", async () => {
    const res = await post({ model: "gpt-4o-mini", prompt: "the alias" }, { path: "/api/v2/chat/completions" });
    expect(res.status).toBe(200);
    const expected = replyText("the alias");
    expect(await res.json()).toEqual({ role: "assistant", text: expected, content: expected });
    const event = await usageEventOf(res);
    expect(event).toMatchObject({ endpoint: "aigne-hub", status: 200, promptTokens: promptTokens(["the alias"]), completionTokens: replyPieces("the alias").length });
  });

  it("sends tools in OpenAI's shape and answers the upstream's tool call as camelCase toolCalls", async () => {
    const res = await post({ model: "gpt-4o-mini", prompt: "Weather in Paris?", tools: [weatherTool], toolChoice: { type: "function", function: { name: "get_weather" } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ role: "assistant", text: "", content: "", toolCalls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: toolArguments } }] });
    const upstream = lastUpstreamBody();
    expect(upstream.tools).toEqual([weatherTool]);
    expect(upstream.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });

    const event = await usageEventOf(res);
    // the fake counts a tool call as its argument pieces plus two
    expect(event).toMatchObject({ endpoint: "aigne-hub", status: 200, promptTokens: promptTokens(["Weather in Paris?"]), completionTokens: TOOL_ARGUMENT_PIECES.length + 2 });
  });

  it("streams a tool call whole, after its argument pieces are in, and takes the call and its result back", async () => {
    const res = await post({ model: "gpt-4o-mini", prompt: "Weather in Paris?", tools: [weatherTool], stream: true });
    const all = await events(res);
    const prompt = promptTokens(["Weather in Paris?"]);
    const output = TOOL_ARGUMENT_PIECES.length + 2;
    expect(all).toEqual([
      { delta: { role: "assistant", toolCalls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: toolArguments } }] } },
      { usage: { promptTokens: prompt, completionTokens: output, totalTokens: prompt + output } },
    ]);
    expect(await usageEventOf(res)).toMatchObject({ endpoint: "aigne-hub", stream: true, promptTokens: prompt, completionTokens: output });

    const answer = await post({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, toolCalls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: toolArguments } }] },
        { role: "tool", toolCallId: "call_0", content: '{"temperature":18}' },
      ],
      tools: [weatherTool],
      toolChoice: "none",
    });
    expect(answer.status).toBe(200);
    const expected = replyText("Weather in Paris?");
    expect(await answer.json()).toEqual({ role: "assistant", text: expected, content: expected });
    expect(lastUpstreamBody().messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: toolArguments } }] },
      { role: "tool", tool_call_id: "call_0", content: '{"temperature":18}' },
    ]);
    expect(lastUpstreamBody().tool_choice).toBe("none");
  });

  it("reports an upstream failure after the stream started as an error event, and records the call as failed", async () => {
    const res = await post({ model: "fake/fake-stream-error", prompt: "crash please", stream: true });
    expect(res.status).toBe(200);
    const all = await events(res);
    expect(all).toEqual([
      { delta: { role: "assistant", content: "Hello " } },
      { delta: { content: "from " } },
      { error: { message: "The upstream provider 'fake' failed (HTTP 502).", code: "upstream_error" } },
    ]);
    const event = await usageEventOf(res);
    expect(event).toMatchObject({ endpoint: "aigne-hub", status: 502, errorCode: "upstream_error", usageSource: "estimated" });
  });

  it("refuses a body with both a prompt and messages, with neither, or with an unknown role, naming the field", async () => {
    const before = f.upstream.requests.length;
    const cases: Array<[unknown, string]> = [
      [{ model: "gpt-4o-mini", prompt: "hi", messages: [{ role: "user", content: "hi" }] }, "prompt"],
      [{ model: "gpt-4o-mini" }, "messages"],
      [{ model: "gpt-4o-mini", messages: [{ role: "bot", content: "hi" }] }, "messages[0].role"],
      [{ model: "gpt-4o-mini", messages: [{ role: "tool", content: "18 degrees" }] }, "messages[0].toolCallId"],
    ];
    for (const [body, param] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { message: string; type: string; code: string; param: string } };
      expect(error).toMatchObject({ type: "invalid_request_error", code: "invalid_body", param });
      expect(error.message).toContain(`'${param}'`);
    }
    expect(f.upstream.requests.length).toBe(before);
  });

  it("refuses a call without a key with 401", async () => {
    const before = f.upstream.requests.length;
    const res = await post({ model: "gpt-4o-mini", prompt: "hi" }, { key: null });
    expect(res.status).toBe(401);
    const { error } = (await res.json()) as { error: { type: string; message: string } };
    expect(error.type).toBe("authentication_error");
    expect(error.message.length).toBeGreaterThan(0);
    const wrong = await post({ model: "gpt-4o-mini", prompt: "hi" }, { key: "sk-hub-not-a-real-key" });
    expect(wrong.status).toBe(401);
    expect(f.upstream.requests.length).toBe(before);
  });
});
