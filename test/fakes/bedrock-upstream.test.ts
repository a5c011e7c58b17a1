// Drives the fake Bedrock upstream with the real @aws-sdk/client-bedrock-runtime, so every frame,
// header and error shape the fake produces is one the SDK actually accepts and parses.
import {
  AccessDeniedException,
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  ModelStreamErrorException,
  ThrottlingException,
  ValidationException,
  type ConverseCommandInput,
  type ConverseStreamOutput,
  type ImageFormat,
  type Message,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeBedrock } from "./bedrock-upstream";
import {
  CACHE_READ_TOKENS,
  CACHE_WRITE_TOKENS,
  REASONING_TEXT,
  REASONING_TOKENS,
  TOOL_ARGUMENTS,
  TOOL_ARGUMENT_PIECES,
  promptTokens,
  replyPieces,
  replyText,
} from "./contract";

type Fake = Awaited<ReturnType<typeof startFakeBedrock>>;

// a model id with a colon, as real ones have: it is percent-encoded in the path and signed double-encoded
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

const WEATHER_TOOL = {
  tools: [{ toolSpec: { name: "get_weather", description: "Current weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } }],
};

let fake: Fake;
let client: BedrockRuntimeClient;

function clientFor(overrides: { accessKeyId?: string; secretAccessKey?: string; region?: string } = {}) {
  return new BedrockRuntimeClient({
    endpoint: fake.url,
    region: overrides.region ?? fake.region,
    credentials: { accessKeyId: overrides.accessKeyId ?? fake.accessKeyId, secretAccessKey: overrides.secretAccessKey ?? fake.secretAccessKey },
    requestHandler: new NodeHttpHandler(),
    // one attempt, so error tests see the fake's answer and not the SDK's retries
    maxAttempts: 1,
  });
}

const userSays = (...texts: string[]): Message[] => [{ role: "user", content: texts.map((text) => ({ text })) }];
const withImage = (text: string, format: ImageFormat, bytes: Uint8Array): Message[] => [{ role: "user", content: [{ text }, { image: { format, source: { bytes } } }] }];

async function collect(input: ConverseCommandInput): Promise<ConverseStreamOutput[]> {
  const { stream } = await client.send(new ConverseStreamCommand(input));
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream!) events.push(event);
  return events;
}

const typeOf = (event: ConverseStreamOutput) => Object.keys(event).find((key) => event[key as keyof ConverseStreamOutput] !== undefined);

async function rejection(promise: Promise<unknown>): Promise<BedrockRuntimeServiceException> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BedrockRuntimeServiceException);
  return error as BedrockRuntimeServiceException;
}

beforeAll(async () => {
  fake = await startFakeBedrock();
  client = clientFor();
});

afterAll(async () => {
  client.destroy();
  await fake.close();
});

