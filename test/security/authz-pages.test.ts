import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaked, seedAuthzWorld, SECRET_HOST, type AuthzWorld } from "../helpers/authz-seed";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Point 1 of the security issue: a page's data must not reach anyone who may not see it, whatever shape
// the request takes. Next renders a page beside its layout (or alone, when the client says the layout is
// already on screen), so a guard in the layout protects nothing: every page is asked for directly here,
// as anonymous and as a member, in every shape the App Router answers.

const APP = path.resolve(import.meta.dirname, "../../app");

interface PageRoute {
  /** the folder names under app/, route groups included (the router state tree has them) */
  segments: string[];
  url: string;
  area: "admin" | "account" | "public";
}

// values for dynamic segments: a new [param] page fails the walk until it is given one here
// (requestId: a call of the attacker's own, seeded below, so the account page renders for them)
const DYNAMIC_VALUES: Record<string, string> = { requestId: "authz-call-0001" };

/** Every page.tsx under app/, found by walking the tree so a new page is covered without editing this file. */
function pageRoutes(dir = APP, segments: string[] = []): PageRoute[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const here: PageRoute[] = entries.some((e) => e.isFile() && /^page\.(tsx|ts|jsx|js|mdx)$/.test(e.name)) ? [route(segments)] : [];
  const below = entries.filter((e) => e.isDirectory() && !e.name.startsWith("_")).flatMap((e) => pageRoutes(path.join(dir, e.name), [...segments, e.name]));
  return [...here, ...below];
}

function route(segments: string[]): PageRoute {
  const parts = segments
    .filter((s) => !/^\(.*\)$/.test(s))
    .map((s) => {
      const dynamic = /^\[+\.*(.+?)\]+$/.exec(s);
      if (!dynamic) return s;
      const value = DYNAMIC_VALUES[dynamic[1]!];
      if (value === undefined) throw new Error(`give the dynamic segment ${s} a value in DYNAMIC_VALUES`);
      return value;
    });
  const area = segments[0] === "admin" ? "admin" : segments[0] === "(account)" ? "account" : "public";
  return { segments, url: `/${parts.join("/")}`, area };
}

/** A router state tree claiming the given segments (and the page under them) are on screen. */
function routerTree(segments: string[]): string {
  const below = (rest: string[]): unknown[] => (rest.length === 0 ? ["__PAGE__", {}] : [rest[0], { children: below(rest.slice(1)) }]);
  return encodeURIComponent(JSON.stringify(["", { children: below(segments) }, null, null, true]));
}

/** The shapes in which the App Router serves a page; the forged trees claim the layouts are already rendered. */
const SHAPES: Record<string, (page: PageRoute) => { url: string; headers: Record<string, string> }> = {
  "plain GET": (p) => ({ url: p.url, headers: {} }),
  "?_rsc=": (p) => ({ url: `${p.url}?_rsc=abc12`, headers: { RSC: "1" } }),
  "RSC with a forged tree of the page itself": (p) => ({ url: p.url, headers: { RSC: "1", "Next-Router-State-Tree": routerTree(p.segments) } }),
  "RSC with a forged tree of its parent layout": (p) => ({ url: p.url, headers: { RSC: "1", "Next-Router-State-Tree": routerTree(p.segments.slice(0, -1)) } }),
  prefetch: (p) => ({ url: p.url, headers: { RSC: "1", "Next-Router-Prefetch": "1" } }),
};

const REFUSED = [302, 303, 307, 308, 401, 403, 404];

/**
 * Refused: a redirect or an error status; or, for an RSC request (whose status Next cannot change once
 * the payload streams), the 403 boundary in the payload instead of the page.
 */
function expectRefused(res: { status: number; body: string }, headers: Record<string, string>, what: string) {
  if (headers.RSC && res.status === 200) expect(res.body, what).toMatch(/NEXT_HTTP_ERROR_FALLBACK;403|Administrators only/);
  else expect(REFUSED, `${what} → ${res.status}`).toContain(res.status);
}

let f: HubFixture;
let world: AuthzWorld;
const pages = pageRoutes();

beforeAll(async () => {
  f = await startHubFixture();
  world = await seedAuthzWorld(f);
  await seedOwnCall(world.attacker.id, DYNAMIC_VALUES.requestId!);
}, 120_000);

/** A logged call of the attacker's: what the call detail pages show them (and an admin). */
async function seedOwnCall(userId: string, requestId: string) {
  const startedAt = new Date();
  await f.db.usageEvent.create({ data: { requestId, userId, endpoint: "chat", requestedModel: "gpt-4o-mini", latencyMs: 5, status: 200, startedAt } });
  await f.db.callBody.create({ data: { requestId, userId, request: '{"messages":[]}', response: null, createdAt: startedAt, expiresAt: new Date(startedAt.getTime() + 86_400_000) } });
}

