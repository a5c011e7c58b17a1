import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess } from "../helpers/hub-process";

// Liveness and readiness as a load balancer sees them, and the metrics as Prometheus scrapes them,
// against the real database and Redis.

let f: HubFixture;
const METRICS_TOKEN = "metrics-token-0123456789";

beforeAll(async () => {
  f = await startHubFixture({ redis: true, env: { HUB_METRICS_TOKEN: METRICS_TOKEN } });
}, 60_000);

afterAll(async () => {
  await f?.close();
});

// the detailed checks are for the operator (the metrics token); anyone else sees only ok/failed
const get = async (url: string, token: string | null = METRICS_TOKEN) => {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string; detail?: string }> } };
};

describe("/healthz and /readyz", () => {
  it("are ok when the database is migrated and Redis answers", async () => {
    expect((await get(`${f.hub.url}/healthz`)).body).toEqual({ status: "ok", role: "all", runs: ["gateway", "admin", "web"] });
    const ready = await get(`${f.hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ready", checks: { database: { ok: true }, migrations: { ok: true, detail: expect.stringMatching(/^\d+ applied$/) }, redis: { ok: true } } });
  });

  it("is not ready, naming the migration, while one this build ships is missing", async () => {
    const [row] = await f.db.$queryRawUnsafe<Array<{ name: string; checksum: string; applied_at: unknown }>>(`SELECT * FROM _hub_migrations ORDER BY name DESC LIMIT 1`);
    await f.db.$executeRawUnsafe(`DELETE FROM _hub_migrations WHERE name = '${row!.name}'`);
    try {
      const ready = await get(`${f.hub.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.migrations).toEqual({ ok: false, error: `migrations not applied: ${row!.name}` });
      expect(ready.body.checks.database?.ok).toBe(true);
    } finally {
      await f.db.$executeRawUnsafe(`INSERT INTO _hub_migrations (name, checksum, applied_at) VALUES ('${row!.name}', '${row!.checksum}', ${f.env.DATABASE_URL!.startsWith("file:") ? `'${new Date().toISOString()}'` : "now()"})`);
    }
    expect((await get(`${f.hub.url}/readyz`)).status).toBe(200);
  });

  it("answers 503 within seconds when Redis cannot be reached, while the process stays alive", async () => {
    // a second server on the same database, configured with a Redis nobody listens on
    const { HUB_METRICS_TOKEN: _metricsOn, ...env } = f.env;
    const hub = await startHubProcess({ ...env, REDIS_URL: "redis://127.0.0.1:1" });
    try {
      const started = Date.now();
      const ready = await get(`${hub.url}/readyz`);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ready.status).toBe(503);
      // this hub has no metrics token: the anonymous view names the failed check, not its error
      expect(ready.body.checks).toEqual({ database: "ok", migrations: "ok", redis: "failed" });
      expect((await get(`${hub.url}/healthz`)).status).toBe(200);
      // without HUB_METRICS_TOKEN there are no metrics to scrape
      expect((await fetch(`${hub.url}/metrics`)).status).toBe(404);
    } finally {
      await hub.stop("SIGKILL");
    }
  });
});

describe("/metrics", () => {
  const scrape = async (token?: string) => fetch(`${f.hub.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  /** the value of a sample with these labels (among others, in any order) */
  const sample = (text: string, name: string, labels: Record<string, string> = {}) => {
    for (const line of text.split("\n")) {
      const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
      if (match?.[1] !== name) continue;
      const have = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
    }
    return NaN;
  };

  it("refuses a scrape without the token", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("wrong-token-0123456789")).status).toBe(401);
  });

  it("counts calls, latency, time to first byte, tokens, cost and upstream errors, and shows queue depth and holds", async () => {
    await f.lib.addModel({ name: "broken", provider: "fake", upstreamModel: "x-fake-error-500", type: "chat" }, "test");
    await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "measure me" }] });
    const stream = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "stream me" }], stream: true });
    for await (const _chunk of stream);
    await expect(f.client.chat.completions.create({ model: "broken", messages: [{ role: "user", content: "fail" }] })).rejects.toMatchObject({ status: 502 });

    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(sample(text, "hub_requests_total", { endpoint: "chat", status: "200" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "hub_requests_total", { endpoint: "chat", status: "502" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "hub_request_duration_seconds_count", { endpoint: "chat" })).toBeGreaterThanOrEqual(3);
    expect(sample(text, "hub_ttfb_seconds_count", { endpoint: "chat" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "hub_tokens_total", { model: "gpt-4o-mini", direction: "completion" })).toBeGreaterThan(0);
    expect(sample(text, "hub_cost_usd_total", { model: "gpt-4o-mini" })).toBeGreaterThan(0);
    expect(sample(text, "hub_upstream_errors_total", { provider: "fake", kind: "http" })).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^hub_usage_queue_depth\{[^}]*\} \d+$/m);
    expect(text).toMatch(/^hub_reservation_holds\{[^}]*\} \d+$/m);
    expect(text).toMatch(/^hub_calls_in_flight\{[^}]*\} \d+$/m);
    expect(sample(text, "hub_process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
  });
});