describe("Converse", () => {
  it("echoes the last user turn with Bedrock's response shape and deterministic usage", async () => {
    const response = await client.send(new ConverseCommand({ modelId: MODEL, system: [{ text: "Be brief." }], messages: userSays("Hello", "there") }));
    const pieces = replyPieces("Hello there");
    expect(response.output?.message).toEqual({ role: "assistant", content: [{ text: replyText("Hello there") }] });
    expect(response.stopReason).toBe("end_turn");
    const prompt = promptTokens(["Be brief.", "Hello", "there"]);
    expect(response.usage).toEqual({ inputTokens: prompt, outputTokens: pieces.length, totalTokens: prompt + pieces.length });
    expect(response.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(response.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const recorded = fake.requests.at(-1)!;
    expect(recorded.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    const credential = `Credential=${fake.accessKeyId}/\\d{8}/us-east-1/bedrock/aws4_request`;
    expect(recorded.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 ${credential}, SignedHeaders=\\S+, Signature=[0-9a-f]{64}$`));
    expect(recorded.sentText).toBe(replyText("Hello there"));
    expect(recorded.finished).toBe(true);
  });

  it("reports the images of the last user turn and refuses a mislabelled one", async () => {
    const response = await client.send(new ConverseCommand({ modelId: MODEL, messages: withImage("What is this?", "png", PNG_1X1) }));
    expect(response.output?.message?.content?.[0]?.text).toBe(replyText("What is this?", [{ mediaType: "image/png", bytes: PNG_1X1.length }]));

    const mislabelled = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: withImage("And this?", "png", JPEG_HEAD) })));
    expect(mislabelled).toBeInstanceOf(ValidationException);
    expect(mislabelled.message).toContain("messages.0.content.1.image.source: Could not process image");
  });

  it("stops at maxTokens and before a stop sequence", async () => {
    const capped = await client.send(new ConverseCommand({ modelId: MODEL, messages: userSays("count"), inferenceConfig: { maxTokens: 3 } }));
    expect(capped.stopReason).toBe("max_tokens");
    expect(capped.output?.message?.content?.[0]?.text).toBe(replyPieces("count").slice(0, 3).join(""));
    expect(capped.usage?.outputTokens).toBe(3);

    const stopped = await client.send(new ConverseCommand({ modelId: MODEL, messages: userSays("count"), inferenceConfig: { stopSequences: ["upstream"] } }));
    expect(stopped.stopReason).toBe("stop_sequence");
    expect(stopped.output?.message?.content?.[0]?.text).toBe("Hello from the fake ");
  });

  it("reports cached prompt tokens beside inputTokens for fake-cache", async () => {
    const response = await client.send(new ConverseCommand({ modelId: "us.fake-cache", messages: userSays("cache me") }));
    const prompt = promptTokens(["cache me"]);
    const output = replyPieces("cache me").length;
    expect(response.usage).toEqual({
      inputTokens: prompt - CACHE_READ_TOKENS - CACHE_WRITE_TOKENS,
      outputTokens: output,
      totalTokens: prompt + output,
      cacheReadInputTokens: CACHE_READ_TOKENS,
      cacheWriteInputTokens: CACHE_WRITE_TOKENS,
    });
  });

  it("puts a signed reasoning block before the answer for fake-reasoning", async () => {
    const response = await client.send(new ConverseCommand({ modelId: "fake-reasoning", messages: userSays("think") }));
    const [reasoning, text] = response.output?.message?.content ?? [];
    expect(reasoning?.reasoningContent?.reasoningText?.text).toBe(REASONING_TEXT);
    expect(reasoning?.reasoningContent?.reasoningText?.signature).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(text?.text).toBe(replyText("think"));
    expect(response.usage?.outputTokens).toBe(replyPieces("think").length + REASONING_TOKENS);
  });
});

describe("ConverseStream", () => {
  it("streams the reply as AWS event stream frames in Bedrock's event order", async () => {
    const events = await collect({ modelId: MODEL, messages: userSays("stream please") });
    const pieces = replyPieces("stream please");
    expect(events.map(typeOf)).toEqual(["messageStart", ...pieces.map(() => "contentBlockDelta"), "contentBlockStop", "messageStop", "metadata"]);
    expect(events[0]?.messageStart?.role).toBe("assistant");
    expect(events.map((e) => e.contentBlockDelta?.delta?.text ?? "").join("")).toBe(replyText("stream please"));
    expect(events.every((e) => e.contentBlockDelta === undefined || e.contentBlockDelta.contentBlockIndex === 0)).toBe(true);
    expect(events.at(-2)?.messageStop?.stopReason).toBe("end_turn");
    const prompt = promptTokens(["stream please"]);
    expect(events.at(-1)?.metadata?.usage).toEqual({ inputTokens: prompt, outputTokens: pieces.length, totalTokens: prompt + pieces.length });
    expect(events.at(-1)?.metadata?.metrics?.latencyMs).toBeGreaterThanOrEqual(0);

    const recorded = fake.requests.at(-1)!;
    expect(recorded.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
    expect(recorded.finished).toBe(true);
    expect(recorded.sentText).toBe(replyText("stream please"));
  });

  it("streams a tool call in pieces, then accepts the tool result and answers in text", async () => {
    const messages = userSays("Weather in Paris?");
    const events = await collect({ modelId: MODEL, messages, toolConfig: { ...WEATHER_TOOL, toolChoice: { auto: {} } } });
    expect(events.map(typeOf)).toEqual(["messageStart", "contentBlockStart", ...TOOL_ARGUMENT_PIECES.map(() => "contentBlockDelta"), "contentBlockStop", "messageStop", "metadata"]);
    const toolUse = events[1]?.contentBlockStart?.start?.toolUse;
    expect(toolUse?.name).toBe("get_weather");
    expect(toolUse?.toolUseId).toMatch(/^tooluse_[A-Za-z0-9_-]{22}$/);
    const input = events.flatMap((e) => e.contentBlockDelta?.delta?.toolUse?.input ?? []);
    expect(input).toEqual(TOOL_ARGUMENT_PIECES);
    expect(JSON.parse(input.join(""))).toEqual(TOOL_ARGUMENTS);
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe("tool_use");

    const followUp: Message[] = [
      ...messages,
      { role: "assistant", content: [{ toolUse: { toolUseId: toolUse!.toolUseId!, name: "get_weather", input: TOOL_ARGUMENTS } }] },
      { role: "user", content: [{ toolResult: { toolUseId: toolUse!.toolUseId!, content: [{ text: "18 degrees and sunny" }], status: "success" } }] },
    ];
    const answer = await client.send(new ConverseCommand({ modelId: MODEL, messages: followUp, toolConfig: WEATHER_TOOL }));
    expect(answer.stopReason).toBe("end_turn");
    expect(answer.output?.message?.content?.[0]?.text).toBe(replyText("18 degrees and sunny"));

    const withoutToolConfig = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: followUp })));
    expect(withoutToolConfig.message).toBe("The toolConfig field must be defined when using toolUse and toolResult content blocks.");

    const wrongId = followUp.map((m, i) => (i === 2 ? { role: "user" as const, content: [{ toolResult: { toolUseId: "tooluse_other", content: [{ text: "?" }] } }] } : m));
    const mismatch = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: wrongId, toolConfig: WEATHER_TOOL })));
    expect(mismatch).toBeInstanceOf(ValidationException);
    expect(mismatch.message).toContain("tooluse_other");
  });

  it("streams reasoning deltas and their signature before the text for fake-reasoning", async () => {
    const events = await collect({ modelId: "fake-reasoning", messages: userSays("ponder") });
    const reasoning = events.filter((e) => e.contentBlockDelta?.contentBlockIndex === 0).map((e) => e.contentBlockDelta!.delta!.reasoningContent!);
    expect(reasoning.map((r) => r.text ?? "").join("")).toBe(REASONING_TEXT);
    expect(reasoning.at(-1)?.signature).toBeTruthy();
    const text = events.filter((e) => e.contentBlockDelta?.contentBlockIndex === 1).map((e) => e.contentBlockDelta!.delta!.text);
    expect(text.join("")).toBe(replyText("ponder"));
    expect(events.filter((e) => e.contentBlockStop).map((e) => e.contentBlockStop!.contentBlockIndex)).toEqual([0, 1]);
    expect(events.at(-1)?.metadata?.usage?.outputTokens).toBe(replyPieces("ponder").length + REASONING_TOKENS);
  });

  it("surfaces the in-stream modelStreamErrorException while iterating, after two pieces", async () => {
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: "fake-stream-error", messages: userSays("break") }));
    const texts: string[] = [];
    const iterate = async () => {
      for await (const event of stream!) if (event.contentBlockDelta?.delta?.text) texts.push(event.contentBlockDelta.delta.text);
    };
    const error = await iterate().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelStreamErrorException);
    expect((error as ModelStreamErrorException).originalStatusCode).toBe(500);
    expect(texts).toEqual(replyPieces("break").slice(0, 2));
  });

  it("holds a gated stream after its first piece and notices when the client gives up", async () => {
    const abort = new AbortController();
    const { stream } = await client.send(new ConverseStreamCommand({ modelId: "fake-gated", messages: userSays("wait here") }), { abortSignal: abort.signal });
    const iterator = stream![Symbol.asyncIterator]();
    expect((await iterator.next()).value?.messageStart).toBeDefined();
    expect((await iterator.next()).value?.contentBlockDelta?.delta?.text).toBe(replyPieces("wait here")[0]);
    const recorded = fake.requests.at(-1)!;
    expect(recorded.sentText).toBe(replyPieces("wait here")[0]);
    abort.abort();
    expect(await fake.waitForEarlyClose()).toBe(recorded);
    // once released, the fake sees the closed connection and writes nothing more
    fake.release();
    await expect(iterator.next()).rejects.toThrow();
    expect(recorded.sentText).toBe(replyPieces("wait here")[0]);
    expect(recorded.finished).toBe(false);
  });
});

describe("errors and auth", () => {
  it("maps fake-error-<status> to Bedrock's typed exceptions without a Retry-After", async () => {
    const throttled = await rejection(client.send(new ConverseCommand({ modelId: "fake-error-429", messages: userSays("hi") })));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect(throttled.message).toBe("Too many requests, please wait before trying again.");
    expect(throttled.$response?.headers["retry-after"]).toBeUndefined();

    const invalidRequest = await rejection(client.send(new ConverseStreamCommand({ modelId: "us.fake-error-400", messages: userSays("hi") })));
    expect(invalidRequest).toBeInstanceOf(ValidationException);
    expect(invalidRequest.$metadata.httpStatusCode).toBe(400);

    const denied = await rejection(client.send(new ConverseCommand({ modelId: "fake-error-403", messages: userSays("hi") })));
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(denied.$metadata.httpStatusCode).toBe(403);

    const unavailable = await rejection(client.send(new ConverseCommand({ modelId: "fake-error-503", messages: userSays("hi") })));
    expect(unavailable.name).toBe("ServiceUnavailableException");
    expect(unavailable.$metadata.httpStatusCode).toBe(503);
  });

  it("never answers fake-hang and delays fake-slow's JSON answer", async () => {
    const hang = client.send(new ConverseCommand({ modelId: "fake-hang", messages: userSays("hello?") }), { abortSignal: AbortSignal.timeout(200) });
    await expect(hang).rejects.toThrow(/abort/i);
    const hung = fake.requests.at(-1)!;
    expect(hung.path).toBe("/model/fake-hang/converse");
    // waitForEarlyClose() would return the gated request closed earlier in this file, so watch this one
    await vi.waitFor(() => expect(hung.closedEarly).toBe(true));
    expect(hung.finished).toBe(false);

    const started = Date.now();
    const slow = await client.send(new ConverseCommand({ modelId: "fake-slow", messages: userSays("slowly") }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slow.output?.message?.content?.[0]?.text).toBe(replyText("slowly"));
  });

  it("validates the conversation the way Bedrock does", async () => {
    const assistantFirst = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "assistant", content: [{ text: "Hi" }] }] })));
    expect(assistantFirst.message).toMatch(/^A conversation must start with a user message/);

    const twoUsers = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: [...userSays("one"), ...userSays("two")] })));
    expect(twoUsers).toBeInstanceOf(ValidationException);
    expect(twoUsers.message).toMatch(/must alternate between user and assistant roles/);

    const badFormat = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: withImage("x", "bmp" as ImageFormat, PNG_1X1) })));
    expect(badFormat.message).toContain("Value 'bmp' at 'messages.1.member.content.2.member.image.format'");

    const zeroTokens = await rejection(client.send(new ConverseCommand({ modelId: MODEL, messages: userSays("x"), inferenceConfig: { maxTokens: 0 } })));
    expect(zeroTokens.message).toContain("inferenceConfig.maxTokens");
  });

  it("refuses requests signed with the wrong secret, key id or region", async () => {
    const input = { modelId: MODEL, messages: userSays("let me in") };
    const wrongSecret = await rejection(clientFor({ secretAccessKey: "not-the-secret" }).send(new ConverseCommand(input)));
    expect(wrongSecret.name).toBe("InvalidSignatureException");
    expect(wrongSecret.$metadata.httpStatusCode).toBe(403);
    expect(wrongSecret.message).toMatch(/signature we calculated does not match/);

    const unknownKey = await rejection(clientFor({ accessKeyId: "AKIAUNKNOWN000000000" }).send(new ConverseCommand(input)));
    expect(unknownKey.name).toBe("UnrecognizedClientException");
    expect(unknownKey.$metadata.httpStatusCode).toBe(403);

    const wrongRegion = await rejection(clientFor({ region: "eu-west-1" }).send(new ConverseCommand(input)));
    expect(wrongRegion.name).toBe("InvalidSignatureException");
  });
});

describe("InvokeModel and CountTokens", () => {
  const invoke = async (modelId: string, body: unknown) => {
    const response = await client.send(new InvokeModelCommand({ modelId, contentType: "application/json", accept: "application/json", body: JSON.stringify(body) }));
    return { response, payload: JSON.parse(new TextDecoder().decode(response.body)) as Record<string, unknown> };
  };

  it("returns deterministic, normalised Titan embeddings of the requested size", async () => {
    const { response, payload } = await invoke("amazon.titan-embed-text-v2:0", { inputText: "embed these words", dimensions: 256 });
    const embedding = payload.embedding as number[];
    expect(response.contentType).toBe("application/json");
    expect(embedding).toHaveLength(256);
    expect(Math.hypot(...embedding)).toBeCloseTo(1, 6);
    expect(payload.inputTextTokenCount).toBe(promptTokens(["embed these words"]));
    expect(payload.embeddingsByType).toEqual({ float: embedding });
    const again = await invoke("amazon.titan-embed-text-v2:0", { inputText: "embed these words", dimensions: 256 });
    expect(again.payload.embedding).toEqual(embedding);
    const other = await invoke("amazon.titan-embed-text-v2:0", { inputText: "different words" });
    expect(other.payload.embedding).toHaveLength(1024);
    expect((other.payload.embedding as number[]).slice(0, 256)).not.toEqual(embedding);

    const badSize = await rejection(invoke("amazon.titan-embed-text-v2:0", { inputText: "x", dimensions: 100 }));
    expect(badSize).toBeInstanceOf(ValidationException);
    expect(badSize.message).toMatch(/^Malformed input request: #\/dimensions/);
  });

  it("generates real PNGs of the requested size with Nova Canvas", async () => {
    const { payload } = await invoke("amazon.nova-canvas-v1:0", {
      taskType: "TEXT_IMAGE",
      textToImageParams: { text: "a lighthouse at dusk" },
      imageGenerationConfig: { numberOfImages: 2, width: 512, height: 384 },
    });
    const images = (payload.images as string[]).map((b64) => Buffer.from(b64, "base64"));
    expect(images).toHaveLength(2);
    for (const png of images) {
      expect(png.subarray(0, 8)).toEqual(PNG_1X1.subarray(0, 8));
      expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 384]);
    }
    expect(images[0]).not.toEqual(images[1]);

    const unsupported = await rejection(invoke(MODEL, { prompt: "hi" }));
    expect(unsupported).toBeInstanceOf(ValidationException);
  });

  it("counts tokens of Converse-shaped and Anthropic-native input", async () => {
    const converse = await client.send(
      new CountTokensCommand({ modelId: MODEL, input: { converse: { system: [{ text: "Be brief." }], messages: userSays("how many tokens") } } }),
    );
    expect(converse.inputTokens).toBe(promptTokens(["Be brief.", "how many tokens"]));

    const native = { anthropic_version: "bedrock-2023-05-31", max_tokens: 10, system: "Be brief.", messages: [{ role: "user", content: [{ type: "text", text: "how many tokens" }] }] };
    const invoked = await client.send(new CountTokensCommand({ modelId: MODEL, input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify(native)) } } }));
    expect(invoked.inputTokens).toBe(converse.inputTokens);
  });
});
