import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/contract";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Routing and resilience: fallback across deployments, cooldowns, suspended credentials and their
// recheck, weighted balancing — against real upstream failures from loopback fakes.

let f: HubFixture;
let primary: FakeOpenAI;
let backup: FakeOpenAI;
let pool: FakeOpenAI;
const COOLDOWN_MS = 1500;

const sentTo = (fake: FakeUpstream, model?: string) => fake.requests.filter((r) => r.path.endsWith("/chat/completions") && (!model || r.body?.model === model)).length;
// calls made with a key (the background recheck also lists models with it; those do not count)
const keyUses = (fake: FakeUpstream, key: string) => fake.requests.filter((r) => r.path.endsWith("/chat/completions") && r.headers.authorization === `Bearer ${key}`).length;

async function chat(model: string) {
  const { data, response } = await f.client.chat.completions.create({ model, messages: [{ role: "user", content: "route me" }] }).withResponse();
  return { data, event: await f.usageEvent(response.headers.get("x-request-id")!) };
}

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_COOLDOWN_AFTER_FAILURES: "1", HUB_COOLDOWN_MS: String(COOLDOWN_MS), HUB_CREDENTIAL_RECHECK_MS: "400" } });
  [primary, backup, pool] = await Promise.all([startFakeOpenAI(), startFakeOpenAI(), startFakeOpenAI()]);
  const { lib } = f;
  await lib.addProvider({ type: "openai", name: "primary", baseUrl: primary.url, apiKey: primary.apiKey }, "test");
  await lib.addProvider({ type: "openai", name: "backup", baseUrl: backup.url, apiKey: backup.apiKey }, "test");
  await lib.addProvider({ type: "openai", name: "slowpoke", baseUrl: primary.url, apiKey: primary.apiKey, timeoutMs: 300 }, "test");
  await lib.addProvider({ type: "openai_compatible", name: "nowhere", baseUrl: "http://127.0.0.1:1/v1" }, "test");

  const withFallback = async (name: string, first: { provider: string; upstream: string }[]) => {
    await lib.addModel({ name, provider: first[0]!.provider, upstreamModel: first[0]!.upstream, type: "chat" }, "test");
    for (const [i, d] of first.slice(1).entries()) await lib.addDeployment({ model: name, provider: d.provider, upstreamModel: d.upstream, priority: i + 1 }, "test");
    await lib.addDeployment({ model: name, provider: "backup", upstreamModel: `${name}-served`, priority: first.length }, "test");
  };
  await withFallback("rate-limited", [{ provider: "primary", upstream: "fake-error-429" }]);
  await withFallback("flaky", [{ provider: "primary", upstream: "fake-error-503" }]);
  await withFallback("stalled", [
    { provider: "slowpoke", upstream: "fake-hang" },
    { provider: "nowhere", upstream: "anything" },
  ]);
  await withFallback("midstream", [{ provider: "primary", upstream: "fake-stream-error" }]);
  await lib.addModel({ name: "doomed", provider: "primary", upstreamModel: "doomed-fake-error-429", type: "chat" }, "test");

  // one provider with a key it refuses and a good one
  await lib.addProvider({ type: "openai", name: "pool", baseUrl: pool.url, apiKey: "sk-revoked-at-provider-0001" }, "test");
  await lib.addCredential({ provider: "pool", name: "good", apiKey: pool.apiKey }, "test");
  await lib.addModel({ name: "pooled", provider: "pool", upstreamModel: "gpt-4o-mini", type: "chat" }, "test");

  // weighted credentials (3:1) and weighted deployments (1:1)
  await lib.addProvider({ type: "openai", name: "weighted", baseUrl: backup.url, apiKey: backup.apiKey }, "test");
  backup.allowKey("sk-weighted-second-key-0002");
  await lib.addCredential({ provider: "weighted", name: "light", apiKey: "sk-weighted-second-key-0002", weight: 1 }, "test");
  await f.db.credential.updateMany({ where: { provider: { name: "weighted" }, name: "default" }, data: { weight: 3 } });
  await lib.addModel({ name: "weighted-model", provider: "weighted", upstreamModel: "weighted-upstream", type: "chat" }, "test");
  await lib.addModel({ name: "split", provider: "primary", upstreamModel: "split-a", type: "chat" }, "test");
  await lib.addDeployment({ model: "split", provider: "backup", upstreamModel: "split-b", priority: 0 }, "test");

  await eventually(() => f.client.models.retrieve("split"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
  await Promise.all([primary, backup, pool].map((fake) => fake?.close()));
});

