import { Redis } from "ioredis";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKind } from "../helpers/database";
import { eventually } from "../helpers/eventually";
import { REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess, startWorkerProcess, type HubProcess, type WorkerProcess } from "../helpers/hub-process";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

// Redis goes away under a running hub and worker (behind a proxy the test cuts). Rate limits fall back
// to per-process counting, calls that need a hold are refused with a clear 503, usage is written
// straight to the database, a charge settled during the outage reaches Redis once it is back, and
// neither process crashes.

describe.runIf(testDatabaseKind() === "postgres")("Redis outage", () => {
  let f: HubFixture;
  let proxy: TcpProxy;
  let hub: HubProcess;
  let worker: WorkerProcess;
  let redis: Redis;
  const budgetUser = "budget@test.local";

  beforeAll(async () => {
    f = await startHubFixture({ redis: true });
    // this test's hub and worker reach Redis only through the proxy
    await f.worker!.stop();
    await f.hub.stop();
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const proxied = { ...f.env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` };
    worker = await startWorkerProcess(proxied);
    hub = await startHubProcess(proxied);
    redis = new Redis(REDIS_URL);
    await f.lib.addModel({ name: "gated", provider: "fake", upstreamModel: "fake-gated", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
    await f.lib.createUser({ email: budgetUser, role: "member" }, "test");
    await f.lib.setMonthlyBudget({ userEmail: budgetUser }, "100", "test");
  }, 90_000);

  afterAll(async () => {
    await hub?.stop("SIGKILL");
    await worker?.stop("SIGKILL");
    redis?.disconnect();
    await proxy?.close();
    await f?.close();
  });

  const clientFor = (apiKey: string) => new OpenAI({ baseURL: hub.baseURL, apiKey, maxRetries: 0, timeout: 15_000 });
  const chat = (client: OpenAI, model = "gpt-4o-mini") => client.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] }).withResponse();
  const outcome = (call: Promise<{ response: Response }>) =>
    call.then(
      ({ response }) => ({ status: response.status, requestId: response.headers.get("x-request-id")!, code: undefined as string | undefined, retryAfter: null as string | null }),
      (e: InstanceType<typeof OpenAI.APIError>) => ({ status: e.status, requestId: "", code: e.code ?? undefined, retryAfter: e.headers?.get("retry-after") ?? null }),
    );

  it("keeps serving through the outage, refuses what needs Redis clearly, loses no usage, and recovers by itself", async () => {
    const limited = await f.lib.createApiKey({ userEmail: "dev@test.local", name: "rpm 3" }, "test");
    await f.lib.setRateLimits({ keyId: limited.key.id }, { rpm: "3" }, "test");
    const budgeted = clientFor((await f.lib.createApiKey({ userEmail: budgetUser, name: "budgeted" }, "test")).secret);
    const user = await f.db.user.findUniqueOrThrow({ where: { email: budgetUser } });
    await eventually(() => chat(budgeted), 10_000);
    const pot = `${f.env.HUB_REDIS_PREFIX}:pot:budget:user:${user.id}:${new Date().toISOString().slice(0, 7)}`;

    // a budgeted call holds its maximum cost in Redis and is still running when Redis goes away (once
    // the first call's hold is released: that happens just after its answer)
    await eventually(async () => expect(Number(await redis.hget(pot, "held"))).toBe(0), 10_000);
    const inFlight = outcome(chat(budgeted, "gated"));
    await eventually(async () => expect(Number(await redis.hget(pot, "held"))).toBeGreaterThan(0), 10_000);
    await proxy.cut();
    f.upstream.release();
    expect((await inFlight).status).toBe(200);

    // rate limits: counted in the process, still enforced
    const limitedClient = clientFor(limited.secret);
    const counted = [];
    for (let i = 0; i < 4; i++) counted.push(await outcome(chat(limitedClient)));
    expect(counted.map((o) => o.status)).toEqual([200, 200, 200, 429]);
    expect(counted[3]!.code).toBe("rate_limit_exceeded");

    // a call that needs a hold: refused, fast and clearly
    const started = Date.now();
    const refused = await outcome(chat(budgeted));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(refused).toMatchObject({ status: 503, code: "billing_unavailable" });
    expect(refused.retryAfter).toBeTruthy();

    // what was served is metered: the hub writes the usage itself while the queue is down
    for (const { requestId } of [await inFlight, ...counted.slice(0, 3)]) await f.usageEvent(requestId, 10_000);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(503);
    // anyone sees which check failed, not why (the why is in the log)
    expect(((await ready.json()) as { checks: { redis: string } }).checks.redis).toBe("failed");

    await proxy.restore();
    const { value: after } = await eventually(() => chat(budgeted), 20_000, 250);
    // the charge settled during the outage reached the pot: nothing held, and it spent what the database booked
    await eventually(async () => {
      const counter = await f.db.budgetCounter.findFirstOrThrow({ where: { scope: "user", scopeId: user.id } });
      const { held, value } = await redis.hgetall(pot);
      expect([held, value], hub.output()).toEqual(["0", counter.spentNanoUsd.toString()]);
    }, 20_000, 250);
    // the worker lived through it and takes the queued work again
    await f.usageEvent(after.response.headers.get("x-request-id")!, 20_000);
    expect(worker.child.exitCode).toBeNull();
    expect(hub.child.exitCode).toBeNull();
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
  });
});
