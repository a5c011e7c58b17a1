// Drives the fake Ollama with the real `ollama` client, so the fake stays wire-compatible with what
// the SDK sends and parses (NDJSON lines, {"error"} bodies and lines, ResponseError.status_code).
import { Ollama, type ChatResponse, type Message } from "ollama";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REASONING_TEXT, REASONING_TOKENS, TOOL_ARGUMENTS, promptTokens, replyPieces, replyText, type FakeUpstream } from "./contract";
import { EMBEDDING_DIMENSIONS, OLLAMA_VERSION, STREAM_ERROR_MESSAGE, startFakeOllama } from "./ollama-upstream";

// 1×1 images as real encoders write them (libpng-style PNG, libjpeg baseline JPEG)
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const JPEG_BASE64 =
  "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCOACqH/9k=";

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", required: ["city"], properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } } },
  },
};

let fake: FakeUpstream;
let ollama: Ollama;

beforeAll(async () => {
  fake = await startFakeOllama();
  ollama = new Ollama({ host: fake.url });
});
afterAll(() => fake.close());

const lastRequest = () => fake.requests.at(-1)!;

async function collect(stream: AsyncIterable<ChatResponse>): Promise<ChatResponse[]> {
  const parts: ChatResponse[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The error the promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { status_code?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { status_code?: number };
  }
  throw new Error("expected a rejection");
}

describe("fake Ollama /api/chat", () => {
  it("answers a non-streamed chat with the whole message and Ollama's counters", async () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Say hi to Ada" },
    ];
    const response = await ollama.chat({ model: "llama3.2", messages, options: { temperature: 0.2, num_predict: 64 } });

    expect(response.message).toEqual({ role: "assistant", content: replyText("Say hi to Ada") });
    expect(response).toMatchObject({ model: "llama3.2", done: true, done_reason: "stop" });
    expect(Number.isNaN(Date.parse(String(response.created_at)))).toBe(false);
    expect(response.prompt_eval_count).toBe(promptTokens(["Be brief.", "Say hi to Ada"]));
    expect(response.eval_count).toBe(replyPieces("Say hi to Ada").length);
    for (const counter of ["total_duration", "load_duration", "prompt_eval_duration", "eval_duration"] as const) {
      expect(Number.isInteger(response[counter]) && response[counter] > 0).toBe(true);
    }
    expect(lastRequest().body).toMatchObject({ model: "llama3.2", stream: false, options: { temperature: 0.2, num_predict: 64 } });
    expect(lastRequest()).toMatchObject({ path: "/api/chat", finished: true, sentText: replyText("Say hi to Ada") });
  });

  it("streams NDJSON pieces and a final done line when iterated", async () => {
    const stream = await ollama.chat({ model: "llama3.2", messages: [{ role: "user", content: "stream please" }], stream: true });
    const parts = await collect(stream);
    const final = parts.at(-1)!;

    expect(parts.slice(0, -1).map((p) => p.message.content)).toEqual(replyPieces("stream please"));
    expect(parts.slice(0, -1).every((p) => p.done === false)).toBe(true);
    expect(final).toMatchObject({ done: true, done_reason: "stop", message: { role: "assistant", content: "" } });
    expect(final.prompt_eval_count).toBe(promptTokens(["stream please"]));
    expect(final.eval_count).toBe(replyPieces("stream please").length);
    expect(lastRequest()).toMatchObject({ finished: true, closedEarly: false, sentText: replyText("stream please") });
  });

  it("streams by default when the request leaves `stream` out, as application/x-ndjson", async () => {
    const response = await fetch(`${fake.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "user", content: "raw" }] }),
    });
    const lines = (await response.text()).trimEnd().split("\n").map((line) => JSON.parse(line) as ChatResponse);

    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(lines.map((l) => l.message.content).join("")).toBe(replyText("raw"));
    expect(lines.at(-1)?.done).toBe(true);
  });

  it("answers tools with one whole tool call chunk, then accepts the tool result turn", async () => {
    const question = { role: "user", content: "Weather in Paris?" };
    const parts = await collect(await ollama.chat({ model: "qwen3", messages: [question], tools: [WEATHER_TOOL], stream: true }));
    const withCalls = parts.filter((p) => p.message.tool_calls?.length);

    expect(withCalls).toHaveLength(1);
    const call = withCalls[0]!.message.tool_calls![0]!;
    expect(call.function).toEqual({ index: 0, name: "get_weather", arguments: TOOL_ARGUMENTS });
    expect((call as { id?: string }).id).toMatch(/^call_[a-z0-9]{8}$/);
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
    expect(parts.map((p) => p.message.content).join("")).toBe("");

    const followUp: Message[] = [
      question,
      { role: "assistant", content: "", tool_calls: withCalls[0]!.message.tool_calls },
      { role: "tool", content: '{"temperature": 18}', tool_name: "get_weather" },
    ];
    const answer = await ollama.chat({ model: "qwen3", messages: followUp });
    expect(answer.message.content).toBe(replyText("Weather in Paris?"));
    expect((lastRequest().body?.messages as Message[])[2]).toEqual({ role: "tool", content: '{"temperature": 18}', tool_name: "get_weather" });
  });

  it("reports the images of the last user turn, sniffed from their bytes", async () => {
    const response = await ollama.chat({
      model: "llava",
      messages: [{ role: "user", content: "What is this?", images: [PNG_BASE64, JPEG_BASE64].map((b64) => Buffer.from(b64, "base64")) }],
    });
    const images = [
      { mediaType: "image/png", bytes: 70 },
      { mediaType: "image/jpeg", bytes: 269 },
    ];

    expect(response.message.content).toBe(replyText("What is this?", images));
    expect((lastRequest().body?.messages as Message[])[0]?.images).toEqual([PNG_BASE64, JPEG_BASE64]);
  });

  it("rejects images that are not raw base64, like a data: URL", async () => {
    const error = await rejection(ollama.chat({ model: "llava", messages: [{ role: "user", content: "x", images: [`data:image/png;base64,${PNG_BASE64}`] }] }));

    expect(error.name).toBe("ResponseError");
    expect(error.status_code).toBe(400);
    expect(error.message).toBe("illegal base64 data at input byte 4");
  });

  it("rejects a missing model, an unknown role and OpenAI-style string arguments with 400", async () => {
    const noModel = await rejection(ollama.chat({ model: "", messages: [{ role: "user", content: "x" }] }));
    const badRole = await rejection(ollama.chat({ model: "llama3.2", messages: [{ role: "developer", content: "x" }] }));
    const stringArgs = await fetch(`${fake.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "llama3.2", messages: [{ role: "assistant", content: "", tool_calls: [{ function: { name: "f", arguments: "{}" } }] }] }),
    });

    expect([noModel.status_code, noModel.message]).toEqual([400, "model is required"]);
    expect(badRole.status_code).toBe(400);
    expect(badRole.message).toContain('invalid role "developer"');
    expect(stringArgs.status).toBe(400);
    expect(((await stringArgs.json()) as { error: string }).error).toMatch(/cannot unmarshal string .*arguments/);
  });

  it("sends thinking before the answer for fake-reasoning when `think` asks for it", async () => {
    const parts = await collect(await ollama.chat({ model: "fake-reasoning", messages: [{ role: "user", content: "ponder" }], think: true, stream: true }));
    const thinking = parts.map((p) => p.message.thinking ?? "").join("");
    const firstContent = parts.findIndex((p) => p.message.content);

    expect(thinking).toBe(REASONING_TEXT);
    expect(parts.slice(0, firstContent).every((p) => p.message.thinking)).toBe(true);
    expect(parts.map((p) => p.message.content).join("")).toBe(replyText("ponder"));
    expect(parts.at(-1)?.eval_count).toBe(replyPieces("ponder").length + REASONING_TOKENS);

    const whole = await ollama.chat({ model: "fake-reasoning", messages: [{ role: "user", content: "ponder" }], think: "high" });
    expect(whole.message.thinking).toBe(REASONING_TEXT);
    const without = await ollama.chat({ model: "fake-reasoning", messages: [{ role: "user", content: "ponder" }], think: false });
    expect(without.message.thinking).toBeUndefined();
    expect(without.eval_count).toBe(replyPieces("ponder").length);
  });

  it("surfaces fake-error-<status> as the client's ResponseError, streamed or not", async () => {
    const notFound = await rejection(ollama.chat({ model: "fake-error-404", messages: [{ role: "user", content: "x" }] }));
    const busy = await rejection(ollama.chat({ model: "fake-error-503", messages: [{ role: "user", content: "x" }], stream: true }));

    expect(notFound.name).toBe("ResponseError");
    expect([notFound.status_code, notFound.message]).toEqual([404, 'model "fake-error-404" not found, try pulling it first']);
    expect(busy.status_code).toBe(503);
    expect(fake.requests.filter((r) => /fake-error/.test(String(r.body?.model))).every((r) => r.headers["retry-after"] === undefined)).toBe(true);
  });

  it("surfaces a mid-stream {\"error\"} line as an error while iterating", async () => {
    const stream = await ollama.chat({ model: "fake-stream-error", messages: [{ role: "user", content: "break" }], stream: true });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const part of stream) seen.push(part.message.content);
      })(),
    );

    expect(error.message).toBe(STREAM_ERROR_MESSAGE);
    expect(seen).toEqual(replyPieces("break").slice(0, 2));
    expect(lastRequest().sentText).toBe(seen.join(""));
  });

  it("marks the request closedEarly when the client aborts a gated stream", async () => {
    const client = new Ollama({ host: fake.url });
    const stream = await client.chat({ model: "fake-gated", messages: [{ role: "user", content: "wait here" }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    client.abort();

    expect(first.value?.message.content).toBe(replyPieces("wait here")[0]);
    await expect(iterator.next()).rejects.toThrow(/abort/i);
    const closed = await fake.waitForEarlyClose();
    expect(closed).toMatchObject({ closedEarly: true, finished: false, sentText: replyPieces("wait here")[0] });
  });
});

describe("fake Ollama embeddings and model listing", () => {
  it("embeds each input deterministically, unit length, in the requested dimensions", async () => {
    const first = await ollama.embed({ model: "nomic-embed-text", input: ["alpha beta", "gamma"], dimensions: 16 });
    const again = await ollama.embed({ model: "nomic-embed-text", input: "alpha beta" });

    expect(first.embeddings.map((e) => e.length)).toEqual([16, 16]);
    expect(first.embeddings[0]).not.toEqual(first.embeddings[1]);
    expect(Math.hypot(...first.embeddings[0]!)).toBeCloseTo(1, 6);
    expect(again.embeddings[0]).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(again.embeddings[0]!.slice(0, 4)).not.toEqual(first.embeddings[1]!.slice(0, 4));
    expect(first).toMatchObject({ model: "nomic-embed-text", prompt_eval_count: 3 });
    expect((await ollama.embed({ model: "nomic-embed-text", input: "alpha beta" })).embeddings).toEqual(again.embeddings);
  });

  it("answers the legacy /api/embeddings with one vector", async () => {
    const { embedding } = await ollama.embeddings({ model: "nomic-embed-text", prompt: "legacy" });

    expect(embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(lastRequest().path).toBe("/api/embeddings");
  });

  it("lists the installed model and reports the server version", async () => {
    const { models } = await ollama.list();

    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: "llama3.2:latest", model: "llama3.2:latest", details: { format: "gguf", family: "llama", parameter_size: "3.2B", quantization_level: "Q4_K_M" } });
    expect(models[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await ollama.version()).toEqual({ version: OLLAMA_VERSION });
  });
});

describe("fake Ollama behind an authenticating proxy", () => {
  it("requires Authorization: Bearer <apiKey> on every request", async () => {
    const guarded = await startFakeOllama({ apiKey: "ollama-secret-key" });
    try {
      const anonymous = await rejection(new Ollama({ host: guarded.url }).list());
      const authed = new Ollama({ host: guarded.url, headers: { Authorization: "Bearer ollama-secret-key" } });
      const reply = await authed.chat({ model: "llama3.2", messages: [{ role: "user", content: "let me in" }] });

      expect([anonymous.status_code, anonymous.message]).toEqual([401, "unauthorized"]);
      expect(reply.message.content).toBe(replyText("let me in"));
      expect(guarded.requests.at(-1)?.headers.authorization).toBe("Bearer ollama-secret-key");
    } finally {
      await guarded.close();
    }
  });
});
