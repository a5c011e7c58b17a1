import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { WebClient } from "../helpers/web-client";

// Customer groups in Service Provider mode, against the real server and database: a member pays the
// group's margin (its per-model margin first) in the hold and in the charge, may call only the
// group's models, joins a group by buying its package, and a change of group applies without a restart.

let f: HubFixture;
let groups: typeof import("@/lib/admin/groups");

const PASSWORD = "customer-password-1";

async function customer(email: string, credits: string) {
  await f.lib.createUser({ email, role: "member", password: PASSWORD }, "test");
  await f.lib.grantCredits({ userEmail: email, amount: credits }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  return new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
}

/** One call with a fixed prompt (10 tokens) and answer (9 tokens): its charge in micro-credits, once written. */
async function charged(client: OpenAI, model = "metered") {
  const { response } = await client.chat.completions.create({ model, messages: [{ role: "user", content: "charge me" }], max_tokens: 9 }).withResponse();
  return (await f.usageEvent(response.headers.get("x-request-id")!)).chargeMicrocredits;
}

const failure = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);

beforeAll(async () => {
  f = await startHubFixture();
  groups = await import("@/lib/admin/groups");
  await f.lib.setMode("service_provider", "test");
  // each call: 10 prompt tokens × $1/1M + 9 completion tokens × $2/1M = 28,000 nano-USD; 1 credit = $0.000001
  await f.lib.addModel({ name: "metered", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
  await f.lib.addModel({ name: "metered-2", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
  await eventually(() => f.client.models.retrieve("metered-2"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("a group's margin", () => {
  it("is what the hold is placed for and what the call is charged", async () => {
    const group = await groups.createGroup({ name: "at-cost", marginPercent: "0" }, "test");
    // 30 credits: a call's hold at the group's margin (≈ 28 credits) fits, at the model's 25 % (≈ 35) it does not
    const member = await customer("at-cost@test.local", "30");
    const outsider = await customer("outsider@test.local", "30");
    await groups.assignGroup("at-cost@test.local", group.id, "test");
    const { value } = await eventually(() => charged(member), 5000);
    expect(value).toBe(28_000_000n);
    expect((await failure(outsider.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }], max_tokens: 9 })))?.status).toBe(402);
  });

  it("is the group's per-model margin first, then the group's, then the model's own", async () => {
    const group = await groups.createGroup({ name: "pro", marginPercent: "10" }, "test");
    await groups.setGroupModelMargin(group.id, "metered", "50", "test");
    const client = await customer("pro@test.local", "20000");
    await groups.assignGroup("pro@test.local", group.id, "test");
    // 28,000 nano-USD × 1.5 on the model with its own margin in the group, × 1.1 on the other
    await eventually(async () => expect(await charged(client, "metered")).toBe(42_000_000n), 5000);
    expect(await charged(client, "metered-2")).toBe(30_800_000n);
    await groups.setGroupModelMargin(group.id, "metered", null, "test");
    await eventually(async () => expect(await charged(client, "metered")).toBe(30_800_000n), 5000);
    await groups.updateGroup(group.id, { marginPercent: null }, "test");
    await eventually(async () => expect(await charged(client, "metered")).toBe(35_000_000n), 5000);
  });

  it("applies to a customer moved into a group by another process, without a restart", async () => {
    const group = await groups.createGroup({ name: "later", marginPercent: "100" }, "test");
    const client = await customer("mover@test.local", "20000");
    expect(await charged(client)).toBe(35_000_000n);
    await groups.assignGroup("mover@test.local", group.id, "test");
    const { effectiveAfterMs } = await eventually(async () => expect(await charged(client)).toBe(56_000_000n), 5000);
    expect(effectiveAfterMs).toBeLessThan(3000);
    await groups.deleteGroup(group.id, "test");
    await eventually(async () => expect(await charged(client)).toBe(35_000_000n), 5000);
  });

  it("prices the public price list for a signed-in member", async () => {
    const group = await groups.createGroup({ name: "listed", marginPercent: "0", allowedModels: ["metered"] }, "test");
    await customer("reader@test.local", "1");
    await groups.assignGroup("reader@test.local", group.id, "test");
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("reader@test.local", PASSWORD)).ok).toBe(true);
    const page = await (await web.fetch("/pricing")).text();
    expect(page).toMatch(/member of (<!-- -->)?listed/);
    expect(page).toContain('data-testid="price-metered"');
    expect(page).not.toContain('data-testid="price-metered-2"');
    // $1 / 1M at 0 %: 1,000,000 credits per 1M input tokens
    expect(page).toMatch(/1,000,000 cr/);
  });
});

describe("a group's model list", () => {
  it("refuses a model outside it like a key's list does, and /v1/models shows only what the member may call", async () => {
    const group = await groups.createGroup({ name: "narrow", allowedModels: ["metered"] }, "test");
    const client = await customer("narrow@test.local", "20000");
    await groups.assignGroup("narrow@test.local", group.id, "test");
    const refused = await eventually(async () => {
      const error = await failure(client.chat.completions.create({ model: "metered-2", messages: [{ role: "user", content: "hi" }] }));
      expect(error?.status).toBe(403);
      return error!;
    }, 5000);
    expect(refused.value.error).toMatchObject({ type: "permission_error", code: "model_not_allowed", param: "model" });
    expect(refused.value.message).toMatch(/plan does not include the model 'metered-2'/);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["metered"]);
    expect((await failure(client.models.retrieve("metered-2")))?.status).toBe(404);
    expect(await charged(client, "metered")).toBe(35_000_000n);
  });
});

describe("a package with a group", () => {
  it("moves its buyer into the group when the top-up is fulfilled, once", async () => {
    const group = await groups.createGroup({ name: "bought", marginPercent: "0" }, "test");
    const pack = await f.lib.addPackage({ name: "pro pack", price: "10", credits: "1000", groupId: group.id }, "test");
    const client = await customer("buyer@test.local", "20000");
    const user = await f.db.user.findUniqueOrThrow({ where: { email: "buyer@test.local" }, include: { creditAccount: true } });
    await f.db.payment.create({
      data: { stripeSessionId: "cs_test_group", accountId: user.creditAccount!.id, userId: user.id, packageId: pack.id, amountCents: 1000, currency: "usd", creditsMicrocredits: pack.creditsMicrocredits },
    });
    const { fulfil } = await import("@/lib/billing/stripe");
    expect(await fulfil("cs_test_group")).toBe("credited");
    expect((await f.db.user.findUniqueOrThrow({ where: { id: user.id } })).groupId).toBe(group.id);
    await eventually(async () => expect(await charged(client)).toBe(28_000_000n), 5000);
    // an admin moves them out; the webhook delivered again does not move them back
    await groups.assignGroup("buyer@test.local", null, "test");
    expect(await fulfil("cs_test_group")).toBe("already_fulfilled");
    expect((await f.db.user.findUniqueOrThrow({ where: { id: user.id } })).groupId).toBeNull();
  });
});

describe("who may change a group", () => {
  it("is not a member: their API key cannot reach the admin API that assigns groups", async () => {
    const group = await groups.createGroup({ name: "wanted", marginPercent: "0" }, "test");
    await customer("climber@test.local", "1");
    const { secret } = await f.lib.createApiKey({ userEmail: "climber@test.local" }, "test");
    const res = await fetch(`${f.hub.url}/api/admin/v1/groups/${group.id}/members`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ userEmail: "climber@test.local" }),
    });
    expect(res.status).toBe(401);
    expect((await f.db.user.findUniqueOrThrow({ where: { email: "climber@test.local" } })).groupId).toBeNull();
  });
});
