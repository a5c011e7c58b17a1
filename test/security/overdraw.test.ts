import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { HELD_OUTPUT, overdrawChecks, PER_TOKEN } from "./overdraw-checks";

// Attack: overdraw a credit account. Calls that set no output limit (or one far above the model's
// maximum) against an upstream that would write far more than any hold, many at once, on every
// protocol and endpoint; an upstream that ignores the cap; parameters that change what the upstream
// charges. The hub must send the output it held as the upstream's cap, never charge more than a
// call's hold (the balance never goes below zero), book exactly what it charged, and refuse with a
// 400 naming the parameter whatever it cannot price.

let f: HubFixture;
let check: ReturnType<typeof overdrawChecks>;

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_DEFAULT_MAX_OUTPUT_TOKENS: String(HELD_OUTPUT) } });
  check = overdrawChecks(f);
  await f.lib.setMode("service_provider", "test");
  await f.lib.addModel({ name: "long", provider: "fake", upstreamModel: "fake-long", type: "chat", ...PER_TOKEN }, "test");
  await f.lib.addModel({ name: "long-uncapped", provider: "fake", upstreamModel: "fake-long-uncapped", type: "chat", ...PER_TOKEN }, "test");
  await f.lib.addModel({ name: "long-max", provider: "fake", upstreamModel: "fake-long", type: "chat", maxOutputTokens: HELD_OUTPUT, ...PER_TOKEN }, "test");
  await f.lib.addModel({ name: "long-default", provider: "fake", upstreamModel: "fake-long", type: "chat", defaultOutputTokens: 200, maxOutputTokens: 600, ...PER_TOKEN }, "test");
  await f.lib.addModel({ name: "long-image", provider: "fake", upstreamModel: "gpt-image-1-fake-long", type: "image", inputUsdPer1M: "5", outputUsdPer1M: "40", marginPercent: "0" }, "test");
  await f.lib.addModel({ name: "flat-image", provider: "fake", upstreamModel: "dall-e-3", type: "image", imageUsd: "0.04", marginPercent: "0" }, "test");
  await f.lib.addModel({ name: "long-embedding", provider: "fake", upstreamModel: "text-embedding-fake-long-uncapped", type: "embedding", inputUsdPer1M: "1", marginPercent: "0" }, "test");
  await eventually(() => f.client.models.retrieve("long-embedding"), 3000);
}, 120_000);

afterAll(async () => {
  await f?.close();
});

const ask = "write me an endless story";

const protocols: Array<{ name: string; path: string; body: (stream: boolean) => unknown }> = [
  { name: "/v1/chat/completions", path: "/v1/chat/completions", body: (stream) => ({ model: "long", messages: [{ role: "user", content: ask }], stream }) },
  // Anthropic's protocol requires max_tokens: ask for far more than the model's maximum
  { name: "/v1/messages", path: "/v1/messages", body: (stream) => ({ model: "long-max", max_tokens: 1_000_000, messages: [{ role: "user", content: ask }], stream }) },
  { name: "/v1/responses", path: "/v1/responses", body: (stream) => ({ model: "long", input: ask, stream }) },
  { name: "/api/v2/chat", path: "/api/v2/chat", body: (streaming) => ({ input: { messages: [{ role: "user", content: ask }], modelOptions: { model: "long" } }, options: { streaming } }) },
];

describe("concurrent calls without an output limit never overdraw", () => {
  for (const protocol of protocols) {
    for (const stream of [false, true]) {
      it(`${protocol.name}${stream ? ", streamed" : ""}: the held output is the upstream's cap and the balance stays ≥ 0`, async () => {
        // room for two calls' holds, not four
        const { email, post } = await check.customer("5000");
        const from = f.upstream.requests.length;
        const admitted = await check.burst(() => post(protocol.path, protocol.body(stream)));
        check.expectCappedUpstream(from);
        const { events } = await check.expectNoOverdraw(email, admitted);
        // the upstream stopped at the cap and the caller paid for what it wrote
        for (const event of events.filter((e) => e.status === 200)) expect(event.completionTokens).toBe(HELD_OUTPUT);
      });
    }
  }

  it("a model's default output is what a call without a limit is held for and capped at; its maximum clamps a larger ask", async () => {
    const { email, post } = await check.customer("50000");
    const from = f.upstream.requests.length;
    const unlimited = await post("/v1/chat/completions", { model: "long-default", messages: [{ role: "user", content: ask }] });
    const tooMuch = await post("/v1/chat/completions", { model: "long-default", max_tokens: 50_000, messages: [{ role: "user", content: ask }] });
    const modest = await post("/v1/chat/completions", { model: "long-default", max_tokens: 400, messages: [{ role: "user", content: ask }] });
    expect([unlimited.status, tooMuch.status, modest.status]).toEqual([200, 200, 200]);
    const caps = f.upstream.requests.slice(from).filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body!.max_completion_tokens ?? r.body!.max_tokens);
    expect(caps).toEqual([200, 600, 400]);
    const { events } = await check.expectNoOverdraw(email, [unlimited, tooMuch, modest].map((r) => r.requestId!));
    expect(events.map((e) => e.completionTokens).sort((a, b) => a - b)).toEqual([200, 400, 600]);
  });

  it("n > 1 holds and caps every choice: the upstream is told the held cap and the account is never overdrawn", async () => {
    const { email, post } = await check.customer("7000");
    const from = f.upstream.requests.length;
    const admitted = await check.burst(() => post("/v1/chat/completions", { model: "long", n: 3, messages: [{ role: "user", content: ask }] }));
    // three choices of 1,000 tokens hold ~6,000 credits: only one call fits
    expect(admitted).toHaveLength(1);
    check.expectCappedUpstream(from);
    await check.expectNoOverdraw(email, admitted);
  });

  it("images: token-priced image models hold their dearest output per image, and n multiplies it", async () => {
    // two images hold 2 × 6,240 output tokens at $40 / 1M (499,200 credits) plus the prompt: two calls fit, not four
    const { email, post } = await check.customer("1000000");
    const admitted = await check.burst(() => post("/v1/images/generations", { model: "long-image", prompt: "a very detailed picture", n: 2 }));
    expect(admitted).toHaveLength(2);
    const { events } = await check.expectNoOverdraw(email, admitted);
    // the upstream reported 4,000,000 output tokens ($160); the charge stopped at the hold
    for (const event of events.filter((e) => e.status === 200)) {
      expect(event.costNanoUsd).toBeGreaterThanOrEqual(160_000_000_000n);
      expect(event.chargeMicrocredits).toBeLessThanOrEqual(499_300_000_000n);
    }
  });

  it("embeddings: an upstream that reports far more prompt tokens than were sent is charged no more than the hold", async () => {
    // "a short text to embed" is held as 6 tokens at $1 / 1M: 6 credits a call
    const { email, post } = await check.customer("15");
    const admitted = await check.burst(() => post("/v1/embeddings", { model: "long-embedding", input: "a short text to embed" }));
    const { events } = await check.expectNoOverdraw(email, admitted);
    for (const event of events.filter((e) => e.status === 200)) expect(event.promptTokens).toBe(2_000_000);
  });
});

