import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPriceCatalogue } from "../fakes/price-catalogue";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// The price guard against the bundled list prices and a price catalogue on loopback: drift and
// below-cost findings (cached input and group margins included), one alert per model newly selling
// below cost, the refusal of underpriced calls when the operator turns it on, and prices scheduled
// for later charging the calls that start after them — against the real server and database.

let f: HubFixture;
let catalogue: Awaited<ReturnType<typeof startPriceCatalogue>>;
let adminToken: string;
let groups: typeof import("@/lib/admin/groups");

async function customer(email: string, groupId: string | null = null) {
  await f.lib.createUser({ email, role: "member" }, "test");
  await f.lib.grantCredits({ userEmail: email, amount: "20000" }, "test");
  if (groupId) await groups.assignGroup(email, groupId, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  return new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
}

/** Runs the price guard in the hub, as the admin API's button does. */
async function checkPrices() {
  const res = await fetch(`${f.hub.url}/api/admin/v1/price-findings/check`, { method: "POST", headers: { authorization: `Bearer ${adminToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { models: number; drift: number; belowCost: number; catalogue?: { ok: boolean } };
}

async function findings(model: string) {
  const rows = await f.db.priceFinding.findMany({ where: { model: { name: model } } });
  const groupNames = new Map((await f.db.customerGroup.findMany()).map((g) => [g.id, g.name]));
  return rows.map((r) => ({ kind: r.kind, source: r.source, component: r.component, group: r.groupId ? groupNames.get(r.groupId)! : null, hub: r.hubNanoUsd, reference: r.referenceNanoUsd }));
}

/** The same findings, in any order. */
const expectFindings = (found: Awaited<ReturnType<typeof findings>>, expected: typeof found) => {
  expect(found).toHaveLength(expected.length);
  expect(found).toEqual(expect.arrayContaining(expected));
};

const call = (client: OpenAI, model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "charge me" }], max_tokens: 9 }).withResponse();
const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);

beforeAll(async () => {
  f = await startHubFixture();
  groups = await import("@/lib/admin/groups");
  catalogue = await startPriceCatalogue([
    // the provider raised its output price above the bundled list's $0.60
    { provider: "openai", model: "gpt-4o-mini", input: 0.15, output: "0.8", cache_read: 0.075 },
    // models billed by the minute of audio, the 1M characters and the second of video
    { provider: "openai", model: "whisper-1", input: 0, output: 0, audio: "0.006" },
    { provider: "openai", model: "tts-1", input: 0, output: 0, characters: 15 },
    { provider: "openai", model: "sora-2", input: 0, output: 0, video: "0.1" },
  ]);
  await f.lib.setMode("service_provider", "test");
  await f.lib.setSetting("price-source-url", catalogue.url, "test");
  adminToken = (await (await import("@/lib/admin/tokens")).createAdminToken({ name: "price guard", scope: "full" }, "test")).secret;
  // the bundled list prices gpt-4o-mini at $0.15 in, $0.60 out, $0.075 cached input
  await f.lib.addModel({ name: "guarded", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "0.15", outputUsdPer1M: "0.6", cachedInputUsdPer1M: "0.075", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "cache-cheap", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "0.15", outputUsdPer1M: "0.6", cachedInputUsdPer1M: "0.01", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "cheap-whisper", provider: "fake", upstreamModel: "whisper-1", type: "transcription", audioUsdPerMinute: "0.004", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "cheap-tts", provider: "fake", upstreamModel: "tts-1", type: "speech", charactersUsdPer1M: "10", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "cheap-video", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.05", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "fair-video", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.1", marginPercent: "25" }, "test");
  await groups.createGroup({ name: "vip", marginPercent: "50" }, "test");
  await groups.createGroup({ name: "free", marginPercent: "0", allowedModels: ["guarded"] }, "test");
  const { createChannel } = await import("@/lib/admin/alert-channels");
  await createChannel({ name: "pricing desk", kind: "webhook", target: "http://127.0.0.1:9/hub-alerts", events: ["price.below_cost"] }, "test");
}, 60_000);

afterAll(async () => {
  await f?.close();
  await catalogue?.close();
});

describe("the price guard", () => {
  it("finds drift from the catalogue and a price selling below cost at the model's margin and a group's", async () => {
    const result = await checkPrices();
    expect(result.catalogue).toMatchObject({ ok: true });
    expect(catalogue.requests.length).toBeGreaterThan(0);
    // output: $0.60 costs here, $0.80 in the catalogue; sold at +25 % ($0.75) and at the free group's 0 % ($0.60) it is below cost,
    // at the vip group's 50 % ($0.90) it is not; the bundled list agrees with the hub
    expectFindings(await findings("guarded"), [
      { kind: "below_cost", source: "catalogue", component: "output", group: null, hub: 750_000_000n, reference: 800_000_000n },
      { kind: "below_cost", source: "catalogue", component: "output", group: "free", hub: 600_000_000n, reference: 800_000_000n },
      { kind: "drift", source: "catalogue", component: "output", group: null, hub: 600_000_000n, reference: 800_000_000n },
    ]);
  });

  it("prices cached input against the list's cached price, and skips groups that may not call the model", async () => {
    const found = await findings("cache-cheap");
    // cached input at $0.01 (+25 %: $0.0125, +50 % to vip: $0.015) against $0.075 in both lists; the free group may not call it
    expectFindings(found.filter((x) => x.component === "cached_read"), [
      { kind: "below_cost", source: "bundled", component: "cached_read", group: null, hub: 12_500_000n, reference: 75_000_000n },
      { kind: "below_cost", source: "catalogue", component: "cached_read", group: null, hub: 12_500_000n, reference: 75_000_000n },
      { kind: "below_cost", source: "bundled", component: "cached_read", group: "vip", hub: 15_000_000n, reference: 75_000_000n },
      { kind: "below_cost", source: "catalogue", component: "cached_read", group: "vip", hub: 15_000_000n, reference: 75_000_000n },
      { kind: "drift", source: "bundled", component: "cached_read", group: null, hub: 10_000_000n, reference: 75_000_000n },
      { kind: "drift", source: "catalogue", component: "cached_read", group: null, hub: 10_000_000n, reference: 75_000_000n },
    ]);
    expect(found.some((x) => x.group === "free")).toBe(false);
  });

  it("finds a minute of audio, 1M characters and a second of video sold below the catalogue's cost", async () => {
    await checkPrices();
    // $0.004 a minute +25 % is $0.005, below $0.006; at the vip group's 50 % it is $0.006, not below
    expectFindings(await findings("cheap-whisper"), [
      { kind: "below_cost", source: "catalogue", component: "audio", group: null, hub: 5_000_000n, reference: 6_000_000n },
      { kind: "drift", source: "catalogue", component: "audio", group: null, hub: 4_000_000n, reference: 6_000_000n },
    ]);
    // $10 per 1M characters +25 % is $12.50, below $15; +50 % is $15, not below
    expectFindings(await findings("cheap-tts"), [
      { kind: "below_cost", source: "catalogue", component: "characters", group: null, hub: 12_500_000_000n, reference: 15_000_000_000n },
      { kind: "drift", source: "catalogue", component: "characters", group: null, hub: 10_000_000_000n, reference: 15_000_000_000n },
    ]);
    // $0.05 a second sells at $0.0625 (+25 %) and $0.075 (vip), both below $0.10; at $0.10 +25 % nothing is found
    expectFindings(await findings("cheap-video"), [
      { kind: "below_cost", source: "catalogue", component: "video", group: null, hub: 62_500_000n, reference: 100_000_000n },
      { kind: "below_cost", source: "catalogue", component: "video", group: "vip", hub: 75_000_000n, reference: 100_000_000n },
      { kind: "drift", source: "catalogue", component: "video", group: null, hub: 50_000_000n, reference: 100_000_000n },
    ]);
    expect(await findings("fair-video")).toEqual([]);
    // the admin API names the unit
    const res = await fetch(`${f.hub.url}/api/admin/v1/price-findings`, { headers: { authorization: `Bearer ${adminToken}` } });
    const listed = ((await res.json()) as { data: Array<{ model: string; kind: string; component: string; group: string | null; hubUsd: string; referenceUsd: string }> }).data;
    expect(listed.filter((x) => x.model === "cheap-video" && x.kind === "below_cost" && x.group === "vip")).toEqual([expect.objectContaining({ component: "video", hubUsd: "0.075", referenceUsd: "0.1" })]);
    const deliveries = await eventually(async () => {
      const found = (await f.db.alertDelivery.findMany({ where: { event: "price.below_cost" } })).filter((d) => d.payload.includes('"model":"cheap-whisper"'));
      expect(found.length).toBe(1);
      return found;
    }, 5000);
    expect(deliveries.value[0]!.payload).toMatch(/audio \(its own margin\) sells at \$0\.005 against a catalogue cost of \$0\.006/);
  });

  it("alerts once per model newly selling below cost, however often it runs", async () => {
    await checkPrices();
    const deliveries = async (model: string) => (await f.db.alertDelivery.findMany({ where: { event: "price.below_cost" } })).filter((d) => d.payload.includes(`"model":"${model}"`));
    await eventually(async () => expect((await deliveries("guarded")).length).toBe(1), 5000);
    expect((await deliveries("cache-cheap")).length).toBe(1);
    expect((await deliveries("guarded"))[0]!.payload).toMatch(/output \(group free\) sells at \$0\.6/);
  });

  it("keeps the bundled comparison when the catalogue is down, and says so", async () => {
    catalogue.served.status = 500;
    const result = await checkPrices();
    expect(result.catalogue).toMatchObject({ ok: false });
    expect((await findings("cache-cheap")).filter((x) => x.source === "bundled").length).toBe(3);
    expect((await findings("guarded")).length).toBe(0);
    catalogue.served.status = 200;
    await checkPrices();
    expect((await findings("guarded")).length).toBe(3);
  });
});

describe("refusing calls below cost", () => {
  it("is off by default, refuses only the underpriced callers when on, and sells again once the price is fixed", async () => {
    const plain = await customer("plain@test.local");
    const vip = await customer("vip@test.local", (await f.db.customerGroup.findUniqueOrThrow({ where: { name: "vip" } })).id);
    expect((await call(plain, "guarded")).response.status).toBe(200);

    await f.lib.setSetting("refuse-below-cost", "on", "test");
    const refused = await eventually(async () => {
      const error = await failure(call(plain, "guarded"));
      expect(error?.status).toBe(403);
      return error!;
    }, 5000);
    expect(refused.value.error).toMatchObject({ type: "permission_error", code: "model_not_for_sale", param: "model" });
    expect(refused.value.message).not.toMatch(/cost|margin|\$/);
    // refused before anything goes upstream
    const upstreamBefore = f.upstream.requests.length;
    expect((await failure(call(plain, "guarded")))?.status).toBe(403);
    expect(f.upstream.requests.length).toBe(upstreamBefore);
    // the vip group's 50 % sells above the provider's cost
    expect((await call(vip, "guarded")).response.status).toBe(200);

    // fixed: $0.70 × 1.25 = $0.875 per 1M output tokens, above the catalogue's $0.80, before the guard runs again
    await f.lib.setPrice("guarded", { outputUsdPer1M: "0.7" }, "test");
    await eventually(async () => expect((await call(plain, "guarded")).response.status).toBe(200), 5000);

    await f.lib.setPrice("guarded", { outputUsdPer1M: "0.6" }, "test");
    await eventually(async () => expect((await failure(call(plain, "guarded")))?.status).toBe(403), 5000);
    await f.lib.setSetting("refuse-below-cost", "off", "test");
    await eventually(async () => expect((await call(plain, "guarded")).response.status).toBe(200), 5000);
  });
});

describe("a price scheduled for later", () => {
  it("charges a call started before it the old price and one started after it the new, with no config change between", async () => {
    // $1 / $2 per 1M at +25 %: 10 prompt and 9 completion tokens cost 28,000 nano-USD and are charged 35 credits
    await f.lib.addModel({ name: "scheduled", provider: "fake", upstreamModel: "fake-gated", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
    const client = await customer("early@test.local");
    await eventually(() => client.models.retrieve("scheduled"), 3000);
    const effectiveFrom = new Date(Date.now() + 3000);
    await f.lib.setPrice("scheduled", { inputUsdPer1M: "2", outputUsdPer1M: "4", effectiveFrom }, "test");
    const version = (await f.db.configVersion.findUniqueOrThrow({ where: { id: 1 } })).version;

    // starts before the change and is answered after it
    const early = call(client, "scheduled");
    await eventually(async () => expect(f.upstream.requests.some((r) => r.body?.model === "fake-gated")).toBe(true), 2500);
    expect(Date.now()).toBeLessThan(effectiveFrom.getTime());
    await new Promise((r) => setTimeout(r, effectiveFrom.getTime() - Date.now() + 100));
    f.upstream.release();
    const { response: before } = await early;
    expect((await f.usageEvent(before.headers.get("x-request-id")!)).chargeMicrocredits).toBe(35_000_000n);

    const late = call(client, "scheduled");
    await eventually(async () => expect(f.upstream.requests.filter((r) => r.body?.model === "fake-gated").length).toBe(2), 2500);
    f.upstream.release();
    const { response: after } = await late;
    expect((await f.usageEvent(after.headers.get("x-request-id")!)).chargeMicrocredits).toBe(70_000_000n);
    expect((await f.db.configVersion.findUniqueOrThrow({ where: { id: 1 } })).version).toBe(version);
  });

  it("may not be set in the past", async () => {
    await expect(f.lib.setPrice("scheduled", { inputUsdPer1M: "3", effectiveFrom: new Date(Date.now() - 60_000) }, "test")).rejects.toThrow(/now or in the future/);
  });
});
