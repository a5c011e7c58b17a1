import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { createTestDatabase, type TestDatabase } from "./database";
import { dropRedisKeys, REDIS_URL } from "./redis-keys";
import { startHubProcess, startWorkerProcess, type HubProcess, type WorkerProcess } from "./hub-process";

export interface HubFixture {
  database: TestDatabase;
  upstream: FakeOpenAI;
  hub: HubProcess;
  /** every app process the fixture runs on the same env (`replicas`), `hub` first */
  hubs: HubProcess[];
  /** the BullMQ worker, when the fixture runs with Redis */
  worker: WorkerProcess | null;
  /** environment shared by the hub process, the CLI and this test process */
  env: Record<string, string>;
  /** a member's key that may use every model */
  apiKey: string;
  client: OpenAI;
  db: Awaited<ReturnType<typeof loadLib>>["db"];
  lib: Awaited<ReturnType<typeof loadLib>>;
  /** waits until the usage event of a request has been written */
  usageEvent(requestId: string, timeoutMs?: number): Promise<Awaited<ReturnType<HubFixture["db"]["usageEvent"]["findUnique"]>> & {}>;
  close(): Promise<void>;
}

async function loadLib() {
  const [{ db }, boot, users, providers, models, keys, settings, credits, teams, limits, packages, responseCache] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/boot"),
    import("@/lib/admin/users"),
    import("@/lib/admin/providers"),
    import("@/lib/admin/models"),
    import("@/lib/admin/keys"),
    import("@/lib/admin/settings"),
    import("@/lib/admin/credits"),
    import("@/lib/admin/teams"),
    import("@/lib/admin/limits"),
    import("@/lib/admin/packages"),
    import("@/lib/admin/response-cache"),
  ]);
  return { db: db(), ...boot, ...users, ...providers, ...models, ...keys, ...settings, ...credits, ...teams, ...limits, ...packages, ...responseCache };
}

export const MEMBER = "dev@test.local";

/**
 * A fresh database (SQLite or Postgres, per TEST_DB), a fake OpenAI upstream, a provider "fake" of
 * type openai pointed at it, two priced models, a member with a key, and the hub running as
 * `npm start` runs it. The test process shares the database through lib/ for setup and assertions.
 */
export { REDIS_URL };

export async function startHubFixture(options: { env?: Record<string, string>; redis?: boolean; nodeArgs?: string[]; replicas?: number } = {}): Promise<HubFixture> {
  const database = await createTestDatabase();
  const upstream = await startFakeOpenAI();
  const dataDir = mkdtempSync(path.join(tmpdir(), "hub-data-"));
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    HUB_DATA_DIR: dataDir,
    HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    HUB_ADMIN_EMAIL: "admin@test.local",
    HUB_ADMIN_PASSWORD: "admin-password-1",
    LOG_LEVEL: "warn",
    // with Redis: holds in Redis, jobs on BullMQ under a prefix of this fixture's own
    ...(options.redis ? { REDIS_URL, HUB_REDIS_PREFIX: `test-${randomBytes(6).toString("hex")}` } : {}),
    ...options.env,
  };
  // this process talks to the same database as the hub (lib/ reads process.env once)
  Object.assign(process.env, env);

  const lib = await loadLib();
  await lib.prepare();
  await lib.createUser({ email: MEMBER, role: "member" }, "test");
  await lib.addProvider({ type: "openai", name: "fake", baseUrl: upstream.url, apiKey: upstream.apiKey }, "test");
  await lib.addModel(
    { name: "gpt-4o-mini", provider: "fake", upstreamModel: "gpt-4o-mini-2024-07-18", type: "chat", inputUsdPer1M: "0.15", outputUsdPer1M: "0.6", cachedInputUsdPer1M: "0.075" },
    "test",
  );
  await lib.addModel({ name: "text-embedding-3-small", provider: "fake", upstreamModel: "text-embedding-3-small", type: "embedding", inputUsdPer1M: "0.02" }, "test");
  const { secret } = await lib.createApiKey({ userEmail: MEMBER, name: "all models" }, "test");

  const worker = options.redis ? await startWorkerProcess(env) : null;
  const hubs = await Promise.all(Array.from({ length: options.replicas ?? 1 }, () => startHubProcess(env, { nodeArgs: options.nodeArgs })));
  const hub = hubs[0]!;
  const client = new OpenAI({ baseURL: hub.baseURL, apiKey: secret, maxRetries: 0 });

  return {
    database,
    upstream,
    hub,
    hubs,
    worker,
    env,
    apiKey: secret,
    client,
    db: lib.db,
    lib,
    async usageEvent(requestId, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const event = await lib.db.usageEvent.findUnique({ where: { requestId } });
        if (event) return event;
        if (Date.now() > deadline) throw new Error(`no usage event for request ${requestId} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await Promise.all(hubs.map((h) => h.stop("SIGKILL")));
      await worker?.stop("SIGKILL");
      if (env.HUB_REDIS_PREFIX) await dropRedisKeys(env.HUB_REDIS_PREFIX);
      await upstream.close();
      await lib.db.$disconnect();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
