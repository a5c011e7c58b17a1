import http from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddProviderInput } from "@/lib/admin/providers";
import { startFakeAnthropic } from "../fakes/anthropic-upstream";
import { startFakeBedrock } from "../fakes/bedrock-upstream";
import { CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, promptTokens, REASONING_TEXT, replyPieces, replyText, TOOL_ARGUMENTS, type FakeUpstream } from "../fakes/contract";
import { startFakeGemini } from "../fakes/gemini-upstream";
import { startFakeOllama } from "../fakes/ollama-upstream";
import { FAKE_PNG_BASE64, startFakeOpenAI, type OpenAIFlavor } from "../fakes/openai-upstream";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Every provider, through the hub, called with the real openai SDK: the same features against each
// provider's own wire format (fake upstreams speaking Anthropic SSE, Bedrock event streams, Gemini
// alt=sse, Ollama NDJSON and OpenAI SSE).

interface ProviderCase {
  name: string;
  type: string;
  start(): Promise<FakeUpstream & { apiKey?: string }>;
  settings(fake: FakeUpstream & Record<string, unknown>): Omit<AddProviderInput, "type" | "name">;
  /** the provider reports prompt tokens read from / written to its cache */
  cacheRead: boolean;
  cacheWrite: boolean;
  /** tool arguments arrive in pieces (others send a call whole) */
  argumentDeltas: boolean;
  embeddingModel?: string;
  imageModel?: string;
}

const openaiFlavor = (name: string, type: string, flavor: OpenAIFlavor, extra: Partial<ProviderCase> = {}): ProviderCase => ({
  name,
  type,
  start: () => startFakeOpenAI({ flavor }),
  settings: (fake) => ({ baseUrl: fake.url, apiKey: fake.apiKey as string }),
  cacheRead: true,
  cacheWrite: false,
  argumentDeltas: true,
  ...extra,
});

const CASES: ProviderCase[] = [
  openaiFlavor("openai", "openai", "openai", { embeddingModel: "text-embedding-3-small", imageModel: "gpt-image-1" }),
  openaiFlavor("compat", "openai_compatible", "openai", { embeddingModel: "bge-m3", imageModel: "flux-dev" }),
  openaiFlavor("deepseek", "deepseek", "deepseek"),
  openaiFlavor("openrouter", "openrouter", "openrouter", { embeddingModel: "openai/text-embedding-3-small" }),
  openaiFlavor("xai", "xai", "xai", { imageModel: "grok-2-image" }),
  openaiFlavor("doubao", "doubao", "doubao", { embeddingModel: "doubao-embedding-text-240715", imageModel: "doubao-seedream-4-0-250828" }),
  openaiFlavor("poe", "poe", "poe"),
  {
    name: "anthropic",
    type: "anthropic",
    start: () => startFakeAnthropic(),
    settings: (fake) => ({ baseUrl: fake.url, apiKey: fake.apiKey as string }),
    cacheRead: true,
    cacheWrite: true,
    argumentDeltas: true,
  },
  {
    name: "bedrock",
    type: "bedrock",
    start: () => startFakeBedrock(),
    settings: (fake) => ({ baseUrl: fake.url, region: fake.region as string, accessKeyId: fake.accessKeyId as string, secretAccessKey: fake.secretAccessKey as string }),
    cacheRead: true,
    cacheWrite: true,
    argumentDeltas: true,
    embeddingModel: "amazon.titan-embed-text-v2:0",
    imageModel: "amazon.nova-canvas-v1:0",
  },
  {
    name: "gemini",
    type: "gemini",
    start: () => startFakeGemini(),
    settings: (fake) => ({ baseUrl: fake.url, apiKey: fake.apiKey as string }),
    cacheRead: true,
    cacheWrite: false,
    argumentDeltas: false,
    embeddingModel: "gemini-embedding-001",
    imageModel: "gemini-2.5-flash-image",
  },
  {
    name: "ollama",
    type: "ollama",
    start: () => startFakeOllama(),
    settings: (fake) => ({ baseUrl: fake.url }),
    cacheRead: false,
    cacheWrite: false,
    argumentDeltas: false,
    embeddingModel: "nomic-embed-text",
  },
];

const PNG_DATA_URL = `data:image/png;base64,${FAKE_PNG_BASE64}`;
const weatherTool = {
  type: "function" as const,
  function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string" } }, required: ["city"] } },
};

let f: HubFixture;
const fakes = new Map<string, FakeUpstream & Record<string, unknown>>();
// the image server for URL images: the hub fetches from it through the exact host:port allow-list,
// with the address policy on for everything else
const pictures = http.createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from(FAKE_PNG_BASE64, "base64")));

