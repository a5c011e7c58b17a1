// Drives the fake Anthropic upstream with the real @anthropic-ai/sdk: if the SDK parses what the fake sends
// and the fake accepts what the SDK sends, the fake speaks Anthropic's wire format.
import Anthropic, {
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import {
  CACHE_READ_TOKENS,
  CACHE_WRITE_TOKENS,
  REASONING_TEXT,
  REASONING_TOKENS,
  TOOL_ARGUMENT_PIECES,
  TOOL_ARGUMENTS,
  promptTokens,
  replyPieces,
  replyText,
  sleep,
  type RecordedRequest,
} from "./contract";
import { startFakeAnthropic } from "./anthropic-upstream";

// a 1×1 PNG
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather in a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" }, unit: { type: "string" } }, required: ["city"] },
};

// a current model, so the SDK has no deprecation to warn about
const MODEL = "claude-sonnet-5-5";

let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
let client: Anthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ baseURL: fake.url, apiKey: fake.apiKey, maxRetries: 0 });
});
afterAll(() => fake.close());

const ask = (text: string, model = MODEL) => ({ model, max_tokens: 256, messages: [{ role: "user" as const, content: text }] });

function lastRequest(): RecordedRequest {
  const record = fake.requests.at(-1);
  if (!record) throw new Error("the fake has seen no request");
  return record;
}

/** The error `promise` rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail");
}

/** Sends a request the SDK's types would not let through. */
const createUnchecked = (params: object, sdk = client) => sdk.messages.create(params as Anthropic.MessageCreateParamsNonStreaming);