describe("an upstream that ignores the cap", () => {
  it("is sent the cap, and the charge stops at the hold while the real cost is kept for the operator", async () => {
    const { email, post } = await check.customer("5000");
    const from = f.upstream.requests.length;
    const admitted = await check.burst(() => post("/v1/chat/completions", { model: "long-uncapped", messages: [{ role: "user", content: ask }], stream: true, stream_options: { include_usage: true } }));
    check.expectCappedUpstream(from);
    const { events } = await check.expectNoOverdraw(email, admitted);
    for (const event of events.filter((e) => e.status === 200)) {
      expect(event.completionTokens).toBe(2_000_000);
      // the operator sees what the upstream billed ($4) …
      expect(event.costNanoUsd).toBeGreaterThanOrEqual(4_000_000_000n);
      // … the customer pays no more than the hold (~2,000 credits)
      expect(event.chargeMicrocredits).toBeLessThan(2_100_000_000n);
    }
  });
});

describe("parameters that change the upstream's price are refused with a 400 naming them", () => {
  const chat = (extra: Record<string, unknown>, messages: unknown[] = [{ role: "user", content: "hi" }]) => ({ model: "long", messages, ...extra });
  const refusals: Array<[string, string, unknown]> = [
    ["service_tier priority", "service_tier", chat({ service_tier: "priority" })],
    ["service_tier flex", "service_tier", chat({ service_tier: "flex" })],
    ["web search", "web_search_options", chat({ web_search_options: {} })],
    ["audio output", "audio", chat({ audio: { voice: "alloy", format: "wav" } })],
    ["audio modality", "modalities", chat({ modalities: ["text", "audio"] })],
    ["predicted outputs", "prediction", chat({ prediction: { type: "content", content: "x".repeat(100) } })],
    ["OpenRouter's web plugin (an unknown field)", "plugins", chat({ plugins: [{ id: "web" }] })],
    ["OpenRouter's model fallbacks (an unknown field)", "models", chat({ models: ["openai/o1-pro"] })],
    ["audio input", "messages[0].content[0]", chat({}, [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }])],
  ];
  for (const [what, param, body] of refusals) {
    it(`chat: ${what}`, async () => {
      const { post } = await check.customer("100000");
      const from = f.upstream.requests.length;
      const { status, text } = await post("/v1/chat/completions", body);
      expect(status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error: { type: "invalid_request_error", param } });
      expect(f.upstream.requests.length).toBe(from);
    });
  }

  it("chat: the default service tiers and price-neutral options still pass", async () => {
    const { post } = await check.customer("100000");
    for (const extra of [{ service_tier: "auto" }, { service_tier: "default" }, { modalities: ["text"] }, { metadata: { run: "1" }, store: false, logit_bias: { "50256": -100 } }]) {
      const { status, text } = await post("/v1/chat/completions", chat(extra));
      expect(status, text).toBe(200);
    }
  });

  const imageRefusals: Array<[string, string, Record<string, unknown>]> = [
    ["an HD image at a per-image price", "quality", { model: "flat-image", prompt: "p", quality: "hd" }],
    ["a larger image at a per-image price", "size", { model: "flat-image", prompt: "p", size: "1792x1024" }],
    ["partial images (billed as extra output)", "partial_images", { model: "long-image", prompt: "p", partial_images: 3 }],
  ];
  for (const [what, param, body] of imageRefusals) {
    it(`images: ${what}`, async () => {
      const { post } = await check.customer("100000");
      const { status, text } = await post("/v1/images/generations", body);
      expect(status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error: { type: "invalid_request_error", param } });
    });
  }

  it("images: a standard image at a per-image price, n of them, is held and charged n × the price", async () => {
    const { post } = await check.customer("100000");
    const { status, requestId, text } = await post("/v1/images/generations", { model: "flat-image", prompt: "p", n: 2, size: "1024x1024", quality: "standard" });
    expect(status, text).toBe(200);
    expect((await f.usageEvent(requestId!)).chargeMicrocredits).toBe(80_000_000_000n);
  });
});
