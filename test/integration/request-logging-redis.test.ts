import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { MEMBER, REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess, startWorkerProcess, type HubProcess, type WorkerProcess } from "../helpers/hub-process";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

// Logged bodies in the production shape: the hub redacts them and hands them to the worker through
// BullMQ. The hand-over is off the request path, so neither a stopped worker nor a lost Redis may
// slow a call down, and a body the queue cannot take is written by the hub itself.

let f: HubFixture;
let proxy: TcpProxy;
let proxied: Record<string, string>;
let hub: HubProcess;
let worker: WorkerProcess;
let client: OpenAI;

beforeAll(async () => {
  f = await startHubFixture({ redis: true });
  // this file's hub and worker reach Redis only through a proxy the test can cut
  await f.worker!.stop();
  await f.hub.stop();
  const target = new URL(REDIS_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  proxied = { ...f.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` };
  worker = await startWorkerProcess(proxied);
  hub = await startHubProcess(proxied);
  const { secret, key } = await f.lib.createApiKey({ userEmail: MEMBER, name: "logs bodies" }, "test");
  await f.lib.setLogLevel({ keyId: key.id }, "bodies", "test");
  client = new OpenAI({ baseURL: hub.baseURL, apiKey: secret, maxRetries: 0, timeout: 15_000 });
}, 120_000);

afterAll(async () => {
  await hub?.stop("SIGKILL");
  await worker?.stop("SIGKILL");
  await proxy?.close();
  await f?.close();
});

async function chat(content: string) {
  const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
  return response.headers.get("x-request-id")!;
}

const body = (requestId: string, timeoutMs: number) =>
  eventually(() => f.db.callBody.findUniqueOrThrow({ where: { requestId } }), timeoutMs, 100).then((r) => r.value);

describe("request logging with Redis", () => {
  it("writes the redacted bodies through the worker: nothing while it is stopped, the body once it is back", async () => {
    await body(await eventually(() => chat("warm up"), 10_000).then((r) => r.value), 10_000);
    await worker.stop();
    const requestId = await chat("mail jane@example.com");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await f.db.callBody.findUnique({ where: { requestId } }), "the hub writes nothing itself while the queue takes the batch").toBeNull();
    worker = await startWorkerProcess(proxied);
    const row = await body(requestId, 15_000);
    expect(row.request).toContain("[REDACTED:email]");
    expect(row.request).not.toContain("jane@example.com");
  });

  it("answers at once while Redis is down and writes the bodies itself", async () => {
    await proxy.cut();
    try {
      const started = Date.now();
      const requestId = await chat("during the outage");
      expect(Date.now() - started).toBeLessThan(3000);
      const row = await body(requestId, 15_000);
      expect(row.request).toContain("during the outage");
      expect(hub.child.exitCode).toBeNull();
    } finally {
      await proxy.restore();
    }
  });
});
