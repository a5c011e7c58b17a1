import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
  await f.lib.addProvider({ type: "openai", name: "slowpoke", baseUrl: f.upstream.url, apiKey: f.upstream.apiKey, timeoutMs: 400 }, "test");
  await f.lib.addProvider({ type: "openai_compatible", name: "nowhere", baseUrl: "http://127.0.0.1:1/v1" }, "test");
  await f.lib.addProvider({ type: "openai", name: "badkey", baseUrl: f.upstream.url, apiKey: "sk-wrong-upstream-key-abcdef123456" }, "test");
  // the running hub sees the new providers within a second
  await eventually(async () => {
    const res = await post("/v1/chat/completions", { model: "nowhere/x", messages: [{ role: "user", content: "hi" }] });
    if (res.status === 404) throw new Error("provider not visible yet");
  });
});
afterAll(async () => {
  await f?.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${f.hub.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

type ErrorJson = { error: { message: string; type: string; code: string | null; param: string | null } };

async function expectError(res: Response, status: number, code: string | null) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  // no stack traces, no internals
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  const body = JSON.parse(text) as ErrorJson;
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  return body.error;
}

const chat = (model: string) => ({ model, messages: [{ role: "user", content: "hello" }] });

describe("request validation (400 in OpenAI's error shape, naming the field)", () => {
  it("refuses a body that is not JSON", async () => {
    const error = await expectError(await post("/v1/chat/completions", "{nope"), 400, "invalid_json");
    expect(error.message).toMatch(/not valid JSON/);
  });

  it("refuses an empty body", async () => {
    await expectError(await post("/v1/chat/completions", ""), 400, "invalid_json");
  });

  it("names a missing field", async () => {
    const error = await expectError(await post("/v1/chat/completions", { model: "gpt-4o-mini" }), 400, "invalid_body");
    expect(error.param).toBe("messages");
    expect(error.message).toContain("'messages'");
  });

  it("names a bad nested field", async () => {
    const error = await expectError(await post("/v1/chat/completions", { model: "gpt-4o-mini", messages: [{ role: "robot", content: "x" }] }), 400, "invalid_body");
    expect(error.param).toBe("messages[0].role");
  });

  it("names an out-of-range parameter", async () => {
    const error = await expectError(await post("/v1/chat/completions", { ...chat("gpt-4o-mini"), temperature: 5 }), 400, "invalid_body");
    expect(error.param).toBe("temperature");
  });

  it("surfaces as BadRequestError in the openai SDK", async () => {
    const failure = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages");
  });

  it("answers unknown /v1 paths and wrong verbs in the same shape", async () => {
    await expectError(await post("/v1/nothing-here", {}), 404, "unknown_url");
    const res = await fetch(`${f.hub.url}/v1/chat/completions`);
    expect(res.status).toBe(405);
    expect(((await res.json()) as ErrorJson).error.code).toBe("method_not_allowed");
    await expectError(await fetch(`${f.hub.url}/v1`), 404, "unknown_url");
  });

  it("serves a route with a trailing slash, and HEAD where GET is served", async () => {
    const listed = await fetch(`${f.hub.url}/v1/models/`, { headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { object: string }).object).toBe("list");
    const head = await fetch(`${f.hub.url}/v1/models`, { method: "HEAD", headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });
});

describe("API keys (401)", () => {
  it("refuses a request without a key", async () => {
    await expectError(await post("/v1/chat/completions", chat("gpt-4o-mini"), { authorization: "" }), 401, "missing_api_key");
  });

  it("refuses an unknown key, also through the SDK", async () => {
    await expectError(await post("/v1/chat/completions", chat("gpt-4o-mini"), { authorization: "Bearer sk-hub-notarealkey" }), 401, "invalid_api_key");
    const stranger = new OpenAI({ baseURL: f.hub.baseURL, apiKey: "sk-hub-0000000000000000000000000000000000000000000", maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("refuses a revoked key within a second of the revocation", async () => {
    const { secret, key } = await f.lib.createApiKey({ userEmail: MEMBER, name: "short-lived" }, "test");
    const auth = { authorization: `Bearer ${secret}` };
    await eventually(async () => expect((await post("/v1/chat/completions", chat("gpt-4o-mini"), auth)).status).toBe(200));
    await f.lib.revokeApiKey(key.id, "test");
    const { effectiveAfterMs } = await eventually(async () => expect((await post("/v1/chat/completions", chat("gpt-4o-mini"), auth)).status).toBe(401), 3000, 20);
    expect(effectiveAfterMs).toBeLessThan(1000);
    await expectError(await post("/v1/chat/completions", chat("gpt-4o-mini"), auth), 401, "revoked_api_key");
  });

  it("refuses an expired key", async () => {
    const { secret } = await f.lib.createApiKey({ userEmail: MEMBER, expiresAt: new Date(Date.now() + 1500) }, "test");
    await new Promise((r) => setTimeout(r, 1600));
    await expectError(await post("/v1/chat/completions", chat("gpt-4o-mini"), { authorization: `Bearer ${secret}` }), 401, "expired_api_key");
  });
});

describe("models (404, 403)", () => {
  it("answers 404 for an unknown model and records the failed call", async () => {
    const res = await post("/v1/chat/completions", chat("no-such-model"));
    const error = await expectError(res, 404, "model_not_found");
    expect(error.param).toBe("model");
    const event = await f.usageEvent(res.headers.get("x-request-id")!);
    expect(event).toMatchObject({ status: 404, errorCode: "model_not_found", requestedModel: "no-such-model", promptTokens: 0 });
  });

  it("answers 404 for a direct name with an unknown provider", async () => {
    await expectError(await post("/v1/chat/completions", chat("nope/gpt-4o")), 404, "model_not_found");
  });

  it("answers 403 when the key may not use the model", async () => {
    const { secret } = await f.lib.createApiKey({ userEmail: MEMBER, models: ["gpt-4o-mini"] }, "test");
    const scoped = new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
    await eventually(() => scoped.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ok" }] }));
    const failure = await scoped.embeddings.create({ model: "text-embedding-3-small", input: "x" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const res = await post("/v1/chat/completions", chat("fake/gpt-4o"), { authorization: `Bearer ${secret}` });
    await expectError(res, 403, "model_not_allowed");
  });

  it("refuses a chat model on the embeddings endpoint", async () => {
    await expectError(await post("/v1/embeddings", { model: "gpt-4o-mini", input: "x" }), 400, "wrong_model_type");
  });
});

describe("upstream failures", () => {
  it("passes an upstream 4xx through with its message", async () => {
    const error = await expectError(await post("/v1/chat/completions", chat("fake/fake-error-400")), 400, "unsupported_parameter");
    expect(error.message).toBe("The model `fake-error-400` does not support this request.");
  });

  it("passes an upstream 429 through with Retry-After", async () => {
    const res = await post("/v1/chat/completions", chat("fake/fake-error-429"));
    expect(res.headers.get("retry-after")).toBe("7");
    await expectError(res, 429, "rate_limit_exceeded");
  });

  it("turns an upstream 500 into a 502 and records it", async () => {
    const failure = await f.client.chat.completions.create({ model: "fake/fake-error-500", messages: [{ role: "user", content: "x" }] }).withResponse().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const apiError = failure as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.code).toBe("upstream_error");
    expect(apiError.message).toContain("HTTP 500");
    const event = await f.usageEvent(apiError.headers!.get("x-request-id")!);
    expect(event).toMatchObject({ status: 502, errorCode: "upstream_error", providerName: "fake" });
  });

  it("turns a refused connection into a 502", async () => {
    const error = await expectError(await post("/v1/chat/completions", chat("nowhere/any-model")), 502, "upstream_unreachable");
    expect(error.message).toContain("nowhere");
  });

  it("turns an upstream that does not answer in time into a 504", async () => {
    const started = Date.now();
    await expectError(await post("/v1/chat/completions", chat("slowpoke/fake-hang")), 504, "upstream_timeout");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports a refused upstream credential as a 502 without echoing any key", async () => {
    const res = await post("/v1/chat/completions", chat("badkey/gpt-4o-mini"));
    const error = await expectError(res, 502, "upstream_auth_failed");
    expect(error.message).toContain("badkey");
    expect(JSON.stringify(error)).not.toMatch(/sk-/);
  });
});
