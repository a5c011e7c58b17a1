import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic } from "../fakes/anthropic-upstream";
import { startFakeBedrock } from "../fakes/bedrock-upstream";
import { startFakeGemini } from "../fakes/gemini-upstream";
import { startFakeOllama } from "../fakes/ollama-upstream";
import type { FakeUpstream } from "../fakes/contract";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../fakes/otlp-receiver";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// OpenTelemetry on: every gateway call is a span exported over OTLP/HTTP to a loopback receiver, a
// child of the caller's W3C trace context, with a child span per upstream attempt, and the trace goes on
// to the upstream in its traceparent header.

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const PROMPT = "trace me through the hub";

let f: HubFixture;
let otlp: OtlpReceiver;
let primary: FakeOpenAI;
let anthropic: FakeUpstream & { apiKey: string };
/** upstreams reached through their own SDKs or clients, by provider name */
const sdkUpstreams = new Map<string, FakeUpstream>();
let logDir: string;

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const callerContext = () => {
  const traceId = hex(16);
  const parentId = hex(8);
  return { traceId, parentId, headers: { traceparent: `00-${traceId}-${parentId}-01`, tracestate: "caller=t61rcWkgMzE" } };
};

async function spanOf(requestId: string): Promise<ReceivedSpan> {
  const { value } = await eventually(async () => {
    const span = otlp.spans.find((s) => s.attributes["hub.request_id"] === requestId);
    if (!span) throw new Error(`no span for request ${requestId} yet`);
    return span;
  }, 10_000);
  return value;
}

const childrenOf = (span: ReceivedSpan) =>
  otlp.spans.filter((s) => s.parentSpanId === span.spanId && s.traceId === span.traceId).sort((a, b) => Number(a.attributes["hub.attempt"]) - Number(b.attributes["hub.attempt"]));

const chatRequestsTo = (fake: FakeUpstream, model: string) => fake.requests.filter((r) => r.path.endsWith("/chat/completions") && r.body?.model === model);

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  logDir = mkdtempSync(path.join(tmpdir(), "hub-modules-"));
  f = await startHubFixture({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: "hub-under-test", OTEL_BSP_SCHEDULE_DELAY: "50", HUB_TEST_MODULE_LOG: path.join(logDir, "modules.log") },
    nodeArgs: ["--import", path.resolve(import.meta.dirname, "../helpers/module-log.mjs")],
  });
  primary = await startFakeOpenAI();
  await f.lib.addProvider({ type: "openai", name: "primary", baseUrl: primary.url, apiKey: primary.apiKey }, "test");
  await f.lib.addModel({ name: "flaky", provider: "primary", upstreamModel: "fake-error-503", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
  await f.lib.addDeployment({ model: "flaky", provider: "fake", upstreamModel: "flaky-served", priority: 1 }, "test");
  anthropic = await startFakeAnthropic();
  await f.lib.addProvider({ type: "anthropic", name: "claude", baseUrl: anthropic.url, apiKey: anthropic.apiKey }, "test");
  await f.lib.addModel({ name: "claude-sonnet", provider: "claude", upstreamModel: "claude-sonnet-4-5", type: "chat" }, "test");
  const gemini = await startFakeGemini();
  const bedrock = await startFakeBedrock();
  const ollama = await startFakeOllama();
  sdkUpstreams.set("gemini", gemini).set("bedrock", bedrock).set("ollama", ollama);
  await f.lib.addProvider({ type: "gemini", name: "gemini", baseUrl: gemini.url, apiKey: gemini.apiKey }, "test");
  await f.lib.addProvider({ type: "bedrock", name: "bedrock", baseUrl: bedrock.url, region: bedrock.region, accessKeyId: bedrock.accessKeyId, secretAccessKey: bedrock.secretAccessKey }, "test");
  await f.lib.addProvider({ type: "ollama", name: "ollama", baseUrl: ollama.url }, "test");
  await f.lib.addModel({ name: "traced-gemini", provider: "gemini", upstreamModel: "gemini-2.5-flash", type: "chat" }, "test");
  await f.lib.addModel({ name: "traced-bedrock", provider: "bedrock", upstreamModel: "anthropic.claude-3-5-haiku-20241022-v1:0", type: "chat" }, "test");
  await f.lib.addModel({ name: "traced-ollama", provider: "ollama", upstreamModel: "llama3.2", type: "chat" }, "test");
  await eventually(() => f.client.models.retrieve("flaky"), 3000);
  await eventually(() => f.client.models.retrieve("traced-ollama"), 3000);
  await eventually(() => f.client.models.retrieve("claude-sonnet"), 3000);
}, 120_000);

