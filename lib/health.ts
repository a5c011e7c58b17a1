import { Redis } from "ioredis";
import { db } from "./db/client";
import { loadMigrations, MIGRATIONS_TABLE } from "./db/migrate";
import { databaseKind, env } from "./env";
import { Reply } from "./http/reply";
import { log } from "./log";
import { roleRuns } from "./roles";
import { hasMetricsToken, registry } from "./metrics";
import { processSingleton } from "./singleton";

// Readiness for load balancers and orchestrators: the database answers, every migration this build
// ships is applied, and Redis (when configured) answers. Each check is bounded, so an outage gives a
// quick 503 rather than a probe that hangs. Anyone may probe: the answer names only which check
// failed; the error texts (hosts, ports, errno names) go to the log, and to a caller holding the
// metrics token (HUB_METRICS_TOKEN), the operator's own credential for this kind of endpoint.

const CHECK_TIMEOUT_MS = 2000;

type Check = { ok: true; detail?: string } | { ok: false; error: string };

function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref())]);
}

const failed = (error: unknown): Check => ({ ok: false, error: (error as Error).message.split("\n").filter(Boolean).at(-1) ?? "failed" });

async function checkDatabase(): Promise<Check> {
  try {
    await bounded(db().$queryRawUnsafe("SELECT 1"), "the database");
    return { ok: true };
  } catch (error) {
    return failed(error);
  }
}

async function checkMigrations(): Promise<Check> {
  try {
    const rows = await bounded(db().$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM ${MIGRATIONS_TABLE}`), "the database");
    const applied = new Set(rows.map((r) => r.name));
    const pending = loadMigrations(databaseKind()).filter((m) => !applied.has(m.name)).map((m) => m.name);
    return pending.length ? { ok: false, error: `migrations not applied: ${pending.join(", ")}` } : { ok: true, detail: `${applied.size} applied` };
  } catch (error) {
    return failed(error);
  }
}

/**
 * One connection of its own, shared by every probe (a connection per probe lets anyone open Redis
 * connections at will): the request path's client must not be disturbed by a probe. It reconnects
 * by itself after an outage; while it is down a probe fails at once (no offline queue).
 */
const probeConnection = (url: string) =>
  processSingleton("readiness-redis", () => {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: CHECK_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 250, CHECK_TIMEOUT_MS),
    });
    redis.on("error", () => {});
    return redis;
  });

async function checkRedis(): Promise<Check> {
  const url = env().REDIS_URL;
  if (!url) return { ok: true, detail: "not configured" };
  const redis = probeConnection(url);
  try {
    if (redis.status === "wait" || redis.status === "end") await bounded(redis.connect(), "Redis");
    await bounded(redis.ping(), "Redis");
    return { ok: true };
  } catch (error) {
    return failed(error);
  }
}

async function readiness() {
  const [database, migrations, redis] = await Promise.all([checkDatabase(), checkMigrations(), checkRedis()]);
  const checks = { database, migrations, redis };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

/** GET /healthz – the process is alive and serving, and what it runs (its HUB_ROLE). */
export function healthz(): Reply {
  const { HUB_ROLE, REDIS_URL } = env();
  return Reply.json({ status: "ok", role: HUB_ROLE, runs: roleRuns(HUB_ROLE, Boolean(REDIS_URL)) });
}

let lastLogged = "";
/** Logs what failed, once per change of state (a load balancer probes every few seconds). */
function logFailures(checks: Record<string, Check>): void {
  const failures = Object.entries(checks).flatMap(([name, check]) => (check.ok ? [] : [`${name}: ${check.error}`]));
  const state = failures.join("; ");
  if (state === lastLogged) return;
  lastLogged = state;
  if (state) log.warn({ failures }, "not ready");
  else log.info("ready again");
}

/** GET /readyz – ready to serve: database reachable and migrated, Redis reachable when configured. */
export async function readyz(request: { headers: { get(name: string): string | null } }): Promise<Reply> {
  const { ready, checks } = await readiness();
  logFailures(checks);
  const shown = hasMetricsToken(request) ? checks : Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, check.ok ? "ok" : "failed"]));
  return Reply.json({ status: ready ? "ready" : "not_ready", checks: shown }, { "cache-control": "no-store" }, ready ? 200 : 503);
}

/** Whether a scrape may read the metrics: only with HUB_METRICS_TOKEN set, and that token. */
function metricsAccess(request: { headers: { get(name: string): string | null } }): "ok" | "disabled" | "unauthorized" {
  if (!env().HUB_METRICS_TOKEN) return "disabled";
  return hasMetricsToken(request) ? "ok" : "unauthorized";
}

/** GET /metrics – Prometheus exposition; needs HUB_METRICS_TOKEN as a Bearer token (404 when unset). */
export async function metricsExposition(request: { headers: { get(name: string): string | null } }): Promise<Reply> {
  const access = metricsAccess(request);
  const text = { "content-type": "text/plain; charset=utf-8" };
  if (access === "disabled") return Reply.text("metrics are off (set HUB_METRICS_TOKEN)\n", text, 404);
  if (access === "unauthorized") return Reply.text("unauthorized\n", { ...text, "www-authenticate": 'Bearer realm="metrics"' }, 401);
  const metrics = registry();
  return Reply.text(await metrics.metrics(), { "content-type": metrics.contentType, "cache-control": "no-store" });
}
