// The processes a benchmark run measures: the bench upstream (direct), the hub (production build, SQLite
// or Postgres + Redis with its worker) and Portkey's open-source gateway, each in a process of its own.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../test/helpers/cli";
import { createTestDatabase } from "../test/helpers/database";
import { freePort, startHubProcess, startWorkerProcess } from "../test/helpers/hub-process";
import { dropRedisKeys } from "../test/helpers/redis-keys";
import { watchChild } from "../test/helpers/watched-child";

const ROOT = path.resolve(import.meta.dirname, "..");
export const UPSTREAM_KEY = "sk-bench-upstream";

export interface Call {
  url: string;
  headers: Record<string, string>;
  model: string;
}

export interface Target {
  name: string;
  /** where and how to call this target so that it reaches the upstream of a latency */
  call(latencyMs: number): Call;
  /** the process whose memory is reported */
  pid: number;
  /** the hub's worker, when it runs one */
  workerPid?: number;
  stop(): Promise<void>;
}

const JSON_HEADERS = { "content-type": "application/json" };

export interface Upstream {
  latencyMs: number;
  /** base URL (…/v1) */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startUpstream(latencyMs: number): Promise<Upstream> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/upstream.mts"), "--port", String(port), "--latency", String(latencyMs)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const watched = watchChild(child);
  await watched.waitFor(/"ready":true/, 60_000, "bench upstream");
  return { latencyMs, url: `http://127.0.0.1:${port}/v1`, pid: child.pid!, stop: async () => void (await watched.stop()) };
}

export function direct(upstreams: Upstream[]): Target {
  const byLatency = new Map(upstreams.map((u) => [u.latencyMs, u]));
  return {
    name: "direct",
    call: (latencyMs) => ({ url: `${byLatency.get(latencyMs)!.url}/chat/completions`, headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}` }, model: "bench-model" }),
    pid: upstreams[0]!.pid,
    stop: async () => undefined,
  };
}

const modelName = (latencyMs: number) => `bench-${latencyMs}ms`;

/** The bearer token of the bench hub's /metrics (bench/soak.mts reads its event-loop lag there). */
export const METRICS_TOKEN = "bench-metrics-token";

/**
 * The hub as a reseller runs it: service provider mode (every call holds credits and is charged), a
 * rate limit on the user (high enough never to refuse), metering and usage writes on. One provider per
 * upstream latency, configured with `hub config import`.
 */
export async function startHub(kind: "sqlite" | "postgres", upstreams: Upstream[], options: { settings?: Record<string, unknown> } = {}): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "hub-bench-"));
  const database = await createTestDatabase(kind);
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    HUB_DATA_DIR: dataDir,
    HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    HUB_ADMIN_EMAIL: "admin@bench.local",
    HUB_ADMIN_PASSWORD: "bench-admin-password",
    LOG_LEVEL: "warn",
    HUB_METRICS_TOKEN: METRICS_TOKEN,
    ...(kind === "postgres" ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379", HUB_REDIS_PREFIX: `bench${randomBytes(4).toString("hex")}` } : {}),
  };
  const config = {
    aigneHubConfig: 1,
    settings: { mode: "service_provider", ...options.settings },
    providers: upstreams.map((u) => ({ name: `up${u.latencyMs}`, type: "openai", baseUrl: u.url, credentials: [{ name: "default", secret: { apiKey: UPSTREAM_KEY } }] })),
    models: upstreams.map((u) => ({
      name: modelName(u.latencyMs),
      deployments: [{ provider: `up${u.latencyMs}`, upstreamModel: "bench-model" }],
      price: { inputUsdPer1M: "0.15", outputUsdPer1M: "0.6", marginPercent: "20" },
    })),
  };
  const file = path.join(dataDir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  const cli = async (...args: string[]) => {
    const result = await runCli([...args, "--json"], env);
    if (result.code !== 0) throw new Error(`hub ${args.join(" ")}: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  await cli("config", "import", "--file", file);
  await cli("user", "create", "--email", "bench@bench.local");
  await cli("credits", "grant", "--user", "bench@bench.local", "--amount", "1000000000000");
  await cli("limits", "set", "--user", "bench@bench.local", "--rpm", "100000000", "--tpm", "2000000000");
  const { secret } = (await cli("key", "create", "--user", "bench@bench.local", "--name", "bench")) as { secret: string };

  // HUB_NODE_ARGS / WORKER_NODE_ARGS: flags for the processes measured (e.g. --cpu-prof)
  const worker = kind === "postgres" ? await startWorkerProcess(env, { nodeArgs: process.env.WORKER_NODE_ARGS?.split(" ").filter(Boolean) }) : null;
  const hub = await startHubProcess(env, { nodeArgs: process.env.HUB_NODE_ARGS?.split(" ").filter(Boolean) });
  return {
    name: `hub (${kind === "postgres" ? "Postgres + Redis" : "SQLite"})`,
    call: (latencyMs) => ({ url: `${hub.baseURL}/chat/completions`, headers: { ...JSON_HEADERS, authorization: `Bearer ${secret}` }, model: modelName(latencyMs) }),
    pid: hub.child.pid!,
    workerPid: worker?.child.pid,
    async stop() {
      await hub.stop();
      await worker?.stop();
      if (env.HUB_REDIS_PREFIX) await dropRedisKeys(env.HUB_REDIS_PREFIX, env.REDIS_URL);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Portkey's gateway (the npm package's own server), sent to the bench upstream with its custom-host
 * header; with bench/portkey-fetch-shim.mjs preloaded, without which its streaming fails on Node.
 */
export async function startPortkey(upstreams: Upstream[]): Promise<Target> {
  const port = await freePort();
  const entry = path.join(ROOT, "node_modules/@portkey-ai/gateway/build/start-server.js");
  const shim = path.join(ROOT, "bench/portkey-fetch-shim.mjs");
  const child = spawn(process.execPath, ["--import", shim, entry, `--port=${port}`, "--headless"], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
  const watched = watchChild(child);
  await watched.waitFor(/Ready for connections/, 60_000, "Portkey");
  const byLatency = new Map(upstreams.map((u) => [u.latencyMs, u]));
  const version = (JSON.parse(readFileSync(path.join(ROOT, "node_modules/@portkey-ai/gateway/package.json"), "utf8")) as { version: string }).version;
  return {
    name: `portkey ${version}`,
    // the upstream is named per request, in Portkey's custom-host header
    call: (latencyMs) => ({
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}`, "x-portkey-provider": "openai", "x-portkey-custom-host": byLatency.get(latencyMs)!.url },
      model: "bench-model",
    }),
    pid: child.pid!,
    stop: async () => void (await watched.stop()),
  };
}
