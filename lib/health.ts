import { Redis } from "ioredis";
import { db } from "./db/client";
import { loadMigrations, MIGRATIONS_TABLE } from "./db/migrate";
import { databaseKind, env } from "./env";

// Readiness for load balancers and orchestrators: the database answers, every migration this build
// ships is applied, and Redis (when configured) answers. Each check is bounded, so an outage gives a
// quick 503 rather than a probe that hangs.

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

async function checkRedis(): Promise<Check> {
  const url = env().REDIS_URL;
  if (!url) return { ok: true, detail: "not configured" };
  // a connection of its own: the request path's client must not be disturbed by a probe
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: CHECK_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await bounded(redis.connect().then(() => redis.ping()), "Redis");
    return { ok: true };
  } catch (error) {
    return failed(error);
  } finally {
    redis.disconnect();
  }
}

async function readiness() {
  const [database, migrations, redis] = await Promise.all([checkDatabase(), checkMigrations(), checkRedis()]);
  const checks = { database, migrations, redis };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

/** GET /healthz – the process is alive and serving. */
export const healthz = () => Response.json({ status: "ok" });

/** GET /readyz – ready to serve: database reachable and migrated, Redis reachable when configured. */
export async function readyz(): Promise<Response> {
  const { ready, checks } = await readiness();
  return Response.json({ status: ready ? "ready" : "not_ready", checks }, { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
