import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { WebClient } from "../helpers/web-client";

// Provider prompt-cache affinity: calls sharing a prompt_cache_key or an Anthropic cache_control prefix
// stay on one credential (weights 1:1 would alternate them), move when it fails, and are never shared
// between tenants.

let f: HubFixture;
let pool: FakeOpenAI;
const SECOND_KEY = "sk-affinity-second-key-0002";

const lastKeys = (n: number) => {
  const calls = pool.requests.filter((r) => r.path.endsWith("/chat/completions"));
  return calls.slice(-n).map((r) => String(r.headers.authorization).replace(/^Bearer /, ""));
};

const ask = (client: OpenAI, model: string, extra: Record<string, unknown> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming);

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_COOLDOWN_AFTER_FAILURES: "1", HUB_COOLDOWN_MS: "60000" } });
  pool = await startFakeOpenAI();
  pool.allowKey(SECOND_KEY);
  const { lib } = f;
  await lib.addProvider({ type: "openai", name: "pool", baseUrl: pool.url, apiKey: pool.apiKey }, "test");
  await lib.addCredential({ provider: "pool", name: "second", apiKey: SECOND_KEY }, "test");
  await lib.addModel({ name: "sticky", provider: "pool", upstreamModel: "sticky-upstream", type: "chat" }, "test");
  await lib.addModel({ name: "cached", provider: "pool", upstreamModel: "cached-fake-cache", type: "chat" }, "test");
  await eventually(() => f.client.models.retrieve("cached"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
  await pool?.close();
});

describe("prompt-cache affinity", () => {
  it("alternates credentials 1:1 without affinity", async () => {
    for (let i = 0; i < 4; i++) await ask(f.client, "sticky");
    expect(new Set(lastKeys(4)).size).toBe(2);
  });

  it("keeps calls with one prompt_cache_key on one credential", async () => {
    for (let i = 0; i < 6; i++) await ask(f.client, "sticky", { prompt_cache_key: "project-42" });
    expect(new Set(lastKeys(6)).size).toBe(1);
    // the key reaches the upstream, whose own cache it steers
    expect(pool.requests.at(-1)!.body?.prompt_cache_key).toBe("project-42");
  });

  it("keeps one session's calls on one credential, by x-session-id or by the user field", async () => {
    for (let i = 0; i < 6; i++) {
      await f.client.chat.completions.create({ model: "sticky", messages: [{ role: "user", content: `turn ${i}` }] }, { headers: { "x-session-id": "chat-7" } });
    }
    expect(new Set(lastKeys(6)).size).toBe(1);
    for (let i = 0; i < 6; i++) await ask(f.client, "sticky", { user: "end-user-9", messages: [{ role: "user", content: `turn ${i}` }] });
    expect(new Set(lastKeys(6)).size).toBe(1);
  });

  it("keeps calls sharing an Anthropic cache_control prefix on one credential, whatever follows it", async () => {
    const anthropic = new Anthropic({ apiKey: f.apiKey, baseURL: f.hub.baseURL.replace(/\/v1$/, "") });
    const system = [{ type: "text" as const, text: "You are a very long system prompt.", cache_control: { type: "ephemeral" as const } }];
    for (let i = 0; i < 6; i++) {
      await anthropic.messages.create({ model: "sticky", max_tokens: 50, system, messages: [{ role: "user", content: `question ${i}` }] });
    }
    expect(new Set(lastKeys(6)).size).toBe(1);
  });

  it("never shares a pin between tenants: another member's calls with the same key keep alternating", async () => {
    await ask(f.client, "sticky", { prompt_cache_key: "shared-name" });
    const mine = lastKeys(1)[0]!;
    await f.lib.createUser({ email: "other@test.local", role: "member" }, "test");
    const { secret } = await f.lib.createApiKey({ userEmail: "other@test.local", name: "other" }, "test");
    const other = new OpenAI({ apiKey: secret, baseURL: f.hub.baseURL });
    const theirs: string[] = [];
    for (let i = 0; i < 4; i++) {
      await ask(other, "sticky", { prompt_cache_key: "shared-name" });
      theirs.push(lastKeys(1)[0]!);
    }
    // their first call is balanced as if no pin existed; then their own pin holds
    expect(new Set(theirs.slice(1)).size).toBe(1);
    await ask(f.client, "sticky", { prompt_cache_key: "shared-name" });
    expect(lastKeys(1)[0]).toBe(mine);
  });

  it("moves to another credential when the pinned one fails, and stays there", async () => {
    for (let i = 0; i < 2; i++) await ask(f.client, "sticky", { prompt_cache_key: "moving" });
    const pinned = lastKeys(1)[0]!;
    const other = pinned === pool.apiKey ? SECOND_KEY : pool.apiKey;
    // the pinned credential is taken out of rotation: the pin follows the call that served instead
    const { bumpConfigVersion } = await import("@/lib/db/change-feed");
    await f.db.credential.updateMany({ where: { provider: { name: "pool" }, name: pinned === pool.apiKey ? "default" : "second" }, data: { status: "disabled" } });
    await bumpConfigVersion(f.db);
    await eventually(async () => {
      await ask(f.client, "sticky", { prompt_cache_key: "moving" });
      expect(lastKeys(1)[0]).toBe(other);
    }, 5000, 100);
    for (let i = 0; i < 3; i++) await ask(f.client, "sticky", { prompt_cache_key: "moving" });
    expect(lastKeys(3)).toEqual([other, other, other]);
  });

  it("shows the model's strategy and its last decisions, with the affinity reason, to signed-in admins", async () => {
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const page = await (await web.fetch("/admin/models")).text();
    const row = page.slice(page.indexOf('data-testid="model-sticky"'));
    const section = row.slice(row.indexOf('data-testid="routing-decisions"'), row.indexOf("</details>"));
    expect(section).toContain("Priority and weight");
    expect(section).toContain("Decisions of this process");
    expect(section).toMatch(/last [1-9]\d* routing decisions/);
    expect(section).toContain("affinity");
    expect(section).toContain("weighted round-robin");
    expect(section).toContain("pool · sticky-upstream · second");

    const anonymous = await new WebClient(f.hub.url).fetch("/admin/models");
    expect(anonymous.status).not.toBe(200);
  });

  it("shows each model's prompt-cache hit rate on the overview", async () => {
    const { response } = await ask(f.client, "cached").withResponse();
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect([event.cachedTokens, event.promptTokens]).toEqual([8, 9]);
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const page = await (await web.fetch("/admin")).text();
    const row = page.slice(page.indexOf(">cached<"));
    expect(/data-testid="cache-hit-rate">([^<]*)</.exec(row)?.[1]).toBe("88.9%");
    const sticky = page.slice(page.indexOf(">sticky<"));
    expect(/data-testid="cache-hit-rate">([^<]*)</.exec(sticky)?.[1]).toMatch(/^0(\.0)?\s?%$/);
  });
});
