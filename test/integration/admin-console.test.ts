import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR } from "@/lib/caller";
import { formatUsd } from "@/lib/money";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// What the admin pages read and change, through lib/ against the real database, with the effect
// checked on the running hub: switches, weights, the last-admin guard, the price list, provider
// health, today's overview and the usage explorer's query.

let f: HubFixture;
let ui: {
  toggles: typeof import("@/lib/admin/toggles");
  providers: typeof import("@/lib/admin/providers");
  prices: typeof import("@/lib/billing/price-list");
  overview: typeof import("@/lib/analytics/overview");
  explorer: typeof import("@/lib/analytics/explorer");
  directory: typeof import("@/lib/admin/directory");
  dashboard: typeof import("@/lib/analytics/dashboard");
  principals: typeof import("@/lib/gateway/authenticate");
};

beforeAll(async () => {
  f = await startHubFixture();
  const [toggles, providers, prices, overview, explorer, directory, principals, dashboard] = await Promise.all([
    import("@/lib/admin/toggles"),
    import("@/lib/admin/providers"),
    import("@/lib/billing/price-list"),
    import("@/lib/analytics/overview"),
    import("@/lib/analytics/explorer"),
    import("@/lib/admin/directory"),
    import("@/lib/gateway/authenticate"),
    import("@/lib/analytics/dashboard"),
  ]);
  ui = { toggles, providers, prices, overview, explorer, directory, principals, dashboard };
}, 60_000);

afterAll(async () => {
  await f?.close();
});

const modelId = async (name: string) => (await f.db.model.findUniqueOrThrow({ where: { name } })).id;
const userId = async (email: string) => (await f.db.user.findUniqueOrThrow({ where: { email } })).id;

describe("switches", () => {
  it("a disabled model leaves the API within a second and comes back when enabled", async () => {
    const id = await modelId("gpt-4o-mini");
    await ui.toggles.setEnabled("model", id, false, "admin@test.local");
    await eventually(async () => expect((await f.client.models.list()).data.map((m) => m.id)).not.toContain("gpt-4o-mini"), 2000);
    await expect(f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 404 });
    await ui.toggles.setEnabled("model", id, true, "admin@test.local");
    await eventually(() => f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "back" }] }), 2000);
    expect(await f.db.auditLog.count({ where: { action: { in: ["model.disable", "model.enable"] }, target: id } })).toBe(2);
  });

  it("a disabled user's keys stop working at once, and the web session too", async () => {
    const id = await userId(MEMBER);
    await ui.toggles.setEnabled("user", id, false, "admin@test.local");
    await eventually(async () => expect(f.client.models.list()).rejects.toMatchObject({ status: 401, code: "account_disabled" }), 2000);
    expect(await ui.principals.userPrincipal(id)).toBeNull();
    await ui.toggles.setEnabled("user", id, true, "admin@test.local");
    await eventually(() => f.client.models.list(), 2000);
    expect(await ui.principals.userPrincipal(id)).toMatchObject({ userId: id, keyId: null, keyPrefix: "web", role: "member" });
  });

  it("never leaves the hub without an enabled admin", async () => {
    const admin = await userId("admin@test.local");
    await expect(ui.toggles.setRole(admin, "member", "admin@test.local")).rejects.toThrow("cannot demote the last enabled admin");
    await expect(ui.toggles.setEnabled("user", admin, false, "admin@test.local")).rejects.toThrow("cannot disable the last enabled admin");
    // with a second admin, the first may step down
    await f.lib.createUser({ email: "second-admin@test.local", role: "admin" }, "test");
    await ui.toggles.setRole(admin, "member", "second-admin@test.local");
    expect((await f.db.user.findUniqueOrThrow({ where: { id: admin } })).role).toBe("member");
    await ui.toggles.setRole(admin, "admin", "second-admin@test.local");
  });

  it("re-weights a deployment and refuses nonsense", async () => {
    const deployment = await f.db.deployment.findFirstOrThrow({ where: { model: { name: "gpt-4o-mini" } } });
    await ui.toggles.setWeight("deployment", deployment.id, { weight: 5, priority: 2 }, "admin@test.local");
    expect(await f.db.deployment.findUniqueOrThrow({ where: { id: deployment.id } })).toMatchObject({ weight: 5, priority: 2 });
    await expect(ui.toggles.setWeight("deployment", deployment.id, { weight: 1001 }, "admin@test.local")).rejects.toThrow("weight must be a whole number from 0 to 1000");
    await expect(ui.toggles.setWeight("credential", "no-such-id", { weight: 1 }, "admin@test.local")).rejects.toThrow("no credential with id no-such-id");
    await ui.toggles.setWeight("deployment", deployment.id, { weight: 1, priority: 0 }, "admin@test.local");
  });
});