beforeAll(async () => {
  await new Promise<void>((r) => pictures.listen(0, "127.0.0.1", r));
  f = await startHubFixture({ env: { HUB_IMAGE_FETCH_ALLOW_HOSTS: `127.0.0.1:${(pictures.address() as { port: number }).port}` } });
  for (const c of CASES) {
    const fake = (await c.start()) as FakeUpstream & Record<string, unknown>;
    fakes.set(c.name, fake);
    await f.lib.addProvider({ type: c.type, name: c.name, ...c.settings(fake) }, "test");
    // a priced model on the "cache" scenario, to check tokens and cost on the usage event
    await f.lib.addModel(
      { name: `${c.name}-priced`, provider: c.name, upstreamModel: "fake-cache", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", cachedInputUsdPer1M: "0.25", cacheWriteUsdPer1M: "1.25" },
      "test",
    );
    if (c.imageModel) await f.lib.addModel({ name: `${c.name}-image`, provider: c.name, upstreamModel: c.imageModel, type: "image", imageUsd: "0.04" }, "test");
  }
  await eventually(() => f.client.models.retrieve(`${CASES.at(-1)!.name}-priced`), 3000);
}, 120_000);

afterAll(async () => {
  await f?.close();
  pictures.close();
  for (const fake of fakes.values()) await fake.close();
});

describe.each(CASES)("$name ($type)", (c) => {
  const model = (upstream: string) => `${c.name}/${upstream}`;
  const fake = () => fakes.get(c.name)!;

  it("answers a non-streamed chat", async () => {
    const completion = await f.client.chat.completions.create({
      model: model("chat-model"),
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello over there" }],
      max_tokens: 200,
    });
    expect(completion.choices[0]!.message.content).toBe(replyText("hello over there"));
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.model).toBe(model("chat-model"));
    expect(completion.usage).toMatchObject({ prompt_tokens: promptTokens(["Be brief.", "hello over there"]), completion_tokens: replyPieces("hello over there").length });
  });

  it("streams the answer as it arrives", async () => {
    const stream = await f.client.chat.completions.create({ model: model("chat-model"), messages: [{ role: "user", content: "stream it please" }], stream: true });
    const deltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) deltas.push(chunk.choices[0].delta.content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas.join("")).toBe(replyText("stream it please"));
    expect(deltas.length).toBeGreaterThan(3);
    expect(finish).toBe("stop");
  });

  it("streams a tool call that assembles into the full arguments, then takes the tool's result", async () => {
    const stream = await f.client.chat.completions.create({
      model: model("chat-model"),
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
      stream: true,
    });
    let id = "";
    let name = "";
    const pieces: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
        expect(call.index).toBe(0);
        if (call.id) id = call.id;
        if (call.function?.name) name = call.function.name;
        if (call.function?.arguments) pieces.push(call.function.arguments);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe("get_weather");
    expect(id).not.toBe("");
    expect(JSON.parse(pieces.join(""))).toEqual(TOOL_ARGUMENTS);
    expect(finish).toBe("tool_calls");
    if (c.argumentDeltas) expect(pieces.length).toBeGreaterThan(1);

    const followUp = await f.client.chat.completions.create({
      model: model("chat-model"),
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name, arguments: pieces.join("") } }] },
        { role: "tool", tool_call_id: id, content: '{"temperature": 21}' },
      ],
      tools: [weatherTool],
      tool_choice: "none",
    });
    expect(followUp.choices[0]!.message.content).toContain("Hello from the fake upstream!");
    expect(followUp.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
  });

  it("ends the client's stream with an error event when the upstream fails mid-answer", async () => {
    const { data: stream, response } = await f.client.chat.completions
      .create({ model: model("fake-stream-error"), messages: [{ role: "user", content: "break halfway" }], stream: true })
      .withResponse();
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe(replyPieces("break halfway").slice(0, 2).join(""));
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event.status).toBe(502);
    expect(event.completionTokens).toBeGreaterThan(0);
  });

  it("passes an image to the model", async () => {
    const completion = await f.client.chat.completions.create({
      model: model("chat-model"),
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: PNG_DATA_URL } }] }],
    });
    expect(completion.choices[0]!.message.content).toBe(replyText("What is this?", [{ mediaType: "image/png", bytes: 0 }]));
  });

  it("records the provider's usage, cached tokens included, with the right cost", async () => {
    const { data, response } = await f.client.chat.completions
      .create({ model: `${c.name}-priced`, messages: [{ role: "user", content: "please check what this call costs" }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let reported: OpenAI.CompletionUsage | undefined;
    for await (const chunk of data) if (chunk.usage) reported = chunk.usage;
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    const cached = c.cacheRead ? CACHE_READ_TOKENS : 0;
    const written = c.cacheWrite ? CACHE_WRITE_TOKENS : 0;
    const prompt = promptTokens(["please check what this call costs"]);
    const completion = replyPieces("please check what this call costs").length;
    expect(event).toMatchObject({ status: 200, usageSource: "upstream", providerName: c.name, promptTokens: prompt, completionTokens: completion, cachedTokens: cached, cacheWriteTokens: written, attempts: 1 });
    expect(event.deploymentId).not.toBeNull();
    expect(reported).toMatchObject({ prompt_tokens: prompt, completion_tokens: completion });
    // $1 / 1M plain input, $0.25 cached, $1.25 written, $2 output (in nano-dollars per token: 1000, 250, 1250, 2000)
    expect(event.costNanoUsd).toBe(BigInt((prompt - cached - written) * 1000 + cached * 250 + written * 1250 + completion * 2000));
  });

  it("passes the provider's reasoning on as reasoning_content", async () => {
    const completion = await f.client.chat.completions.create({
      model: model("fake-reasoning"),
      messages: [{ role: "user", content: "think first" }],
      reasoning_effort: "low",
    });
    const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.content).toBe(replyText("think first"));
    expect(message.reasoning_content).toBe(REASONING_TEXT);
  });

  it.runIf(c.embeddingModel)("creates embeddings (base64, as the SDK asks by default)", async () => {
    const { data, response } = await f.client.embeddings.create({ model: model(c.embeddingModel!), input: ["first text", "second text"] }).withResponse();
    expect(data.data).toHaveLength(2);
    expect(data.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(data.data[0]!.embedding).not.toEqual(data.data[1]!.embedding);
    expect(data.data[0]!.embedding.every((v) => Number.isFinite(v))).toBe(true);
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "embeddings", status: 200, providerName: c.name });
  });

  it.runIf(c.imageModel)("generates images and prices them per image", async () => {
    const { data, response } = await f.client.images.generate({ model: `${c.name}-image`, prompt: "a lighthouse at dusk", n: 1, size: "1024x1024" }).withResponse();
    expect(data.data).toHaveLength(1);
    expect(Buffer.from(data.data![0]!.b64_json!, "base64").subarray(1, 4).toString()).toBe("PNG");
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "images", status: 200, images: 1 });
    expect(event.costNanoUsd).toBeGreaterThanOrEqual(40_000_000n);
  });

  it("checks its connection with the cheapest real call", async () => {
    const report = await f.lib.testProvider(c.name);
    expect(report.checks[0]).toMatchObject({ ok: true, error: null });
    expect(report.checks[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(fake().requests.length).toBeGreaterThan(0);
  });
});