afterAll(async () => {
  await f?.close();
});

async function get(url: string, headers: Record<string, string>, cookie?: string) {
  const res = await fetch(`${f.hub.url}${url}`, { redirect: "manual", headers: { ...headers, ...(cookie ? { cookie } : {}) } });
  return { status: res.status, body: await res.text() };
}

it("walks app/ and finds the admin, account and public pages", () => {
  const urls = pages.map((p) => p.url);
  expect(urls).toEqual(expect.arrayContaining(["/", "/admin", "/admin/keys", "/admin/providers", "/admin/users", "/dashboard", "/keys", "/billing", "/pricing", "/sign-in"]));
});

it("the seeded secrets are on the admin pages for an admin (so their absence elsewhere means something)", async () => {
  const body = async (url: string) => (await get(url, {}, world.admin.cookie)).body;
  expect(await body("/admin/providers")).toContain(SECRET_HOST);
  expect(await body("/admin/keys")).toContain(world.victim.keyPrefix);
  expect(await body("/admin/users")).toContain(world.victim.email);
});

describe.each(pages)("page $url", (page) => {
  it.each(Object.keys(SHAPES))("gives anonymous nothing (%s)", async (shape) => {
    const { url, headers } = SHAPES[shape]!(page);
    const res = await get(url, headers);
    expect(leaked(res.body, world.adminOnly), `${shape} ${url} → ${res.status}`).toEqual([]);
    if (page.area !== "public") expectRefused(res, headers, `${shape} ${url}`);
  });

  it.each(Object.keys(SHAPES))("gives a member nothing of others (%s)", async (shape) => {
    const { url, headers } = SHAPES[shape]!(page);
    const res = await get(url, headers, world.attacker.cookie);
    expect(leaked(res.body, world.hiddenFromAttacker), `${shape} ${url} → ${res.status}`).toEqual([]);
    if (page.area === "admin") {
      expectRefused(res, headers, `${shape} ${url}`);
      expect(res.body, "no admin page renders for a member").not.toContain(world.attacker.keyPrefix);
    }
  });

  if (page.area !== "public") {
    it("refuses anonymous before rendering: the middleware redirects with an empty body", async () => {
      const res = await fetch(`${f.hub.url}${page.url}`, { redirect: "manual" });
      expect(res.status).toBe(307);
      const location = new URL(res.headers.get("location")!, f.hub.url);
      expect(location.pathname).toBe("/sign-in");
      // Next writes the target as the body of a redirect; nothing else
      expect(["", location.href]).toContain(await res.text());
    });
  }
});

it("keeps the admin's downloads and the playground's call details to a signed-in admin (never a key)", async () => {
  const memberKey = (await f.lib.createApiKey({ userEmail: world.attacker.email, name: "downloads probe" }, "test")).secret;
  const routes = ["/admin/usage/export", "/admin/audit/export", "/api/playground/calls/no-such-call"];
  for (const url of routes) {
    for (const [who, headers, cookie] of [["anonymous", {}, undefined], ["a member", {}, world.attacker.cookie], ["a member's key", { authorization: `Bearer ${memberKey}` }, undefined]] as const) {
      const res = await get(url, headers, cookie);
      expect(REFUSED, `${who} on ${url} → ${res.status}`).toContain(res.status);
      expect(leaked(res.body, world.adminOnly), `${who} on ${url}`).toEqual([]);
    }
  }
  const audit = await get("/admin/audit/export", {}, world.admin.cookie);
  expect(audit.status).toBe(200);
  expect(audit.body.split("\n")[0]).toBe("createdAt,actor,actorType,source,ip,action,entity,target,details,before,after");
  expect(audit.body).toContain(world.victim.email);
  expect((await get("/admin/usage/export", {}, world.admin.cookie)).status).toBe(200);
  expect((await get("/api/playground/calls/no-such-call", {}, world.admin.cookie)).status).toBe(404);
});

it("still renders every admin page for an admin and every account page for a member", async () => {
  for (const page of pages.filter((p) => p.area !== "public")) {
    const cookie = page.area === "admin" ? world.admin.cookie : world.attacker.cookie;
    expect((await get(page.url, {}, cookie)).status, page.url).toBe(200);
  }
});

it("shows a member their own keys and not another member's", async () => {
  const { status, body } = await get("/keys", {}, world.attacker.cookie);
  expect(status).toBe(200);
  expect(body).toContain(world.attacker.keyPrefix);
  expect(leaked(body, [world.victim.keyPrefix, world.victim.email])).toEqual([]);
});