describe("what the pages show", () => {
  it("prices: provider cost, margin and the sell price in credits, updated with a new price", async () => {
    await f.lib.setPrice("gpt-4o-mini", { marginPercent: "50" }, "admin@test.local");
    const { models, creditPriceUsd } = await ui.prices.priceList();
    expect(creditPriceUsd).toBe("0.000001");
    // $0.15 and $0.60 per 1M, +50 %, at $0.000001 a credit
    expect(models.find((m) => m.name === "gpt-4o-mini")?.price).toMatchObject({
      cost: { inputUsdPer1M: "0.15", outputUsdPer1M: "0.6", cachedInputUsdPer1M: "0.075" },
      marginPercent: "50",
      sell: { inputCreditsPer1M: "225000", outputCreditsPer1M: "900000", cachedInputCreditsPer1M: "112500" },
    });
    const disabled = await modelId("text-embedding-3-small");
    await ui.toggles.setEnabled("model", disabled, false, "admin@test.local");
    expect((await ui.prices.priceList({ enabledOnly: true })).models.map((m) => m.name)).toEqual(["gpt-4o-mini"]);
    await ui.toggles.setEnabled("model", disabled, true, "admin@test.local");
  });

  it("provider health follows its keys, and keys are only ever shown masked", async () => {
    const [provider] = await ui.providers.listProviders(OPERATOR);
    expect(provider).toMatchObject({ name: "fake", health: "healthy", deployments: 2 });
    expect(JSON.stringify(provider)).not.toContain(f.upstream.apiKey);
    const credential = provider!.credentials[0]!;
    await ui.toggles.setEnabled("credential", credential.id, false, "admin@test.local");
    expect((await ui.providers.listProviders(OPERATOR))[0]).toMatchObject({ health: "down", credentials: [expect.objectContaining({ status: "disabled" })] });
    await ui.toggles.setEnabled("credential", credential.id, true, "admin@test.local");
    await ui.toggles.setEnabled("provider", provider!.id, false, "admin@test.local");
    expect((await ui.providers.listProviders(OPERATOR))[0]?.health).toBe("disabled");
    await ui.toggles.setEnabled("provider", provider!.id, true, "admin@test.local");
    await ui.providers.updateProvider("fake", { timeoutMs: 1234 }, "admin@test.local");
    expect((await ui.providers.listProviders(OPERATOR))[0]?.timeoutMs).toBe(1234);
    await expect(ui.providers.updateProvider("fake", { baseUrl: "ftp://nope" }, "admin@test.local")).rejects.toThrow("base URL must start with http:// or https://");
  });

  it("today's overview counts the calls exactly, with latency percentiles from the raw events", async () => {
    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: f.apiKey, maxRetries: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `count ${i}` }] }).withResponse();
      ids.push(response.headers.get("x-request-id")!);
    }
    const events = await Promise.all(ids.map((id) => f.usageEvent(id)));
    const today = await f.db.usageEvent.findMany({ where: { startedAt: { gte: new Date(new Date().toISOString().slice(0, 10)) } }, orderBy: { latencyMs: "asc" } });
    const { today: numbers } = await ui.overview.overview(OPERATOR);
    expect(numbers.calls).toBe(today.length);
    expect(numbers.calls).toBeGreaterThanOrEqual(events.length);
    expect(numbers.errors).toBe(today.filter((e) => e.status >= 400).length);
    expect(numbers.tokens).toBe(today.reduce((n, e) => n + e.promptTokens + e.completionTokens, 0));
    expect(numbers.p50LatencyMs).toBe(today[Math.floor(today.length * 0.5)]!.latencyMs);
    expect(numbers.p95LatencyMs).toBe(today[Math.min(today.length - 1, Math.floor(today.length * 0.95))]!.latencyMs);
  });

  it("the usage explorer's query: a date-only end includes its day, bad params fall back, names replace ids", async () => {
    const { query } = ui.explorer.explorerQuery({ from: "2026-01-01", to: "2026-01-31", status: "error", sort: "latencyMs", order: "asc" });
    expect(query).toMatchObject({ from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-02-01T00:00:00Z"), status: "error", sort: "latencyMs", order: "asc", page: 1 });
    expect(ui.explorer.explorerQuery({ sort: "password", page: "-3" })).toMatchObject({ invalid: true, query: { sort: "startedAt", page: 1 } });
    const page = await ui.explorer.explorerPage(OPERATOR, ui.explorer.explorerQuery({ userId: await userId(MEMBER) }).query);
    expect(page.total).toBeGreaterThan(0);
    expect(page.rows.every((r) => r.user === MEMBER && r.key?.startsWith("all models ("))).toBe(true);
    expect(page.options.models).toEqual(["gpt-4o-mini", "text-embedding-3-small"]);
  });

  it("lists users and keys with this month's spend from the rollups", async () => {
    const { rollUp } = await import("@/lib/billing/rollups");
    await rollUp();
    const users = await ui.directory.listUsers(OPERATOR);
    const member = users.find((u) => u.email === MEMBER)!;
    const spent = await f.db.usageEvent.aggregate({ where: { userId: member.id, startedAt: { gte: (await import("@/lib/analytics/periods")).monthToDate().from } }, _sum: { costNanoUsd: true }, _count: { _all: true } });
    expect(member).toMatchObject({ role: "member", disabled: false, keys: 1, monthCalls: spent._count._all });
    expect(Number(member.monthSpendUsd)).toBeCloseTo(Number(spent._sum.costNanoUsd ?? 0n) / 1e9, 9);
    const [key] = await ui.directory.listKeys(OPERATOR, member.id);
    expect(key).toMatchObject({ name: "all models", owner: MEMBER, revoked: false, models: [], monthCalls: spent._count._all });
  });

  it("a member's dashboard shows this month's budget use from the counters the budgets are enforced with", async () => {
    const id = await userId(MEMBER);
    await f.lib.setMonthlyBudget({ userEmail: MEMBER }, "5", "admin@test.local");
    // the key cache drops the old principal within a poll; then calls count against the budget
    const counted = await eventually(async () => {
      const { response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "spend" }] }).withResponse();
      await f.usageEvent(response.headers.get("x-request-id")!);
      const counter = await f.db.budgetCounter.findFirst({ where: { scope: "user", scopeId: id } });
      expect(counter?.spentNanoUsd ?? 0n).toBeGreaterThan(0n);
      return counter!;
    }, 5000, 100);
    const view = await ui.dashboard.dashboard(id);
    expect(view?.budgets).toEqual([
      { scope: "user", label: MEMBER, limitUsd: "5", spentUsd: formatUsd(counted.value.spentNanoUsd), share: Number(counted.value.spentNanoUsd) / 5e9 },
    ]);
    await f.lib.setMonthlyBudget({ userEmail: MEMBER }, "none", "admin@test.local");
  });
});