describe("provider quirks", () => {
  it("OpenRouter gets the attribution headers", async () => {
    await f.client.chat.completions.create({ model: "openrouter/chat-model", messages: [{ role: "user", content: "hi" }] });
    const headers = fakes.get("openrouter")!.requests.at(-1)!.headers;
    expect(headers["x-title"]).toBe("AIGNE Hub");
    expect(headers["http-referer"]).toMatch(/^https?:\/\//);
  });

  it("DeepSeek does not get its own reasoning_content back in the history", async () => {
    const completion = await f.client.chat.completions.create({
      model: "deepseek/chat-model",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "answer", reasoning_content: "earlier thoughts" } as OpenAI.ChatCompletionAssistantMessageParam,
        { role: "user", content: "second" },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe(replyText("second"));
    expect(JSON.stringify(fakes.get("deepseek")!.requests.at(-1)!.body)).not.toContain("earlier thoughts");
  });

  it("xAI reasoning models do not get the sampling parameters they refuse", async () => {
    const completion = await f.client.chat.completions.create({ model: "xai/grok-4", messages: [{ role: "user", content: "hi" }], stop: ["\n"], presence_penalty: 0.5 });
    expect(completion.choices[0]!.message.content).toBe(replyText("hi"));
  });

  it("Poe gets only the parameters it documents", async () => {
    const completion = await f.client.chat.completions.create({ model: "poe/Claude-Sonnet-4.5", messages: [{ role: "user", content: "hi" }], seed: 3, user: "u-1", temperature: 0.3 });
    expect(completion.choices[0]!.message.content).toBe(replyText("hi"));
    expect(fakes.get("poe")!.requests.at(-1)!.body).toMatchObject({ temperature: 0.3 });
  });

  it("Doubao takes an inference endpoint id as the model", async () => {
    await f.client.chat.completions.create({ model: "doubao/ep-20250101000000-abcde", messages: [{ role: "user", content: "hi" }] });
    expect(fakes.get("doubao")!.requests.at(-1)!.body).toMatchObject({ model: "ep-20250101000000-abcde" });
  });

  it("Anthropic gets tool results as user-turn tool_result blocks and images by URL", async () => {
    await f.client.chat.completions.create({
      model: "anthropic/chat-model",
      messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "https://example.com/cat.png" } }] }],
    });
    expect(fakes.get("anthropic")!.requests.at(-1)!.body).toMatchObject({
      max_tokens: 4096,
      messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { type: "url", url: "https://example.com/cat.png" } }] }],
    });
  });

  it("image URLs are fetched and inlined for providers that only take bytes", async () => {
    const url = `http://127.0.0.1:${(pictures.address() as { port: number }).port}/picture`;
    for (const provider of ["gemini", "bedrock", "ollama"]) {
      const completion = await f.client.chat.completions.create({
        model: `${provider}/chat-model`,
        messages: [{ role: "user", content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url } }] }],
      });
      expect(completion.choices[0]!.message.content).toBe(replyText("see", [{ mediaType: "image/png", bytes: 0 }]));
    }
  });
});
