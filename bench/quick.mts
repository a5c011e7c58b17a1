// A rough throughput comparison: the fake OpenAI upstream called directly vs through the hub
// (production build, SQLite, auth + metering on), same machine, same run. The full benchmark
// (Postgres + Redis, streaming, a peer gateway, soak) is its own piece of work.
//
//   npx tsx bench/quick.mts [--duration 10] [--connections 32]
import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startFakeOpenAI } from "../test/fakes/openai-upstream";
import { startHubProcess } from "../test/helpers/hub-process";

const { values } = parseArgs({ options: { duration: { type: "string", default: "10" }, connections: { type: "string", default: "32" } } });
const duration = Number(values.duration);
const connections = Number(values.connections);

const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello there" }] });

async function load(url: string, apiKey: string, upstreamModel?: string) {
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    duration,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: upstreamModel ? body.replace("gpt-4o-mini", upstreamModel) : body,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const dir = mkdtempSync(path.join(tmpdir(), "hub-bench-"));
const upstream = await startFakeOpenAI();
const env = {
  DATABASE_URL: `file:${path.join(dir, "hub.db")}`,
  HUB_DATA_DIR: dir,
  HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  HUB_ADMIN_PASSWORD: "bench-admin-pw",
  LOG_LEVEL: "warn",
};
Object.assign(process.env, env);
const { prepare } = await import("../lib/boot");
const { createUser } = await import("../lib/admin/users");
const { addProvider } = await import("../lib/admin/providers");
const { addModel } = await import("../lib/admin/models");
const { createApiKey } = await import("../lib/admin/keys");
await prepare();
await createUser({ email: "bench@local", role: "member" }, "bench");
await addProvider({ type: "openai", name: "fake", baseUrl: upstream.url, apiKey: upstream.apiKey }, "bench");
await addModel({ name: "gpt-4o-mini", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "0.15", outputUsdPer1M: "0.6" }, "bench");
const { secret } = await createApiKey({ userEmail: "bench@local" }, "bench");
// HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the hub process
const hub = await startHubProcess(env, { nodeArgs: process.env.HUB_NODE_ARGS?.split(" ").filter(Boolean) });

try {
  // warm both paths (JIT, caches) before measuring
  await load(`${upstream.url}/chat/completions`, upstream.apiKey, "gpt-4o-mini");
  await load(`${hub.baseURL}/chat/completions`, secret);
  const direct = await load(`${upstream.url}/chat/completions`, upstream.apiKey, "gpt-4o-mini");
  const viaHub = await load(`${hub.baseURL}/chat/completions`, secret);
  console.table({ direct, hub: viaHub });
  console.log(`hub/direct throughput: ${(viaHub.rps / direct.rps).toFixed(2)} (c=${connections}, ${duration} s, non-stream)`);
} finally {
  await hub.stop();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
