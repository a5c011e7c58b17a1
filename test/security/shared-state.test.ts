import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// One tenant cannot degrade another: shared state (deployment cooldowns, credential suspension) moves
// only on evidence about the provider, never on an error the request caused itself. And direct
// "<provider>/<model>" routing is a setting that never reaches a disabled or unpriced model.

const FAILURES_TO_COOL = 3;
let f: HubFixture;
let other: OpenAI;

type ErrorBody = { error: { code: string | null; message: string; type: string } };

async function post(key: string, body: unknown) {
  const res = await fetch(`${f.hub.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get("x-request-id")!, body: (await res.json()) as ErrorBody };
}

const ask = (model: string) => ({ model, messages: [{ role: "user" as const, content: "hello" }] });
const chatsTo = (model: string) => f.upstream.requests.filter((r) => r.path.endsWith("/chat/completions") && r.body?.model === model).length;

async function member(email: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email, name: "other" }, "test");
  return secret;
}

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_COOLDOWN_AFTER_FAILURES: String(FAILURES_TO_COOL), HUB_COOLDOWN_MS: "60000" } });
  other = new OpenAI({ baseURL: f.hub.baseURL, apiKey: await member("bystander@test.local"), maxRetries: 0 });
  for (const status of [400, 404, 409, 413, 422]) {
    await f.lib.addModel({ name: `refuses-${status}`, provider: "fake", upstreamModel: `fake-error-${status}`, type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "1" }, "test");
  }
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("a request the upstream serializer cannot encode", () => {
  it("is refused with a 4xx every time, and another member's call still succeeds (over HTTP, a 20,000-deep extra field)", async () => {
    const depth = 20_000;
    const poisoned = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"extra":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    for (let i = 0; i < FAILURES_TO_COOL + 1; i++) {
      const { status, body } = await post(f.apiKey, poisoned);
      // refused at the edge (413/400) or when the upstream request is built (400): never an upstream failure
      expect([400, 413]).toContain(status);
      expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules|127\.0\.0\.1/);
    }
    const { data } = await other.chat.completions.create(ask("gpt-4o-mini")).withResponse();
    expect(data.choices[0]!.message.content).toContain("Hello from the fake upstream!");
  });

  it("is a request error, not a connection failure, when it reaches the serializer in the pipeline (a BigInt), and cools nothing down", async () => {
    // this test process runs the real pipeline against the same database and fake upstream: a value
    // no JSON body can carry reaches the upstream serializer, whatever the edge refuses
    const [{ gatewayCall }, { serveChat }, { openai }] = await Promise.all([import("@/lib/gateway/with-api-key"), import("@/lib/gateway/chat"), import("@/lib/gateway/protocols/openai")]);
    const inProcess = (key: string, request: Record<string, unknown>) =>
      gatewayCall({ endpoint: "chat" }, (ctx) => serveChat(openai, ctx, request as never))({
        method: "POST",
        url: "http://hub.test/v1/chat/completions",
        headers: new Headers({ authorization: `Bearer ${key}` }),
        body: null,
      });
    const before = chatsTo("gpt-4o-mini-2024-07-18");
    for (let i = 0; i < FAILURES_TO_COOL + 1; i++) {
      const reply = await inProcess(f.apiKey, { ...ask("gpt-4o-mini"), stream: false, metadata: { extra: 10n } });
      expect(reply.status).toBe(400);
      // refused by the serializer itself (a price-neutral field the hub forwards), not by an earlier check
      expect((reply as { body: { json: { error: { code: string } } } }).body.json.error.code).toBe("invalid_request");
    }
    expect(chatsTo("gpt-4o-mini-2024-07-18")).toBe(before);
    const bystander = await member("bystander-in-process@test.local");
    const reply = await inProcess(bystander, { ...ask("gpt-4o-mini"), stream: false });
    expect(reply.status).toBe(200);
  });
});

describe("a NUL character in a call's text", () => {
  it("is metered like any call and does not stop anyone else's usage from being written", async () => {
    // Postgres text cannot hold U+0000: one usage event carrying it used to fail its batch at every retry,
    // and every later call's usage (every tenant's) queued up behind it, unwritten
    const poisoned = await post(f.apiKey, ask("gpt-4o-mini\u0000"));
    expect(poisoned.status).toBe(404);
    const { response } = await other.chat.completions.create(ask("gpt-4o-mini")).withResponse();
    const bystander = await f.usageEvent(response.headers.get("x-request-id")!, 5000);
    expect(bystander.status).toBe(200);
    const refused = await f.usageEvent(poisoned.requestId, 5000);
    expect(refused.requestedModel).toBe("gpt-4o-mini");
  });
});

describe("upstream answers the request caused", () => {
  it.each([400, 404, 409, 413, 422])("passes an upstream %i on to the caller every time and never cools the deployment down", async (status) => {
    for (let i = 0; i < FAILURES_TO_COOL + 2; i++) {
      const res = await post(f.apiKey, ask(`refuses-${status}`));
      expect(res.status).toBe(status);
      expect(res.body.error.code).not.toBe("all_deployments_cooling_down");
    }
    expect(chatsTo(`fake-error-${status}`)).toBe(FAILURES_TO_COOL + 2);
  });
});

describe("a credential the provider refuses", () => {
  it("answers a 403 for one model with a 4xx, probes the credential, and keeps it active for everyone", async () => {
    const res = await post(f.apiKey, ask("fake/fake-error-403"));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("model_access_denied");
    expect(res.body.error.message).not.toContain(f.upstream.apiKey);
    const again = await post(f.apiKey, ask("fake/fake-error-403"));
    expect(again.status).toBe(403);
    const credentials = await f.db.credential.findMany({ where: { provider: { name: "fake" } } });
    expect(credentials.map((c) => c.status)).toEqual(["active"]);
    // the probe that cleared the credential is a model listing; a confirmed-good result is reused
    expect(f.upstream.requests.filter((r) => r.method === "GET" && r.path.endsWith("/models")).length).toBe(1);
    const { data } = await other.chat.completions.create(ask("gpt-4o-mini")).withResponse();
    expect(data.choices[0]!.message.content).toContain("Hello from the fake upstream!");
  });

  it("suspends a credential when the provider refuses it on the call and on the probe", async () => {
    const revokedKey = "sk-revoked-at-provider-0042";
    await f.lib.addProvider({ type: "openai", name: "revoked", baseUrl: f.upstream.url, apiKey: revokedKey }, "test");
    await f.lib.addModel({ name: "revoked-model", provider: "revoked", upstreamModel: "gpt-4o-mini", type: "chat" }, "test");
    await eventually(async () => expect((await post(f.apiKey, ask("revoked-model"))).status).not.toBe(404), 3000);
    const row = await f.db.credential.findFirstOrThrow({ where: { provider: { name: "revoked" } } });
    expect(row.status).toBe("suspended");
    expect(row.lastError).toMatch(/HTTP 401/);
    expect(f.upstream.requests.some((r) => r.path.endsWith("/models") && r.headers.authorization === `Bearer ${revokedKey}`)).toBe(true);
  });
});

describe("direct <provider>/<model> routing", () => {
  it("never reaches a disabled model", async () => {
    const { setEnabled } = await import("@/lib/admin/toggles");
    await f.lib.addModel({ name: "retired", provider: "fake", upstreamModel: "retired-upstream", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "1" }, "test");
    const model = await f.db.model.findUniqueOrThrow({ where: { name: "retired" } });
    await setEnabled("model", model.id, false, "test");
    await eventually(async () => expect((await post(f.apiKey, ask("retired"))).status).toBe(404), 3000);
    const res = await post(f.apiKey, ask("fake/retired-upstream"));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("model_not_found");
    expect(chatsTo("retired-upstream")).toBe(0);
  });

  it("is off by default in Service Provider mode; when on, reaches only priced models and charges their margin", async () => {
    await f.lib.setMode("service_provider", "test");
    const email = "customer@test.local";
    const key = await member(email);
    await f.lib.grantCredits({ userEmail: email, amount: "100000" }, "test");
    await f.lib.addModel({ name: "marked-up", provider: "fake", upstreamModel: "marked-up-upstream", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
    await eventually(async () => expect((await post(key, ask("marked-up"))).status).toBe(200), 3000);

    const off = await post(key, ask("fake/marked-up-upstream"));
    expect(off.status).toBe(404);
    expect(off.body.error.code).toBe("model_not_found");

    await f.lib.setSetting("direct-model-routing", "on", "test");
    // an operator's choice travels with the configuration
    const { exportConfig } = await import("@/lib/admin/config-io");
    expect((await exportConfig()).settings).toMatchObject({ mode: "service_provider", directModelRouting: "on" });
    const priced = await eventually(async () => {
      const res = await post(key, ask("fake/marked-up-upstream"));
      expect(res.status).toBe(200);
      return res;
    }, 3000);
    const event = await f.usageEvent(priced.value.requestId);
    // cost × 1.25 at the default credit price ($0.000001 = 1,000 nano-USD): 1,250 micro-credits per nano-USD
    expect(event.costNanoUsd).toBeGreaterThan(0n);
    expect(event.chargeMicrocredits).toBe(event.costNanoUsd * 1250n);

    // gpt-4o has a list price but no price on this hub; unpriced-upstream has none at all
    for (const model of ["fake/gpt-4o", "fake/unpriced-upstream", "fake/retired-upstream"]) {
      const res = await post(key, ask(model));
      expect(res.status, model).toBe(404);
      expect(res.body.error.code).toBe("model_not_found");
    }
    expect(chatsTo("gpt-4o") + chatsTo("unpriced-upstream") + chatsTo("retired-upstream")).toBe(0);
  });
});
