import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdminScope } from "@/lib/admin/tokens";
import type { AdminRoute } from "@/lib/admin-api/define";
import { runCli } from "../helpers/cli";
import Stripe from "stripe";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe-api";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// The admin API through the real server: every route driven with an admin token of each scope
// (refused outside it), every answer checked against the OpenAPI document the hub serves, and the
// Idempotency-Key, the audit log and the token's own limits (expiry, revocation, addresses).

let f: HubFixture;
let routes: AdminRoute[];
let scopeAllows: (held: AdminScope, needed: AdminScope) => boolean;
const tokens = {} as Record<AdminScope, string>;
const tokenIds = {} as Record<AdminScope, string>;
let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
}

async function api(method: string, path: string, options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const token = options.token === undefined ? tokens.full : options.token;
  const response = await fetch(`${f.hub.url}/api/admin/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get("content-type")?.includes("json")) body = JSON.parse(text);
  return { status: response.status, body, text, headers: response.headers };
}

/** The answer against the document's schema for this route and status. */
function expectDocumented(route: AdminRoute, answer: Answer) {
  const operation = document.paths[`/api/admin/v1${route.path}`]?.[route.method];
  expect(operation, `${route.method} ${route.path} is in the document`).toBeDefined();
  const content = operation!.responses[String(answer.status)]?.content;
  expect(content, `${route.method} ${route.path} documents status ${answer.status}`).toBeDefined();
  if (route.produces) return;
  const schema = (content!["application/json"] as { schema: object }).schema;
  const validate = ajv.compile({ ...schema, components: (document as unknown as { components: unknown }).components });
  expect(validate(answer.body), `${route.method} ${route.path}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
}

const EXAMPLE_USER = "api-user@test.local";
let requestId: string;
let stripe: FakeStripe;
const WEBHOOK_SECRET = "whsec_admin_api_0123";
/** a paid top-up, for the payments, refund and statement routes */
let paid: { paymentId: string; accountId: string };

async function paidTopUp(): Promise<typeof paid> {
  const [{ createCheckout }, { userPrincipal }] = await Promise.all([import("@/lib/billing/stripe"), import("@/lib/gateway/authenticate")]);
  const pack = await f.lib.addPackage({ name: "API pack", price: "10", credits: "10000" }, "test");
  const member = await f.db.user.findUniqueOrThrow({ where: { email: MEMBER } });
  const { id } = await createCheckout((await userPrincipal(member.id))!, pack.id, f.hub.url);
  const payload = JSON.stringify(stripe.pay(id));
  const res = await fetch(`${f.hub.url}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
    body: payload,
  });
  expect(res.status).toBe(200);
  const payment = await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: id } });
  return { paymentId: payment.id, accountId: payment.accountId };
}

beforeAll(async () => {
  stripe = await startFakeStripe();
  f = await startHubFixture({ env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url } });
  paid = await paidTopUp();
  const [{ createAdminToken, scopeAllows: allows }, { adminRoutes }] = await Promise.all([import("@/lib/admin/tokens"), import("@/lib/admin-api/table")]);
  routes = adminRoutes;
  scopeAllows = allows;
  for (const scope of ["read", "users_keys", "billing", "full"] as const) {
    const { secret, token } = await createAdminToken({ name: `${scope} token`, scope }, "test");
    tokens[scope] = secret;
    tokenIds[scope] = token.id;
  }
  document = (await api("GET", "/openapi.json", { token: null })).body;
  // a call to find in the analytics
  const { response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "meter me" }] }).withResponse();
  requestId = response.headers.get("x-request-id")!;
  await f.usageEvent(requestId);
}, 120_000);

afterAll(async () => {
  await f?.close();
  await stripe?.close();
});

/** A request for every route that a full token gets a 2xx for, in an order where each finds what it needs. */
function exampleRequests(ids: Record<string, string>): Array<{ method: AdminRoute["method"]; path: string; route: string; body?: unknown }> {
  const month = new Date().toISOString().slice(0, 7);
  const range = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
  return [
    { method: "get", route: "/users", path: "/users?limit=2" },
    { method: "post", route: "/users", path: "/users", body: { email: EXAMPLE_USER, name: "API user" } },
    { method: "get", route: "/users/{id}", path: "/users/{user}" },
    { method: "get", route: "/teams", path: "/teams" },
    { method: "post", route: "/teams", path: "/teams", body: { name: "API team" } },
    { method: "get", route: "/teams/{id}", path: "/teams/{team}" },
    { method: "post", route: "/teams/{id}/members", path: "/teams/{team}/members", body: { userEmail: EXAMPLE_USER } },
    { method: "get", route: "/teams/{id}/members", path: "/teams/{team}/members" },
    { method: "delete", route: "/teams/{id}/members/{userId}", path: "/teams/{team}/members/{user}" },
    { method: "get", route: "/keys", path: "/keys" },
    { method: "post", route: "/keys", path: "/keys", body: { userEmail: EXAMPLE_USER, name: "ci", models: ["gpt-4o-mini"] } },
    { method: "get", route: "/keys/{id}", path: "/keys/{key}" },
    { method: "patch", route: "/keys/{id}", path: "/keys/{key}", body: { responseCache: true } },
    { method: "post", route: "/keys/{id}/rotate", path: "/keys/{key}/rotate" },
    { method: "post", route: "/keys/{id}/revoke", path: "/keys/{rotated}/revoke" },
    { method: "post", route: "/credits/grants", path: "/credits/grants", body: { userEmail: EXAMPLE_USER, amount: "25", note: "welcome" } },
    { method: "get", route: "/ledger", path: "/ledger?userId={user}" },
    { method: "get", route: "/payments", path: `/payments?accountId=${paid.accountId}&limit=5` },
    { method: "post", route: "/payments/{id}/refund", path: `/payments/${paid.paymentId}/refund`, body: { amountCents: 100, reason: "requested_by_customer", note: "goodwill" } },
    { method: "get", route: "/accounts/{id}/statement", path: `/accounts/${paid.accountId}/statement?month=${month}` },
    { method: "post", route: "/codes", path: "/codes", body: { amount: "50", count: 2, batch: "api-batch", creditExpiryDays: 30, maxUses: 10, perCustomerLimit: 2 } },
    { method: "get", route: "/codes", path: "/codes?batch=api-batch&limit=1" },
    { method: "post", route: "/codes/{id}/disable", path: "/codes/{code}/disable" },
    { method: "post", route: "/code-batches/{batch}/disable", path: "/code-batches/api-batch/disable" },
    { method: "post", route: "/budgets", path: "/budgets", body: { target: { userEmail: EXAMPLE_USER }, monthlyUsd: "100" } },
    { method: "post", route: "/rate-limits", path: "/rate-limits", body: { target: { userEmail: EXAMPLE_USER }, rpm: "60" } },
    { method: "get", route: "/providers", path: "/providers" },
    { method: "post", route: "/providers", path: "/providers", body: { type: "openai", name: "api-openai", baseUrl: f.upstream.url, apiKey: f.upstream.apiKey } },
    { method: "patch", route: "/providers/{name}", path: "/providers/api-openai", body: { timeoutMs: 30_000 } },
    { method: "post", route: "/providers/{name}/credentials", path: "/providers/api-openai/credentials", body: { name: "second", apiKey: f.upstream.apiKey, weight: 2 } },
    { method: "post", route: "/providers/{name}/test", path: "/providers/api-openai/test" },
    { method: "get", route: "/models", path: "/models" },
    { method: "post", route: "/models", path: "/models", body: { name: "api-chat", provider: "api-openai", upstreamModel: "gpt-4o", inputUsdPer1M: "2.5", outputUsdPer1M: "10" } },
    { method: "patch", route: "/models/{name}", path: "/models/api-chat", body: { routingStrategy: "latency", responseCache: true } },
    { method: "post", route: "/models/{name}/prices", path: "/models/api-chat/prices", body: { outputUsdPer1M: "12", marginPercent: "20" } },
    { method: "get", route: "/models/{name}/prices", path: "/models/api-chat/prices" },
    { method: "post", route: "/models/{name}/deployments", path: "/models/api-chat/deployments", body: { provider: "fake", upstreamModel: "gpt-4o-mini", priority: 1 } },
    { method: "post", route: "/models/{name}/aliases", path: "/models/api-chat/aliases", body: { alias: "api-chat-latest" } },
    { method: "get", route: "/groups", path: "/groups" },
    { method: "post", route: "/groups", path: "/groups", body: { name: "api-pro", marginPercent: "10", allowedModels: ["api-*", "gpt-4o-mini"] } },
    { method: "patch", route: "/groups/{id}", path: "/groups/{group}", body: { description: "paying customers" } },
    { method: "post", route: "/groups/{id}/model-margins", path: "/groups/{group}/model-margins", body: { model: "api-chat", marginPercent: "5" } },
    { method: "post", route: "/groups/{id}/members", path: "/groups/{group}/members", body: { userEmail: EXAMPLE_USER } },
    { method: "delete", route: "/groups/{id}/members/{userId}", path: "/groups/{group}/members/{user}" },
    { method: "post", route: "/price-findings/check", path: "/price-findings/check" },
    { method: "get", route: "/price-findings", path: "/price-findings" },
    { method: "delete", route: "/groups/{id}", path: "/groups/{group}" },
    { method: "get", route: "/analytics/usage", path: `/analytics/usage?${range}&bucket=hour` },
    { method: "get", route: "/analytics/breakdown", path: `/analytics/breakdown?${range}&groupBy=model` },
    { method: "get", route: "/analytics/calls", path: "/analytics/calls?pageSize=5" },
    { method: "get", route: "/analytics/calls/{requestId}", path: `/analytics/calls/${requestId}` },
    { method: "get", route: "/analytics/export", path: "/analytics/export" },
    { method: "get", route: "/analytics/showback", path: `/analytics/showback?month=${month}` },
    { method: "get", route: "/settings", path: "/settings" },
    { method: "patch", route: "/settings", path: "/settings", body: { "brand-name": "API Hub" } },
    { method: "get", route: "/config", path: "/config" },
    { method: "post", route: "/config/import", path: "/config/import?dryRun=true", body: { aigneHubConfig: 1 } },
    { method: "get", route: "/admin-tokens", path: "/admin-tokens" },
    { method: "post", route: "/admin-tokens", path: "/admin-tokens", body: { name: "made by the API", scope: "read", allowedIps: ["127.0.0.0/8"] } },
    { method: "post", route: "/admin-tokens/{id}/revoke", path: "/admin-tokens/{adminToken}/revoke" },
    { method: "get", route: "/audit", path: "/audit?limit=5" },
    { method: "get", route: "/alert-channels", path: "/alert-channels" },
    { method: "post", route: "/alert-channels", path: "/alert-channels", body: { name: "ops", kind: "webhook", target: "http://127.0.0.1:9/hub-alerts", events: ["balance.low"] } },
    { method: "get", route: "/alert-channels/{id}", path: "/alert-channels/{alertChannel}" },
    { method: "patch", route: "/alert-channels/{id}", path: "/alert-channels/{alertChannel}", body: { enabled: false } },
    { method: "post", route: "/alert-channels/{id}/rotate-secret", path: "/alert-channels/{alertChannel}/rotate-secret" },
    { method: "post", route: "/alert-channels/{id}/test", path: "/alert-channels/{alertChannel}/test" },
    { method: "get", route: "/alert-deliveries", path: "/alert-deliveries?channelId={alertChannel}&limit=5" },
    { method: "get", route: "/alert-deliveries/{id}", path: "/alert-deliveries/{alertDelivery}" },
    { method: "post", route: "/alert-deliveries/{id}/replay", path: "/alert-deliveries/{alertDelivery}/replay" },
    { method: "delete", route: "/alert-channels/{id}", path: "/alert-channels/{alertChannel}" },
    { method: "patch", route: "/users/{id}", path: "/users/{user}", body: { disabled: true } },
  ].map((r) => ({ ...r, method: r.method as AdminRoute["method"], path: r.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? `{${name}}`) }));
}

describe("every route", () => {
  it("has an example here, and the document has every route and no other", () => {
    const table = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(exampleRequests({}).map((r) => `${r.method} ${r.route}`).sort()).toEqual(table);
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path.slice("/api/admin/v1".length)}`));
    expect(documented.sort()).toEqual(table);
  });

  it("answers a full token as documented, and each narrower token only within its scope", async () => {
    const ids: Record<string, string> = {};
    for (let i = 0; i < exampleRequests(ids).length; i++) {
      // the ids the examples before this one created are filled in
      const request = exampleRequests(ids)[i]!;
      const route = routes.find((r) => r.method === request.method && r.path === request.route)!;
      // outside its scope, a token is refused before anything runs
      for (const scope of ["read", "users_keys", "billing"] as const) {
        if (scopeAllows(scope, route.scope)) continue;
        const refused = await api(request.method.toUpperCase(), request.path, { token: tokens[scope], body: request.body });
        expect(refused.status, `${scope} token on ${request.method} ${request.route}`).toBe(403);
        expect(refused.body.error).toMatchObject({ type: "permission_error", code: "insufficient_scope" });
        expectDocumented(route, refused);
      }
      // within it: a read token reads everything
      const token = scopeAllows("read", route.scope) ? tokens.read : tokens.full;
      const answer = await api(request.method.toUpperCase(), request.path, { token, body: request.body });
      expect(answer.status, `${request.method} ${request.path}: ${answer.text.slice(0, 300)}`).toBe(route.status ?? 200);
      expectDocumented(route, answer);
      if (request.route === "/users" && request.method === "post") ids.user = answer.body.id;
      if (request.route === "/teams" && request.method === "post") ids.team = answer.body.id;
      if (request.route === "/groups" && request.method === "post") ids.group = answer.body.id;
      if (request.route === "/keys" && request.method === "post") ids.key = answer.body.key.id;
      if (request.route === "/keys/{id}/rotate") ids.rotated = answer.body.key.id;
      if (request.route === "/codes" && request.method === "post") ids.code = answer.body.codes[0].id;
      if (request.route === "/admin-tokens" && request.method === "post") ids.adminToken = answer.body.token.id;
      if (request.route === "/alert-channels" && request.method === "post") ids.alertChannel = answer.body.channel.id;
      if (request.route === "/alert-channels/{id}/test") ids.alertDelivery = answer.body.id;
    }
  });

  it("never answers a provider secret or a key's or code's hash", async () => {
    const answers = await Promise.all(["/providers", "/keys", "/codes", "/audit?limit=200", "/config", "/admin-tokens", "/alert-channels", "/alert-deliveries"].map((path) => api("GET", path)));
    const hashes = [...(await f.db.apiKey.findMany({ select: { hash: true } })), ...(await f.db.redemptionCode.findMany({ select: { hash: true } }))].map((k) => k.hash);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(f.upstream.apiKey);
      for (const hash of hashes) expect(answer.text).not.toContain(hash);
    }
  });
});

