import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/contract";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Per-model routing strategies (latency, price, least busy) against loopback fakes that differ in
// speed and in what they cost; priority tiers and cooldowns still apply under each.

let f: HubFixture;
let upstream: FakeOpenAI;
let gated: FakeOpenAI;

const sentTo = (fake: FakeUpstream, model: string) => fake.requests.filter((r) => r.path.endsWith("/chat/completions") && r.body?.model === model).length;

async function chat(model: string) {
  const { response } = await f.client.chat.completions.create({ model, messages: [{ role: "user", content: "route me" }] }).withResponse();
  return f.usageEvent(response.headers.get("x-request-id")!);
}

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_COOLDOWN_AFTER_FAILURES: "1", HUB_COOLDOWN_MS: "60000" } });
  [upstream, gated] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
  const { lib } = f;
  for (const name of ["east", "west"]) await lib.addProvider({ type: "openai", name, baseUrl: upstream.url, apiKey: upstream.apiKey }, "test");
  for (const name of ["busy-a", "busy-b"]) await lib.addProvider({ type: "openai", name, baseUrl: gated.url, apiKey: gated.apiKey }, "test");

  // latency: the first deployment answers after 300 ms, the second at once
  await lib.addModel({ name: "quick", provider: "east", upstreamModel: "quick-fake-slow", type: "chat" }, "test");
  await lib.addDeployment({ model: "quick", provider: "west", upstreamModel: "quick-fast", priority: 0 }, "test");
  await lib.setRoutingStrategy("quick", "latency", "test");
  // latency only ranks inside a tier: the slow deployment alone in tier 0 still serves
  await lib.addModel({ name: "tiered", provider: "east", upstreamModel: "tiered-fake-slow", type: "chat" }, "test");
  await lib.addDeployment({ model: "tiered", provider: "west", upstreamModel: "tiered-fast", priority: 1 }, "test");
  await lib.setRoutingStrategy("tiered", "latency", "test");

  // price: dearest first in the table, one with no known price at all
  await lib.addModel({ name: "cheap", provider: "east", upstreamModel: "cheap-dear", type: "chat" }, "test");
  await f.db.deployment.updateMany({ where: { upstreamModel: "cheap-dear" }, data: { inputNanoUsdPer1M: 5_000_000_000n, outputNanoUsdPer1M: 15_000_000_000n } });
  await lib.addDeployment({ model: "cheap", provider: "west", upstreamModel: "cheap-unpriced", priority: 0 }, "test");
  await lib.addDeployment({ model: "cheap", provider: "west", upstreamModel: "cheap-cheapest", priority: 0, inputCostUsdPer1M: "0.5", outputCostUsdPer1M: "1.5" }, "test");
  await lib.setRoutingStrategy("cheap", "price", "test");
  // price with the cheapest cooling down after a 429
  await lib.addModel({ name: "cheap-limited", provider: "east", upstreamModel: "limited-fake-error-429", type: "chat" }, "test");
  await f.db.deployment.updateMany({ where: { upstreamModel: "limited-fake-error-429" }, data: { inputNanoUsdPer1M: 1n, outputNanoUsdPer1M: 1n } });
  await lib.addDeployment({ model: "cheap-limited", provider: "west", upstreamModel: "limited-next", priority: 0, inputCostUsdPer1M: "1", outputCostUsdPer1M: "1" }, "test");
  await lib.addDeployment({ model: "cheap-limited", provider: "west", upstreamModel: "limited-dear", priority: 0, inputCostUsdPer1M: "9", outputCostUsdPer1M: "9" }, "test");
  await lib.setRoutingStrategy("cheap-limited", "price", "test");

  // least busy: weights 3:1 would send 3 of 4 calls to the first
  await lib.addModel({ name: "busy", provider: "busy-a", upstreamModel: "busy-a-fake-gated", type: "chat" }, "test");
  await f.db.deployment.updateMany({ where: { upstreamModel: "busy-a-fake-gated" }, data: { weight: 3 } });
  await lib.addDeployment({ model: "busy", provider: "busy-b", upstreamModel: "busy-b-fake-gated", priority: 0, weight: 1 }, "test");
  await lib.setRoutingStrategy("busy", "least_busy", "test");

  await eventually(() => f.client.models.retrieve("busy"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
  await Promise.all([upstream, gated].map((fake) => fake?.close()));
});

describe("routing strategies", () => {
  it("latency: measures every deployment once, then sends everything to the fastest", async () => {
    for (let i = 0; i < 8; i++) expect((await chat("quick")).status).toBe(200);
    expect([sentTo(upstream, "quick-fake-slow"), sentTo(upstream, "quick-fast")]).toEqual([1, 7]);
  });

  it("latency ranks inside a priority tier only: a faster fallback tier is not preferred", async () => {
    for (let i = 0; i < 3; i++) await chat("tiered");
    expect([sentTo(upstream, "tiered-fake-slow"), sentTo(upstream, "tiered-fast")]).toEqual([3, 0]);
  });

  it("price: sends every call to the cheapest deployment, and prices from the operator's cost", async () => {
    for (let i = 0; i < 5; i++) expect((await chat("cheap")).upstreamModel).toBe("cheap-cheapest");
    expect([sentTo(upstream, "cheap-dear"), sentTo(upstream, "cheap-unpriced"), sentTo(upstream, "cheap-cheapest")]).toEqual([0, 0, 5]);
  });

  it("price: a cheapest deployment cooling down is skipped for the next cheapest", async () => {
    const first = await chat("cheap-limited");
    expect(first).toMatchObject({ status: 200, attempts: 2, upstreamModel: "limited-next" });
    for (let i = 0; i < 3; i++) expect(await chat("cheap-limited")).toMatchObject({ attempts: 1, upstreamModel: "limited-next" });
    expect([sentTo(upstream, "limited-fake-error-429"), sentTo(upstream, "limited-dear")]).toEqual([1, 0]);
  });

  it("least busy: spreads concurrent slow calls evenly whatever the weights", async () => {
    const calls: Promise<unknown>[] = [];
    for (let i = 1; i <= 4; i++) {
      calls.push(chat("busy"));
      // the next call is routed once this one is in flight upstream
      await eventually(async () => expect(gated.requests.filter((r) => r.path.endsWith("/chat/completions")).length).toBe(i), 5000, 20);
    }
    expect([sentTo(gated, "busy-a-fake-gated"), sentTo(gated, "busy-b-fake-gated")]).toEqual([2, 2]);
    gated.release();
    expect(await Promise.all(calls)).toEqual(Array(4).fill(expect.objectContaining({ status: 200 })));
  });
});