afterAll(async () => {
  await f?.close();
  await primary?.close();
  await anthropic?.close();
  await Promise.all([...sdkUpstreams.values()].map((u) => u.close()));
  await otlp?.close();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

describe("a traced chat call", () => {
  it("is a server span in the caller's trace, with the GenAI attributes and the hub's numbers", async () => {
    const caller = callerContext();
    const { data, response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: PROMPT }] }, { headers: caller.headers }).withResponse();
    const requestId = response.headers.get("x-request-id")!;
    const event = await f.usageEvent(requestId);
    const span = await spanOf(requestId);

    expect(span.traceId).toBe(caller.traceId);
    expect(span.parentSpanId).toBe(caller.parentId);
    expect(span.traceState).toBe("caller=t61rcWkgMzE");
    expect(span.kind).toBe(SERVER);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.resource["service.name"]).toBe("hub-under-test");
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.provider.name": "openai",
      "gen_ai.usage.input_tokens": data.usage!.prompt_tokens,
      "gen_ai.usage.output_tokens": data.usage!.completion_tokens,
      "hub.provider": "fake",
      "hub.request_id": requestId,
      "hub.attempts": 1,
      "hub.stream": false,
      "http.response.status_code": 200,
      "hub.cost_usd": Number(event.costNanoUsd) / 1e9,
    });
    expect(span.attributes["hub.ttfb_ms"]).toBe(event.ttfbMs);
    expect(span.attributes["error.type"]).toBeUndefined();
    expect(span.statusCode).not.toBe(ERROR);

    const [attempt, ...more] = childrenOf(span);
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ kind: CLIENT, name: "chat gpt-4o-mini-2024-07-18", traceState: "caller=t61rcWkgMzE" });
    expect(attempt!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini-2024-07-18",
      "hub.attempt": 1,
      "hub.provider": "fake",
      "hub.credential_id": event.credentialId,
    });

    // the upstream request carried the trace on: the attempt span is its parent
    const [sent] = chatRequestsTo(f.upstream, "gpt-4o-mini-2024-07-18").filter((r) => JSON.stringify(r.body).includes(PROMPT));
    expect(sent!.headers.traceparent).toBe(`00-${caller.traceId}-${attempt!.spanId}-01`);
    expect(sent!.headers.tracestate).toBe("caller=t61rcWkgMzE");
  });

  it("ends a streamed call's span when the stream ends, with its usage", async () => {
    const caller = callerContext();
    const { data: stream, response } = await f.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: PROMPT }], stream: true, stream_options: { include_usage: true } }, { headers: caller.headers })
      .withResponse();
    let usage = null;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const span = await spanOf(response.headers.get("x-request-id")!);
    expect(span.traceId).toBe(caller.traceId);
    expect(span.attributes).toMatchObject({ "hub.stream": true, "gen_ai.usage.output_tokens": usage!.completion_tokens, "http.response.status_code": 200 });
    expect(childrenOf(span)).toHaveLength(1);
  });

  it("starts a trace of its own when the caller sent none", async () => {
    const { response } = await f.client.embeddings.create({ model: "text-embedding-3-small", input: "no parent" }).withResponse();
    const span = await spanOf(response.headers.get("x-request-id")!);
    expect(span.parentSpanId).toBe("");
    expect(span.attributes).toMatchObject({ "gen_ai.operation.name": "embeddings", "gen_ai.request.model": "text-embedding-3-small" });
    const [attempt] = childrenOf(span);
    const sent = f.upstream.requests.filter((r) => r.path.endsWith("/embeddings")).at(-1)!;
    // the SDK path (embeddings go through the openai SDK) propagates too
    expect(sent.headers.traceparent).toBe(`00-${span.traceId}-${attempt!.spanId}-01`);
  });

  it("carries the trace to an upstream reached through its SDK (Anthropic)", async () => {
    const caller = callerContext();
    const { response } = await f.client.chat.completions.create({ model: "claude-sonnet", messages: [{ role: "user", content: PROMPT }] }, { headers: caller.headers }).withResponse();
    const span = await spanOf(response.headers.get("x-request-id")!);
    expect(span.attributes).toMatchObject({ "gen_ai.provider.name": "anthropic", "gen_ai.response.model": "claude-sonnet-4-5", "hub.provider": "claude" });
    const [attempt] = childrenOf(span);
    const sent = anthropic.requests.filter((r) => r.path.endsWith("/messages")).at(-1)!;
    expect(sent.headers.traceparent).toBe(`00-${caller.traceId}-${attempt!.spanId}-01`);
  });
});

