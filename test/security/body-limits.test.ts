import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerJson, sendEndlessBody } from "../helpers/endless-body";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess } from "../helpers/hub-process";

// Endless and oversized bodies before and after authentication: a client sends headers and then a
// chunked body that never ends (or declares an enormous length). The hub must answer as soon as it
// knows the answer — refused requests without reading the body at all, accepted ones once the cap is
// passed — and then stop reading. What the socket took is measured on the client; the kernel's socket
// buffers on loopback hold several MiB, hence SLACK.

const MiB = 1024 * 1024;
const SLACK = 16 * MiB;
const GATEWAY_CAP = 2 * MiB;
const WEBHOOK_CAP = 1 * MiB;

let f: HubFixture;

beforeAll(async () => {
  f = await startHubFixture({
    env: { STRIPE_SECRET_KEY: "sk_test_body_limits", STRIPE_WEBHOOK_SECRET: "whsec_body_limits", HUB_MAX_BODY_BYTES: String(GATEWAY_CAP) },
  });
}, 90_000);

afterAll(async () => {
  await f?.close();
});

const json = { "content-type": "application/json" };

describe("the Stripe webhook", () => {
  it("answers 413 to an endless body as soon as its 1 MiB cap is passed, and stops reading", async () => {
    const result = await sendEndlessBody(`${f.hub.url}/api/stripe/webhook`, { headers: { ...json, "stripe-signature": "t=1,v1=00" } });
    expect(result.status).toBe(413);
    expect(answerJson(result)).toMatchObject({ error: { type: "invalid_request_error", code: "body_too_large" } });
    expect(result.bytesBeforeAnswer).toBeLessThanOrEqual(WEBHOOK_CAP + SLACK);
    expect(result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });

  it("refuses a delivery without a signature before reading its body", async () => {
    const result = await sendEndlessBody(`${f.hub.url}/api/stripe/webhook`, { headers: json });
    expect(result.status).toBe(400);
    expect(answerJson(result)).toMatchObject({ error: { code: "invalid_signature" } });
    expect(result.bytesBeforeAnswer + result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });

  it("answers 503 on a hub without Stripe before reading the body", async () => {
    const { STRIPE_SECRET_KEY: _key, STRIPE_WEBHOOK_SECRET: _secret, ...env } = f.env;
    const hub = await startHubProcess(env);
    try {
      const result = await sendEndlessBody(`${hub.url}/api/stripe/webhook`, { headers: { ...json, "stripe-signature": "t=1,v1=00" } });
      expect(result.status).toBe(503);
      expect(result.bytesBeforeAnswer + result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
    } finally {
      await hub.stop("SIGKILL");
    }
  }, 60_000);
});

describe("the Auth.js routes", () => {
  it("answer 413 to an endless sign-in body and stop reading", async () => {
    const result = await sendEndlessBody(`${f.hub.url}/api/auth/callback/credentials`, { headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(result.status).toBe(413);
    expect(result.bytesBeforeAnswer).toBeLessThanOrEqual(WEBHOOK_CAP + SLACK);
    expect(result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });

  it("refuse a declared length over the cap without reading", async () => {
    const result = await sendEndlessBody(`${f.hub.url}/api/auth/callback/credentials`, { headers: { "content-type": "application/x-www-form-urlencoded" }, contentLength: 400 * MiB });
    expect(result.status).toBe(413);
    expect(result.bytesBeforeAnswer + result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });
});

describe("the gateway's routes", () => {
  const routes = [
    { path: "/v1/chat/completions", shape: { error: { type: "invalid_request_error", code: "body_too_large" } } },
    { path: "/v1/messages/count_tokens", shape: { type: "error", error: { type: "request_too_large" } } },
    { path: "/api/v2/chat", shape: { error: { type: "invalid_request_error", code: "body_too_large" } } },
  ];

  it.each(routes)("$path answers 413 in its protocol's shape once an endless chunked body passes the cap", async ({ path, shape }) => {
    const result = await sendEndlessBody(`${f.hub.url}${path}`, { headers: { ...json, authorization: `Bearer ${f.apiKey}` } });
    expect(result.status).toBe(413);
    expect(answerJson(result)).toMatchObject(shape);
    expect(result.bytesBeforeAnswer).toBeLessThanOrEqual(GATEWAY_CAP + SLACK);
    expect(result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });

  it("refuses a body longer than its declared length allows, without reading it", async () => {
    const result = await sendEndlessBody(`${f.hub.url}/v1/chat/completions`, { headers: { ...json, authorization: `Bearer ${f.apiKey}` }, contentLength: 400 * MiB });
    expect(result.status).toBe(413);
    expect(result.bytesBeforeAnswer + result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });

  it.each(["/v1/chat/completions", "/v1/messages/count_tokens", "/api/v2/chat", "/api/billing/checkout"])(
    "%s answers 401 to an unknown key without reading the endless body",
    async (path) => {
      const result = await sendEndlessBody(`${f.hub.url}${path}`, { headers: { ...json, authorization: "Bearer sk-not-a-key" } });
      expect(result.status).toBe(401);
      expect(result.bytesBeforeAnswer + result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
    },
  );

  it("refuses a declared length over the cap on a page route before Next reads it", async () => {
    const result = await sendEndlessBody(`${f.hub.url}/login`, { headers: { "content-type": "text/plain" }, contentLength: 400 * MiB });
    expect(result.status).toBe(413);
    expect(result.bytesBeforeAnswer + result.bytesAfterAnswer).toBeLessThanOrEqual(SLACK);
  });
});

describe("JSON nesting depth", () => {
  const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  it("refuses a 20,000-deep value in an extra field with 400, and the deployment keeps serving others", async () => {
    const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata_extra":${deep(20_000)}}`;
    const res = await fetch(`${f.hub.baseURL}/chat/completions`, { method: "POST", headers: { ...json, authorization: `Bearer ${f.apiKey}` }, body });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { type: string; code: string; message: string } }).error;
    expect(error).toMatchObject({ type: "invalid_request_error", code: "json_too_deep" });
    expect(error.message).toMatch(/64/);

    // the same attack repeated does not cool the deployment down for another tenant
    for (let i = 0; i < 4; i++) {
      await fetch(`${f.hub.baseURL}/chat/completions`, { method: "POST", headers: { ...json, authorization: `Bearer ${f.apiKey}` }, body });
    }
    const other = (await f.lib.createApiKey({ userEmail: "dev@test.local", name: "another tenant" }, "test")).secret;
    const ok = await fetch(`${f.hub.baseURL}/chat/completions`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${other}` },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(ok.status).toBe(200);
  });

  it("refuses a deep value on the Anthropic and AIGNE routes in their shapes", async () => {
    const messages = await fetch(`${f.hub.url}/v1/messages`, {
      method: "POST",
      headers: { ...json, "x-api-key": f.apiKey },
      body: `{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"extra":${deep(20_000)}}`,
    });
    expect(messages.status).toBe(400);
    expect(await messages.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("a small request answered before its body was read", () => {
  it("keeps its keep-alive connection for the next request (a 401 to a POST does not reset the client's pooled socket)", async () => {
    const { Agent, request } = await import("node:http");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const post = (authorization: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
        const req = request(`${f.hub.url}/v1/chat/completions`, { method: "POST", agent, headers: { ...json, authorization, "content-length": Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.once("end", () => resolve(res.statusCode ?? 0));
        });
        req.once("socket", (socket) => sockets.add(socket));
        req.once("error", reject);
        req.end(body);
      });
    try {
      expect(await post("Bearer sk-hub-not-a-key")).toBe(401);
      // the same socket serves the next calls: refused ones and a real one
      expect(await post("Bearer sk-hub-not-a-key")).toBe(401);
      expect(await post(`Bearer ${f.apiKey}`)).toBe(200);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
