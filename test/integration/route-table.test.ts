import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayPaths } from "@/lib/gateway/routes";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Every path of the route table, the AIGNE Hub protocol's included, is answered by the hub's own
// server without loading Next (scripts/server.cjs prints this line when it does): an API-only
// process never holds the web UI.

const NEXT_LOADED = "loading the web UI";

let f: HubFixture;

beforeAll(async () => {
  f = await startHubFixture();
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("the route table in production", () => {
  it("answers every path of the table without loading Next", async () => {
    const requests = gatewayPaths().flatMap(({ path, methods }) => methods.map((method) => ({ method, path: path.replace("{model}", "gpt-4o-mini") })));
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(["GET /api/user/info", "GET /api/ai/models", "GET /__blocklet__.js", "POST /api/v2/chat", "GET /healthz"]));
    for (const { method, path } of requests) {
      // an empty body: each answers (mostly a 400) without calling an upstream
      const res = await fetch(`${f.hub.url}${path}`, { method, headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" }, ...(method === "POST" ? { body: "{}" } : {}) });
      await res.arrayBuffer();
      expect(res.headers.get("content-type"), `${method} ${path}`).not.toMatch(/text\/html/);
    }
    const discovery = await fetch(`${f.hub.url}/__blocklet__.js`);
    expect(discovery.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(await discovery.text()).toMatch(/^window\.blocklet = \{.*"appUrl":/);
    const models = await fetch(`${f.hub.url}/api/ai/models?type=chat`);
    expect(((await models.json()) as Array<{ model: string }>).map((m) => m.model)).toEqual(["gpt-4o-mini"]);
    const info = await fetch(`${f.hub.url}/api/user/info`, { headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(await info.json()).toMatchObject({ user: { email: "dev@test.local" } });
    // the admin API is served from Node too, its document and its routes
    const adminDocument = await fetch(`${f.hub.url}/api/admin/v1/openapi.json`);
    expect(((await adminDocument.json()) as { openapi: string }).openapi).toBe("3.1.0");
    const adminRoute = await fetch(`${f.hub.url}/api/admin/v1/users`);
    expect([adminRoute.status, ((await adminRoute.json()) as { error: { code: string } }).error.code]).toEqual([401, "missing_admin_token"]);
    expect(f.hub.output()).not.toContain(NEXT_LOADED);
  });

  it("loads Next for a page (what the test above would see)", async () => {
    const page = await fetch(`${f.hub.url}/sign-in`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(f.hub.output()).toContain(NEXT_LOADED);
  });
});
