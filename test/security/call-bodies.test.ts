import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { ADMIN } from "../helpers/authz-seed";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { sessionCookie } from "../helpers/web-client";

// A logged call body is the customer's own words: only its caller (their user, not a team-mate) and a
// signed-in admin may read it, through the call detail pages and their loaders; nothing a key opens
// (a gateway key, an admin token of the narrowest scope) shows it.

const A = { email: "body-owner-a@test.local", password: "owner-password-1" };
const B = { email: "team-mate-b@test.local", password: "teammate-password-1" };
const SECRET = "victim-prompt-8d41c2-secret";

let f: HubFixture;
let requestId: string;
let ownerKey: string;
let callers: { a: { id: string; email: string; role: "member" }; b: { id: string; email: string; role: "member" } };
let cookies: { a: string; b: string; admin: string };

beforeAll(async () => {
  f = await startHubFixture();
  await f.lib.createTeam({ name: "shared-team" }, "test");
  const [a, b] = [await f.lib.createUser({ ...A, role: "member" }, "test"), await f.lib.createUser({ ...B, role: "member" }, "test")];
  for (const { email } of [A, B]) await f.lib.joinTeam(email, "shared-team", "test");
  callers = { a: { id: a.id, email: a.email, role: "member" }, b: { id: b.id, email: b.email, role: "member" } };
  const { secret, key } = await f.lib.createApiKey({ userEmail: A.email, name: "a logs bodies" }, "test");
  ownerKey = secret;
  await f.lib.setLogLevel({ keyId: key.id }, "bodies", "test");
  const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
  const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: SECRET }] }).withResponse();
  requestId = response.headers.get("x-request-id")!;
  await eventually(() => f.db.callBody.findUniqueOrThrow({ where: { requestId } }), 5000);
  cookies = {
    a: await sessionCookie(f.hub.url, A.email, A.password),
    b: await sessionCookie(f.hub.url, B.email, B.password),
    admin: await sessionCookie(f.hub.url, ADMIN.email, ADMIN.password),
  };
}, 120_000);

afterAll(async () => {
  await f?.close();
});

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${f.hub.url}${url}`, { redirect: "manual", headers });
  return { status: res.status, body: await res.text() };
}

describe("call bodies", () => {
  it("are on the call's page for its caller and for an admin (so their absence elsewhere means something)", async () => {
    const own = await get(`/usage/calls/${requestId}`, { cookie: cookies.a });
    expect(own.status).toBe(200);
    expect(own.body).toContain(SECRET);
    const admin = await get(`/admin/usage/calls/${requestId}`, { cookie: cookies.admin });
    expect(admin.status).toBe(200);
    expect(admin.body).toContain(SECRET);
  });

  it("show a reseller's customer the credits charged, never the operator's cost", async () => {
    await f.lib.setMode("service_provider", "test");
    try {
      await eventually(async () => {
        const own = await get(`/usage/calls/${requestId}`, { cookie: cookies.a });
        // the labels as rendered (every page also carries the message catalogue, where both words are)
        expect(own.body).toContain(">Charge</dt>");
        expect(own.body).not.toContain(">Provider cost</dt>");
      }, 5000);
      const admin = await get(`/admin/usage/calls/${requestId}`, { cookie: cookies.admin });
      expect(admin.body).toContain(">Provider cost</dt>");
      expect(admin.body).toContain(">Charge</dt>");
    } finally {
      await f.lib.setMode("enterprise", "test");
    }
  });

  it("are not for a team-mate: the loaders find no such call, the pages answer 404 or refuse", async () => {
    // the loader under lib/dal's myCall ({ own: true }) and adminCall ({ own: false }); lib/dal itself is server-only
    const { callDetail } = await import("@/lib/analytics/usage");
    expect(await callDetail(callers.b, requestId, { own: true })).toBeNull();
    expect((await callDetail(callers.a, requestId, { own: true }))?.body?.request).toContain(SECRET);
    await expect(callDetail(callers.b, requestId, { own: false })).rejects.toThrow(/not allowed/);
    for (const [url, headers] of [
      [`/usage/calls/${requestId}`, {}],
      [`/usage/calls/${requestId}`, { RSC: "1" }],
      [`/admin/usage/calls/${requestId}`, {}],
      [`/admin/usage/calls/${requestId}`, { RSC: "1" }],
    ] as const) {
      const res = await get(url, { ...headers, cookie: cookies.b });
      expect(res.body, `${url} ${JSON.stringify(headers)}`).not.toContain(SECRET);
      // a page that streams (a loading boundary above it) has sent 200 before it refuses: the boundary says so
      if (res.status === 200) expect(res.body, url).toMatch(/NEXT_HTTP_ERROR_FALLBACK;40[34]/);
      else expect([403, 404], url).toContain(res.status);
    }
  });

  it("are not for a leaked key: the owner's gateway key opens no page, an admin token of the read scope gets the metadata only", async () => {
    for (const url of [`/usage/calls/${requestId}`, `/admin/usage/calls/${requestId}`, `/api/playground/calls/${requestId}`]) {
      const res = await get(url, { authorization: `Bearer ${ownerKey}` });
      expect(res.body, url).not.toContain(SECRET);
      expect([302, 303, 307, 308, 401, 403, 404], `${url} → ${res.status}`).toContain(res.status);
    }
    const { createAdminToken } = await import("@/lib/admin/tokens");
    const { secret } = await createAdminToken({ name: "reader", scope: "read" }, "test");
    const res = await get(`/api/admin/v1/analytics/calls/${requestId}`, { authorization: `Bearer ${secret}` });
    expect(res.status).toBe(200);
    expect(res.body).toContain(requestId);
    expect(res.body).not.toContain(SECRET);
  });
});