describe("fake Anthropic upstream, through @anthropic-ai/sdk", () => {
  it("answers with a real Message and records what the SDK sent", async () => {
    const message = await client.messages.create({ ...ask("Hello there"), system: "Be brief." });

    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: MODEL,
      content: [{ type: "text", text: replyText("Hello there") }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage).toMatchObject({
      input_tokens: promptTokens(["Be brief.", "Hello there"]),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      output_tokens: replyPieces("Hello there").length,
    });
    const record = lastRequest();
    expect(record).toMatchObject({ method: "POST", path: "/v1/messages", finished: true, sentText: replyText("Hello there") });
    // SDK 1.x sends API version 2026-10-21 and the key as a bearer token
    expect(record.headers["anthropic-version"]).toBe("2026-10-21");
    expect(record.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it("speaks the exact SSE wire format, ping included, to a client sending x-api-key", async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": fake.apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ ...ask("Raw bytes please"), stream: true }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const frames = (await response.text())
      .trimEnd()
      .split("\n\n")
      .map((frame) => {
        const [eventLine = "", dataLine = ""] = frame.split("\n");
        return { event: eventLine.replace(/^event: /, ""), data: JSON.parse(dataLine.replace(/^data: /, "")) as { type: string } };
      });

    const pieces = replyPieces("Raw bytes please");
    expect(frames.map((frame) => frame.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      ...pieces.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const frame of frames) expect(frame.data.type).toBe(frame.event);
  });

  it("refuses a request without anthropic-version, and a wrong key, the way Anthropic does", async () => {
    const unversioned = await fetch(`${fake.url}/v1/models`, { headers: { "x-api-key": fake.apiKey } });
    expect(unversioned.status).toBe(400);
    expect(await unversioned.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "anthropic-version: header is required" } });

    const stranger = new Anthropic({ baseURL: fake.url, apiKey: "sk-ant-someone-else", maxRetries: 0 });
    const error = await failure(stranger.models.list());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).apiMessage).toBe("invalid x-api-key");
  });

  it("streams with messages.stream() into the same final message", async () => {
    const stream = client.messages.stream(ask("Stream this please"));
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const final = await stream.finalMessage();

    expect(texts).toEqual(replyPieces("Stream this please"));
    expect(final.content).toEqual([{ type: "text", text: replyText("Stream this please"), citations: null }]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage).toMatchObject({ input_tokens: promptTokens(["Stream this please"]), output_tokens: texts.length });
    expect(lastRequest()).toMatchObject({ finished: true, closedEarly: false, sentText: replyText("Stream this please") });
  });

  it("yields the raw stream events in Anthropic's order from create({ stream: true })", async () => {
    const stream = await client.messages.create({ ...ask("Count these words"), stream: true });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    const pieces = replyPieces("Count these words");
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "content_block_start",
      ...pieces.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0]).toMatchObject({
      message: { content: [], stop_reason: null, usage: { input_tokens: promptTokens(["Count these words"]), output_tokens: 1 } },
    });
    expect(events[1]).toMatchObject({ index: 0, content_block: { type: "text", text: "" } });
    expect(events.slice(2, -3).map((event) => event.type === "content_block_delta" && event.delta.type === "text_delta" && event.delta.text)).toEqual(pieces);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: pieces.length } });
  });

  it("streams a tool call as input_json_delta pieces and accepts the tool_result turn", async () => {
    const params = { ...ask("Weather in Paris?"), tools: [WEATHER_TOOL] };
    const stream = client.messages.stream(params);
    const partials: string[] = [];
    stream.on("inputJson", (partial) => partials.push(partial));
    const final = await stream.finalMessage();

    expect(partials).toEqual(TOOL_ARGUMENT_PIECES);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage.output_tokens).toBe(TOOL_ARGUMENT_PIECES.length + 2);
    const [toolUse] = final.content;
    if (toolUse?.type !== "tool_use") throw new Error(`expected a tool_use block, got ${toolUse?.type}`);
    expect(toolUse).toMatchObject({ name: "get_weather", input: TOOL_ARGUMENTS });
    expect(toolUse.id).toMatch(/^toolu_/);

    const followUp = await client.messages.create({
      ...params,
      tool_choice: { type: "none" },
      messages: [
        ...params.messages,
        { role: "assistant", content: [{ type: "tool_use", id: toolUse.id, name: toolUse.name, input: toolUse.input }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "18 degrees and sunny" }, { type: "text", text: "Thanks!" }] },
      ],
    });
    expect(followUp.stop_reason).toBe("end_turn");
    expect(followUp.content).toEqual([{ type: "text", text: replyText("Thanks!"), citations: null }]);
    expect(followUp.usage.input_tokens).toBe(promptTokens(["Weather in Paris?", "18 degrees and sunny", "Thanks!"]));

    const stray = await failure(
      client.messages.create({
        ...params,
        messages: [...params.messages, { role: "assistant", content: "Let me check." }, { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_unknown", content: "?" }] }],
      }),
    );
    expect(stray).toBeInstanceOf(BadRequestError);
    expect((stray as BadRequestError).apiMessage).toContain("unexpected `tool_use_id` found in `tool_result` blocks: toolu_unknown");
  });

  it("answers a non-streamed tool call with the whole input, and calls the tool tool_choice names", async () => {
    const other = { ...WEATHER_TOOL, name: "get_forecast" };
    const message = await client.messages.create({ ...ask("Forecast?"), tools: [WEATHER_TOOL, other], tool_choice: { type: "tool", name: "get_forecast" } });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([{ type: "tool_use", id: expect.stringMatching(/^toolu_/), name: "get_forecast", input: TOOL_ARGUMENTS, caller: { type: "direct" } }]);
  });

  it("reports base64 and URL images of the last user turn in the reply", async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "text", text: "in these?" },
            { type: "image", source: { type: "url", url: "https://example.com/photos/cat.jpeg?size=large" } },
          ],
        },
      ],
    });
    const images = [
      { mediaType: "image/png", bytes: Buffer.from(PNG, "base64").length },
      { mediaType: "image/jpeg", bytes: 0 },
    ];
    expect(message.content).toEqual([{ type: "text", text: replyText("What is in these?", images), citations: null }]);
  });

  it.each([
    ["no max_tokens", { model: MODEL, messages: [{ role: "user", content: "Hi" }] }, "max_tokens: Field required"],
    ["no messages", { model: MODEL, max_tokens: 10, messages: [] }, "messages: at least one message is required"],
    ["an assistant turn first", { ...ask("Hi"), messages: [{ role: "assistant", content: "Hello" }] }, 'messages: first message must use the "user" role'],
    [
      "two user turns in a row",
      { ...ask("Hi"), messages: [{ role: "user", content: "Hi" }, { role: "user", content: "Again" }] },
      'roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    ],
    [
      "a system message after an assistant turn",
      { ...ask("Hi"), messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Yo" }, { role: "system", content: "Be nice" }] },
      "a system message must immediately follow a user message",
    ],
    [
      "a data: URL where base64 belongs",
      { ...ask("Hi"), messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: `data:image/png;base64,${PNG}` } }] }] },
      "messages.0.content.0.source.base64.data: invalid base64 data",
    ],
    [
      "an image/bmp",
      { ...ask("Hi"), messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/bmp", data: PNG } }] }] },
      "messages.0.content.0.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    [
      "a tool call left unanswered",
      {
        ...ask("Hi"),
        tools: [WEATHER_TOOL],
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
          { role: "user", content: "Well?" },
        ],
      },
      "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1",
    ],
    ["temperature on API version 2026-10-21", { ...ask("Hi"), temperature: 0.2 }, "temperature: Extra inputs are not permitted"],
  ])("refuses %s with a 400 invalid_request_error", async (_, params, message) => {
    const error = await failure(createUnchecked(params));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", apiMessage: expect.stringContaining(message) });
  });

  it("lets a 2023-06-01 client send temperature, and takes a system message right after a user turn", async () => {
    const legacy = new Anthropic({ baseURL: fake.url, apiKey: fake.apiKey, maxRetries: 0, defaultHeaders: { "anthropic-version": "2023-06-01" } });
    const message = await createUnchecked({ ...ask("Hi"), temperature: 0.2 }, legacy);
    expect(message.content).toEqual([{ type: "text", text: replyText("Hi"), citations: null }]);
    expect(lastRequest().headers["anthropic-version"]).toBe("2023-06-01");

    const steered = await client.messages.create({
      ...ask("Hi"),
      messages: [
        { role: "user", content: "Hi" },
        { role: "system", content: "Answer in French." },
      ],
    });
    expect(steered.usage.input_tokens).toBe(promptTokens(["Hi", "Answer in French."]));
  });

  it("stops at max_tokens and at a stop sequence", async () => {
    const pieces = replyPieces("Go on");
    const short = await client.messages.create({ ...ask("Go on"), max_tokens: 3 });
    expect(short).toMatchObject({ stop_reason: "max_tokens", stop_sequence: null, content: [{ text: pieces.slice(0, 3).join("") }], usage: { output_tokens: 3 } });

    const stopped = await client.messages.create({ ...ask("Go on"), stop_sequences: ["never", "fake"] });
    expect(stopped).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "fake", content: [{ text: "Hello from the " }] });
  });

  it("reports cached prompt tokens apart from input_tokens for fake-cache", async () => {
    const text = "Summarise this long and carefully cached document for me";
    const message = await client.messages.create({ ...ask(text, "fake-cache"), system: "You are terse." });
    expect(message.usage).toMatchObject({
      input_tokens: promptTokens(["You are terse.", text]) - CACHE_READ_TOKENS - CACHE_WRITE_TOKENS,
      cache_read_input_tokens: CACHE_READ_TOKENS,
      cache_creation_input_tokens: CACHE_WRITE_TOKENS,
    });
  });

  it("thinks before answering for fake-reasoning, with a signature, streamed or not", async () => {
    const pieces = replyPieces("Ponder this");
    const message = await client.messages.create(ask("Ponder this", "fake-reasoning"));
    expect(message.content).toEqual([
      { type: "thinking", thinking: REASONING_TEXT, signature: expect.stringMatching(/^[A-Za-z0-9+/]{20,}={0,2}$/) },
      { type: "text", text: replyText("Ponder this"), citations: null },
    ]);
    expect(message.usage).toMatchObject({ output_tokens: pieces.length + REASONING_TOKENS, output_tokens_details: { thinking_tokens: REASONING_TOKENS } });

    const stream = client.messages.stream(ask("Ponder this", "fake-reasoning"));
    const signatures: string[] = [];
    stream.on("signature", (signature) => signatures.push(signature));
    const final = await stream.finalMessage();
    expect(final.content[0]).toEqual({ type: "thinking", thinking: REASONING_TEXT, signature: signatures[0] });
    expect(signatures).toHaveLength(1);
    expect(final.content[1]).toMatchObject({ type: "text", text: replyText("Ponder this") });
  });

  it.each([
    [400, BadRequestError, "invalid_request_error"],
    [403, PermissionDeniedError, "permission_error"],
    [404, NotFoundError, "not_found_error"],
    [413, ContentTooLargeError, "request_too_large"],
    [500, InternalServerError, "api_error"],
    [529, OverloadedError, "overloaded_error"],
  ])("fails fake-error-%i as the SDK's typed error", async (status, errorClass, type) => {
    const error = await failure(client.messages.create(ask("Fail", `fake-error-${status}`)));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status, type, requestID: expect.stringMatching(/^req_/) });
    // the SDK obeys this header over its own retry rules
    expect((error as APIError).headers?.get("x-should-retry")).toBe(String(status >= 500));
  });

  it("rate-limits fake-error-429 with retry-after: 7", async () => {
    const error = await failure(client.messages.create({ ...ask("Fail", "fake-error-429"), stream: true }));
    expect(error).toBeInstanceOf(RateLimitError);
    const { status, headers, type } = error as RateLimitError;
    expect({ status, type, retryAfter: headers.get("retry-after"), shouldRetry: headers.get("x-should-retry") }).toEqual({
      status: 429,
      type: "rate_limit_error",
      retryAfter: "7",
      shouldRetry: "true",
    });
  });

  it("breaks fake-stream-error after two text deltas with an in-stream overloaded_error", async () => {
    const stream = await client.messages.create({ ...ask("Break please", "fake-stream-error"), stream: true });
    const texts: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) if (event.type === "content_block_delta" && event.delta.type === "text_delta") texts.push(event.delta.text);
      })(),
    );
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ type: "overloaded_error", apiMessage: "Overloaded" });
    expect(texts).toEqual(replyPieces("Break please").slice(0, 2));
    expect(lastRequest()).toMatchObject({ sentText: texts.join(""), finished: false });
  });

  it("holds a fake-gated JSON answer until release()", async () => {
    let answered = false;
    const pending = client.messages.create(ask("Wait for it", "fake-gated")).then((message) => {
      answered = true;
      return message;
    });
    await eventually(async () => expect(lastRequest().body).toMatchObject({ model: "fake-gated" }));
    await sleep(100);
    expect(answered).toBe(false);
    fake.release();
    expect((await pending).content).toEqual([{ type: "text", text: replyText("Wait for it"), citations: null }]);
  });

  it("notices a client that aborts a gated stream", async () => {
    const own = await startFakeAnthropic();
    try {
      const sdk = new Anthropic({ baseURL: own.url, apiKey: own.apiKey, maxRetries: 0 });
      const stream = await sdk.messages.create({ ...ask("Stop me", "fake-gated"), stream: true });
      const seen: string[] = [];
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
          seen.push(event.delta.text);
          break; // leaving the loop aborts the request
        }
      }
      const record = await own.waitForEarlyClose();
      expect(seen).toEqual(replyPieces("Stop me").slice(0, 1));
      expect(record).toMatchObject({ closedEarly: true, finished: false, sentText: seen[0] });
    } finally {
      await own.close();
    }
  });

  it("never answers fake-hang, so the client times out", async () => {
    const error = await failure(client.messages.create(ask("Anyone?", "fake-hang"), { timeout: 200 }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(lastRequest()).toMatchObject({ finished: false, sentText: "" });
  });

  it("lists and retrieves its model, and counts tokens without max_tokens", async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => [model.id, model.display_name])).toEqual([["claude-sonnet-4-5", "Claude Sonnet 4.5"]]);
    expect(page.has_more).toBe(false);
    expect((await client.models.retrieve("claude-sonnet-4-5")).created_at).toBe("2025-09-29T00:00:00Z");
    expect(await failure(client.models.retrieve("claude-nonexistent"))).toBeInstanceOf(NotFoundError);

    const count = await client.messages.countTokens({ model: MODEL, system: "Be brief.", messages: [{ role: "user", content: "How many tokens?" }] });
    expect(count).toEqual({ input_tokens: promptTokens(["Be brief.", "How many tokens?"]) });
  });
});