describe("the trace reaches every provider's client", () => {
  // Gemini (@google/genai), Bedrock (AWS SDK, added before signing) and Ollama (its client) each take the headers their own way
  it.each(["gemini", "bedrock", "ollama"])("%s: the upstream request's traceparent names the attempt span", async (provider) => {
    const caller = callerContext();
    const upstream = sdkUpstreams.get(provider)!;
    const before = upstream.requests.length;
    const { response } = await f.client.chat.completions
      .create({ model: `traced-${provider}`, messages: [{ role: "user", content: PROMPT }], max_tokens: 20 }, { headers: caller.headers })
      .withResponse();
    const span = await spanOf(response.headers.get("x-request-id")!);
    expect(span.traceId).toBe(caller.traceId);
    const [attempt] = childrenOf(span);
    expect(attempt!.attributes).toMatchObject({ "hub.provider": provider });
    const sent = upstream.requests.slice(before).filter((r) => r.method === "POST");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.traceparent).toBe(`00-${caller.traceId}-${attempt!.spanId}-01`);
    expect(sent[0]!.headers.tracestate).toBe("caller=t61rcWkgMzE");
  });
});

describe("a call that falls back", () => {
  it("has one child span per attempt, the failed one marked with its error, each upstream seeing its own", async () => {
    const caller = callerContext();
    const { response } = await f.client.chat.completions.create({ model: "flaky", messages: [{ role: "user", content: PROMPT }] }, { headers: caller.headers }).withResponse();
    const requestId = response.headers.get("x-request-id")!;
    const event = await f.usageEvent(requestId);
    const span = await spanOf(requestId);
    expect(span.traceId).toBe(caller.traceId);
    expect(span.attributes).toMatchObject({ "hub.attempts": 2, "gen_ai.response.model": "flaky-served", "hub.provider": "fake", "http.response.status_code": 200 });

    const [failed, served] = childrenOf(span);
    expect(childrenOf(span)).toHaveLength(2);
    expect(failed).toMatchObject({ kind: CLIENT, statusCode: ERROR });
    expect(failed!.attributes).toMatchObject({ "hub.attempt": 1, "hub.provider": "primary", "gen_ai.request.model": "fake-error-503", "error.type": "http", "http.response.status_code": 503 });
    expect(served!.statusCode).not.toBe(ERROR);
    expect(served!.attributes).toMatchObject({ "hub.attempt": 2, "hub.provider": "fake", "gen_ai.request.model": "flaky-served", "hub.credential_id": event.credentialId });
    expect(served!.attributes["error.type"]).toBeUndefined();

    expect(chatRequestsTo(primary, "fake-error-503").at(-1)!.headers.traceparent).toBe(`00-${caller.traceId}-${failed!.spanId}-01`);
    expect(chatRequestsTo(f.upstream, "flaky-served").at(-1)!.headers.traceparent).toBe(`00-${caller.traceId}-${served!.spanId}-01`);
  });
});

describe("what is exported", () => {
  it("is OTLP JSON on /v1/traces, and never a prompt, an answer, a key or an upstream address", async () => {
    expect(otlp.requests.length).toBeGreaterThan(0);
    for (const request of otlp.requests) expect(request).toMatchObject({ method: "POST", path: "/v1/traces", contentType: expect.stringMatching(/^application\/json/) });
    const exported = otlp.bodies.join("\n");
    expect(exported).toContain("hub.request_id");
    for (const secret of [PROMPT, "Hello from the fake upstream", f.apiKey, f.upstream.apiKey, primary.apiKey, anthropic.apiKey, f.upstream.url, primary.url, anthropic.url, new URL(primary.url).host, ...[...sdkUpstreams.values()].map((u) => u.url)]) {
      expect(exported).not.toContain(secret);
    }
  });

  it("comes from the OpenTelemetry bundle the hub loaded because an endpoint is set", () => {
    // the counterpart of tracing-off.test.ts: the same module log shows the SDK's bundle here
    const loaded = readFileSync(path.join(logDir, "modules.log"), "utf8");
    expect(loaded).toMatch(/dist\/gateway\.mjs/);
    expect(loaded).toMatch(/dist\/otel\.mjs/);
  });
});