describe("fallback", () => {
  it("serves a request from the next deployment when the first answers 429, and keeps the first cooling down for its Retry-After", async () => {
    const first = await chat("rate-limited");
    expect(first.data.choices[0]!.message.content).toContain("Hello from the fake upstream!");
    expect(first.event).toMatchObject({ status: 200, attempts: 2, providerName: "backup", upstreamModel: "rate-limited-served" });
    expect(sentTo(primary, "fake-error-429")).toBe(1);

    const second = await chat("rate-limited");
    expect(second.event).toMatchObject({ status: 200, attempts: 1, providerName: "backup" });
    // longer than HUB_COOLDOWN_MS, shorter than the upstream's Retry-After (7 s): still skipped
    await new Promise((r) => setTimeout(r, COOLDOWN_MS + 300));
    await chat("rate-limited");
    expect(sentTo(primary, "fake-error-429")).toBe(1);
  });

  it("cools a failing deployment down for the configured time, then tries it again", async () => {
    await chat("flaky");
    expect(sentTo(primary, "fake-error-503")).toBe(1);
    await chat("flaky");
    expect(sentTo(primary, "fake-error-503")).toBe(1);
    await new Promise((r) => setTimeout(r, COOLDOWN_MS + 200));
    const again = await chat("flaky");
    expect(sentTo(primary, "fake-error-503")).toBe(2);
    expect(again.event).toMatchObject({ status: 200, attempts: 2, providerName: "backup" });
  });

  it("falls back on a timeout and on a refused connection", async () => {
    const started = Date.now();
    const { event } = await chat("stalled");
    expect(event).toMatchObject({ status: 200, attempts: 3, providerName: "backup", upstreamModel: "stalled-served" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("never falls back once the stream has started: the client gets an error event", async () => {
    const before = sentTo(backup, "midstream-served");
    const stream = await f.client.chat.completions.create({ model: "midstream", messages: [{ role: "user", content: "go" }], stream: true });
    let text = "";
    await expect(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    }).rejects.toThrow(/failed \(HTTP 502\)/);
    expect(text).toBe("Hello from ");
    expect(sentTo(backup, "midstream-served")).toBe(before);
  });

  it("answers 429 with Retry-After while every deployment is cooling down", async () => {
    const first = await fetch(`${f.hub.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "doomed", messages: [{ role: "user", content: "x" }] }),
    });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("7");
    const second = await fetch(`${f.hub.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "doomed", messages: [{ role: "user", content: "x" }] }),
    });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(5);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe("all_deployments_cooling_down");
    expect(sentTo(primary, "doomed-fake-error-429")).toBe(1);
  });
});

describe("credentials", () => {
  it("suspends only the credential the provider refuses, serves from the others, and re-enables it once it works again", async () => {
    for (let i = 0; i < 6; i++) expect((await chat("pooled")).event.status).toBe(200);
    expect(keyUses(pool, "sk-revoked-at-provider-0001")).toBe(1);
    const rows = await f.db.credential.findMany({ where: { provider: { name: "pool" } }, orderBy: { name: "asc" } });
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ["default", "suspended"],
      ["good", "active"],
    ]);
    expect(rows[0]!.lastError).toMatch(/HTTP 401/);
    expect(rows[0]!.lastError).not.toContain("sk-revoked-at-provider-0001");
    // other providers' credentials are untouched
    expect((await f.db.credential.findMany({ where: { status: { not: "active" } } })).map((c) => c.id)).toEqual([rows[0]!.id]);

    // the key works again at the provider: the background recheck brings it back
    pool.allowKey("sk-revoked-at-provider-0001");
    await eventually(async () => expect((await f.db.credential.findUniqueOrThrow({ where: { id: rows[0]!.id } })).status).toBe("active"), 5000, 100);
    await eventually(async () => {
      await chat("pooled");
      expect(keyUses(pool, "sk-revoked-at-provider-0001")).toBeGreaterThan(2);
    }, 5000, 50);
  });

  it("shares a provider's traffic among its credentials by weight", async () => {
    const heavy = () => keyUses(backup, backup.apiKey);
    const light = () => keyUses(backup, "sk-weighted-second-key-0002");
    const [h0, l0] = [heavy(), light()];
    for (let i = 0; i < 8; i++) await chat("weighted-model");
    expect([heavy() - h0, light() - l0]).toEqual([6, 2]);
  });

  it("shares a model's traffic among deployments of the same priority", async () => {
    for (let i = 0; i < 6; i++) await chat("split");
    expect([sentTo(primary, "split-a"), sentTo(backup, "split-b")]).toEqual([3, 3]);
  });
});