describe("prices", () => {
  it("take a price per minute of audio and per 1M characters, and answer them as documented", async () => {
    const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;
    const added = await api("POST", "/models", { body: { name: "api-whisper", provider: "fake", upstreamModel: "whisper-1", type: "transcription", audioUsdPerMinute: "0.006" } });
    expect(added.status, added.text).toBe(201);
    expectDocumented(route("post", "/models"), added);
    expect(added.body).toMatchObject({ type: "transcription", price: { audioUsdPerMinute: "0.006", charactersUsdPer1M: null, imageUsd: null } });
    const set = await api("POST", "/models/api-whisper/prices", { body: { charactersUsdPer1M: "15" } });
    expectDocumented(route("post", "/models/{name}/prices"), set);
    const history = await api("GET", "/models/api-whisper/prices");
    expectDocumented(route("get", "/models/{name}/prices"), history);
    // the new price carries the audio price over
    expect(history.body.data.map((p: { audioUsdPerMinute: string | null; charactersUsdPer1M: string | null }) => [p.audioUsdPerMinute, p.charactersUsdPer1M])).toEqual([
      ["0.006", "15"],
      ["0.006", null],
    ]);
    const refused = await api("POST", "/models/api-whisper/prices", { body: { audioUsdPerMinute: "six" } });
    expect([refused.status, refused.body.error.message]).toEqual([400, expect.stringContaining("audio price per minute must be a non-negative decimal")]);
  });

  it("take a price per second of video, and answer it as documented", async () => {
    const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;
    const added = await api("POST", "/models", { body: { name: "api-sora", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.1" } });
    expect(added.status, added.text).toBe(201);
    expectDocumented(route("post", "/models"), added);
    expect(added.body).toMatchObject({ type: "video", price: { videoUsdPerSecond: "0.1", audioUsdPerMinute: null, charactersUsdPer1M: null, imageUsd: null } });
    const set = await api("POST", "/models/api-sora/prices", { body: { marginPercent: "40" } });
    expectDocumented(route("post", "/models/{name}/prices"), set);
    const history = await api("GET", "/models/api-sora/prices");
    expectDocumented(route("get", "/models/{name}/prices"), history);
    // the new margin carries the video price over
    expect(history.body.data.map((p: { videoUsdPerSecond: string | null; marginPercent: string }) => [p.videoUsdPerSecond, p.marginPercent])).toEqual([
      ["0.1", "40"],
      ["0.1", "0"],
    ]);
    const refused = await api("POST", "/models/api-sora/prices", { body: { videoUsdPerSecond: "-1" } });
    expect([refused.status, refused.body.error.message]).toEqual([400, expect.stringContaining("video price per second must be a non-negative decimal")]);
  });
});

describe("response cache and routing controls", () => {
  it("opt a key and a model into the response cache and set a model's routing strategy, audited as the API's", async () => {
    const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;
    const created = await api("POST", "/keys", { body: { userEmail: MEMBER, name: "cached", responseCache: true } });
    expect(created.body.key.responseCache).toBe(true);
    const off = await api("PATCH", `/keys/${created.body.key.id}`, { body: { responseCache: false } });
    expectDocumented(route("patch", "/keys/{id}"), off);
    expect(off.body).toMatchObject({ id: created.body.key.id, responseCache: false });
    expect((await api("PATCH", `/keys/${created.body.key.id}`, { token: tokens.read, body: { responseCache: true } })).status).toBe(403);

    const model = await api("PATCH", "/models/gpt-4o-mini", { body: { responseCache: true } });
    expectDocumented(route("patch", "/models/{name}"), model);
    expect(model.body).toMatchObject({ name: "gpt-4o-mini", routingStrategy: "priority", responseCache: true });
    const strategy = await api("PATCH", "/models/gpt-4o-mini", { body: { routingStrategy: "price" } });
    expect(strategy.body).toMatchObject({ routingStrategy: "price", responseCache: true });
    const entries = await f.db.auditLog.findMany({ where: { action: { in: ["cache.set", "model.routing"] }, source: "api" }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(["cache.set", "model.routing"]));

    const empty = await api("PATCH", "/models/gpt-4o-mini", { body: {} });
    expect([empty.status, empty.body.error.type]).toEqual([400, "invalid_request_error"]);
    const bad = await api("PATCH", "/models/gpt-4o-mini", { body: { routingStrategy: "fastest" } });
    expect([bad.status, bad.body.error.param]).toEqual([400, "routingStrategy"]);
    const missing = await api("PATCH", "/models/no-such-model", { body: { responseCache: true } });
    expect(missing.status).toBe(404);
    await api("PATCH", "/models/gpt-4o-mini", { body: { routingStrategy: "priority", responseCache: false } });
  });
});

describe("admin tokens", () => {
  it("are the only way in: no token, an API key (even an admin's), a revoked or an expired token are refused", async () => {
    await f.lib.createUser({ email: "boss@test.local", role: "admin" }, "test");
    const adminsKey = (await f.lib.createApiKey({ userEmail: "boss@test.local" }, "test")).secret;
    expect((await api("GET", "/users", { token: null })).body.error).toMatchObject({ code: "missing_admin_token" });
    const withKey = await api("GET", "/users", { token: adminsKey });
    expect(withKey.status).toBe(401);
    expect(withKey.body.error).toMatchObject({ type: "authentication_error", code: "not_an_admin_token" });
    expect((await api("GET", "/users", { token: "sk-admin-not-a-real-one" })).body.error.code).toBe("admin_token_unknown");

    const { createAdminToken, revokeAdminToken } = await import("@/lib/admin/tokens");
    const revoked = await createAdminToken({ name: "to revoke", scope: "full" }, "test");
    expect((await api("GET", "/users", { token: revoked.secret })).status).toBe(200);
    await revokeAdminToken(revoked.token.id, "test");
    const afterRevoke = await api("GET", "/users", { token: revoked.secret });
    expect([afterRevoke.status, afterRevoke.body.error.code]).toEqual([401, "admin_token_revoked"]);

    const expiring = await createAdminToken({ name: "short-lived", scope: "full", expiresAt: new Date(Date.now() + 60_000) }, "test");
    await f.db.adminToken.update({ where: { id: expiring.token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await api("GET", "/users", { token: expiring.secret });
    expect([expired.status, expired.body.error.code]).toEqual([401, "admin_token_expired"]);
  });

  it("keep to their address list", async () => {
    const { createAdminToken } = await import("@/lib/admin/tokens");
    const elsewhere = await createAdminToken({ name: "office only", scope: "read", allowedIps: ["203.0.113.0/24"] }, "test");
    const refused = await api("GET", "/users", { token: elsewhere.secret });
    expect([refused.status, refused.body.error.code]).toEqual([403, "admin_token_address"]);
    const here = await createAdminToken({ name: "loopback", scope: "read", allowedIps: ["127.0.0.1", "::1"] }, "test");
    expect((await api("GET", "/users", { token: here.secret })).status).toBe(200);
    await expect(createAdminToken({ name: "bad", scope: "read", allowedIps: ["not-an-address"] }, "test")).rejects.toThrow(/not an IP address/);
  });

  it("of the users-and-keys scope cannot make anyone an admin", async () => {
    const created = await api("POST", "/users", { token: tokens.users_keys, body: { email: "climber@test.local", role: "admin" } });
    expect([created.status, created.body.error?.code]).toEqual([403, "insufficient_scope"]);
    expect(await f.db.user.count({ where: { email: "climber@test.local" } })).toBe(0);
    const member = await api("POST", "/users", { token: tokens.users_keys, body: { email: "climber@test.local" } });
    expect(member.status).toBe(201);
    const promoted = await api("PATCH", `/users/${member.body.id}`, { token: tokens.users_keys, body: { role: "admin" } });
    expect([promoted.status, promoted.body.error?.code]).toEqual([403, "insufficient_scope"]);
    expect((await f.db.user.findUniqueOrThrow({ where: { id: member.body.id } })).role).toBe("member");
    // nor lock an admin out
    const boss = await f.db.user.findUniqueOrThrow({ where: { email: "boss@test.local" } });
    const lockOut = await api("PATCH", `/users/${boss.id}`, { token: tokens.users_keys, body: { disabled: true } });
    expect([lockOut.status, lockOut.body.error?.code]).toEqual([403, "insufficient_scope"]);
    expect((await f.db.user.findUniqueOrThrow({ where: { id: boss.id } })).disabledAt).toBeNull();
  });

  it("are created and revoked from the CLI, and the CLI's token works at once", async () => {
    const created = await runCli(["admin-token", "create", "--name", "terraform", "--scope", "users_keys", "--json"], f.env);
    expect(created.code, created.stderr).toBe(0);
    const { secret, token } = JSON.parse(created.stdout) as { secret: string; token: { id: string; scope: string } };
    expect(secret).toMatch(/^sk-admin-[0-9A-Za-z]{43}$/);
    expect(token.scope).toBe("users_keys");
    expect((await api("GET", "/keys", { token: secret })).status).toBe(200);
    expect((await f.db.adminToken.findUniqueOrThrow({ where: { id: token.id } })).hash).not.toContain(secret.slice(9));
    const revoked = await runCli(["admin-token", "revoke", token.id, "--json"], f.env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await api("GET", "/keys", { token: secret })).status).toBe(401);
  });
});

describe("errors", () => {
  it("are one shape: unknown paths 404, wrong methods 405, bad bodies 400 naming the field, missing things 404", async () => {
    const unknown = await api("GET", "/no-such-thing");
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "unknown_url"]);
    // a stranger learns nothing about which paths exist
    expect((await api("GET", "/no-such-thing", { token: null })).status).toBe(401);
    const method = await api("PUT", "/users");
    expect([method.status, method.headers.get("allow")]).toEqual([405, "GET, POST"]);
    const bad = await api("POST", "/users", { body: { email: 42 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: "invalid_request_error", param: "email" });
    const missing = await api("GET", "/users/nobody");
    expect(missing.body).toEqual({ error: { type: "not_found_error", code: "not_found", message: "No user with this id.", param: null } });
    const conflict = await api("POST", "/teams", { body: { name: "API team" } });
    expect([conflict.status, conflict.body.error.code]).toEqual([409, "conflict"]);
    const notJson = await fetch(`${f.hub.url}/api/admin/v1/users`, { method: "POST", headers: { authorization: `Bearer ${tokens.full}`, "content-type": "application/json" }, body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("a race to create one email makes one user and answers the rest 409, never a 500", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => api("POST", "/users", { body: { email: "raced@test.local" } })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.error).toMatchObject({ type: "invalid_request_error", code: "conflict" });
    expect(await f.db.user.count({ where: { email: "raced@test.local" } })).toBe(1);
  });
});

describe("Idempotency-Key", () => {
  it("makes a retried creation answer the same and create nothing twice", async () => {
    const send = () => api("POST", "/users", { body: { email: "once@test.local" }, headers: { "idempotency-key": "create-once-1" } });
    const first = await send();
    const retry = await send();
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await f.db.user.count({ where: { email: "once@test.local" } })).toBe(1);
    expect(await f.db.auditLog.count({ where: { action: "user.create", target: first.body.id } })).toBe(1);
  });

  it("gives a retried key creation the same secret, and keeps no secret in the clear", async () => {
    const send = () => api("POST", "/keys", { body: { userEmail: "once@test.local", name: "retried" }, headers: { "idempotency-key": "key-once-1" } });
    const first = await send();
    const retry = await send();
    expect(retry.body.secret).toBe(first.body.secret);
    expect(await f.db.apiKey.count({ where: { name: "retried" } })).toBe(1);
    const stored = await f.db.idempotencyRecord.findMany();
    expect(JSON.stringify(stored)).not.toContain(first.body.secret);
  });

  it("moves money once however often a grant is retried, concurrently too", async () => {
    const send = () => api("POST", "/credits/grants", { token: tokens.billing, body: { userEmail: "once@test.local", amount: "10" }, headers: { "idempotency-key": "grant-once-1" } });
    const answers = await Promise.all([send(), send(), send(), send()]);
    // each retry gets the first answer, or (while it runs) a 409 to retry
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect(answers.some((a) => a.status === 201)).toBe(true);
    const again = await send();
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([201, "true"]);
    const user = await f.db.user.findUniqueOrThrow({ where: { email: "once@test.local" }, include: { creditAccount: true } });
    expect(await f.db.creditTransaction.count({ where: { accountId: user.creditAccount!.id, kind: "grant" } })).toBe(1);
    expect(user.creditAccount!.balanceMicrocredits).toBe(10_000_000n);
  });

  it("refuses the same key for another request", async () => {
    await api("POST", "/teams", { body: { name: "Idem A" }, headers: { "idempotency-key": "team-key" } });
    const other = await api("POST", "/teams", { body: { name: "Idem B" }, headers: { "idempotency-key": "team-key" } });
    expect([other.status, other.body.error.code]).toEqual([422, "idempotency_key_reused"]);
    expect(await f.db.team.count({ where: { name: "Idem B" } })).toBe(0);
  });
});

describe("the audit log", () => {
  it("holds one entry per change through each front end: the API, the CLI and an import", async () => {
    const viaApi = await api("POST", "/teams", { token: tokens.users_keys, body: { name: "Audited" } });
    const viaCli = await runCli(["user", "create", "--email", "audited-cli@test.local", "--json"], f.env);
    expect(viaCli.code, viaCli.stderr).toBe(0);
    const exported = (await api("GET", "/config")).body;
    const imported = await api("POST", "/config/import", { body: { ...exported, settings: { ...exported.settings, brandName: "Imported Hub" } } });
    expect(imported.status, imported.text).toBe(200);

    const entries = (await api("GET", "/audit?limit=200")).body.data as Array<Record<string, unknown>>;
    const team = entries.filter((e) => e.action === "team.create" && e.target === viaApi.body.id);
    expect(team).toHaveLength(1);
    expect(team[0]).toMatchObject({ actor: `token:${tokenIds.users_keys}`, actorType: "admin_token", source: "api", ip: expect.stringMatching(/^(127\.0\.0\.1|::1)$/), entity: "team" });
    const cli = entries.filter((e) => e.action === "user.create" && (e.details as { email?: string }).email === "audited-cli@test.local");
    expect(cli).toHaveLength(1);
    expect(cli[0]).toMatchObject({ actor: "cli", actorType: "cli", source: "cli", ip: null });
    const brand = entries.filter((e) => e.action === "settings.brandName" && e.source === "import");
    expect(brand).toHaveLength(1);
    expect(brand[0]).toMatchObject({ actorType: "admin_token", before: { brandName: "API Hub" }, after: { brandName: "Imported Hub" } });
  });

  it("filters by actor, action prefix, source and time, and pages with a cursor", async () => {
    const bySource = (await api("GET", "/audit?source=cli")).body.data as Array<{ source: string }>;
    expect(bySource.length).toBeGreaterThan(0);
    expect(bySource.every((e) => e.source === "cli")).toBe(true);
    const keys = (await api("GET", "/audit?action=key.")).body.data as Array<{ action: string }>;
    expect(keys.map((e) => e.action)).toEqual(expect.arrayContaining(["key.create", "key.rotate", "key.revoke"]));
    expect(keys.every((e) => e.action.startsWith("key."))).toBe(true);
    const future = (await api("GET", `/audit?from=${new Date(Date.now() + 3_600_000).toISOString()}`)).body.data;
    expect(future).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await api("GET", `/audit?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...(page.body.data as Array<{ id: string }>).map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await f.db.auditLog.count());
  });

  it("masks secrets and records before and after", async () => {
    await api("POST", "/providers/api-openai/credentials", { body: { name: "third", apiKey: "sk-live-very-secret-123456" } });
    await api("POST", "/rate-limits", { body: { target: { userEmail: EXAMPLE_USER }, rpm: "120" } });
    const entries = (await api("GET", "/audit?limit=50")).body.data as Array<{ action: string; before: unknown; after: unknown }>;
    expect(JSON.stringify(entries)).not.toContain("sk-live-very-secret-123456");
    const limits = entries.find((e) => e.action === "limits.set");
    expect(limits).toMatchObject({ before: { rpm: 60 }, after: { rpm: 120 } });
  });

  it("is append-only: the database refuses to change or delete an entry", async () => {
    const entry = await f.db.auditLog.findFirstOrThrow();
    await expect(f.db.auditLog.update({ where: { id: entry.id }, data: { action: "nothing.happened" } })).rejects.toThrow(/append-only/);
    await expect(f.db.auditLog.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
    expect((await f.db.auditLog.findUniqueOrThrow({ where: { id: entry.id } })).action).toBe(entry.action);
  });
});
