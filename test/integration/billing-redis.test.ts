import OpenAI from "openai";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess, type HubProcess } from "../helpers/hub-process";

// The production shape: holds in Redis (Lua), usage written by the BullMQ worker, two app processes
// sharing one database and one Redis.

let f: HubFixture;
let second: HubProcess;
let redis: Redis;

beforeAll(async () => {
  f = await startHubFixture({ redis: true, env: { HUB_ROLLUP_EVERY_MS: "500" } });
  second = await startHubProcess(f.env);
  redis = new Redis(REDIS_URL);
  await f.lib.setMode("service_provider", "test");
  // $1 / 1M in, $2 / 1M out, 25 % margin: "charge me" costs 35 credits
  await f.lib.addModel({ name: "metered", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
  await eventually(() => f.client.models.retrieve("metered"), 3000);
}, 90_000);

afterAll(async () => {
  await second?.stop("SIGKILL");
  await redis?.quit();
  await (await import("@/lib/jobs/bullmq")).closeQueues();
  await f?.close();
});

async function customer(email: string, credits: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  await f.lib.grantCredits({ userEmail: email, amount: credits }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  return [f.hub, second].map((hub) => new OpenAI({ baseURL: hub.baseURL, apiKey: secret, maxRetries: 0 }));
}

async function ledger(email: string) {
  const user = await f.db.user.findUniqueOrThrow({ where: { email }, include: { creditAccount: { include: { transactions: true } } } });
  return user.creditAccount!;
}

describe("holds in Redis, usage written by the worker", () => {
  it("charges a call and books it through the worker, with no database write in the request path", async () => {
    const [client] = await customer("redis-payer@test.local", "20000");
    const { response } = await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }] }).withResponse();
    expect(response.headers.get("x-hub-charge-credits")).toBe("35");
    // the database has no hold row: the hold lived in Redis
    expect(await f.db.reservation.count()).toBe(0);
    const event = await f.usageEvent(response.headers.get("x-request-id")!, 10_000);
    expect(event.chargeMicrocredits).toBe(35_000_000n);
    const account = await ledger("redis-payer@test.local");
    await eventually(async () => expect((await ledger("redis-payer@test.local")).balanceMicrocredits).toBe(19_965_000_000n));
    const pot = await redis.hgetall(`${f.env.HUB_REDIS_PREFIX}:pot:credit:${account.id}`);
    expect(pot).toEqual({ value: "19965000000", held: "0" });
    expect(f.worker!.output()).not.toMatch(/job failed/);
  });

  it("never admits more than the balance covers across two app processes", async () => {
    const clients = await customer("redis-burst@test.local", "350");
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => clients[i % 2]!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }], max_tokens: 9 })),
    );
    const admitted = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter((r) => r.status === "rejected" && (r.reason as InstanceType<typeof OpenAI.APIError>).status === 402).length;
    expect(admitted + refused).toBe(200);
    expect(admitted).toBeGreaterThanOrEqual(9);
    expect(admitted).toBeLessThanOrEqual(11);

    const oneCallMax = 35_000_000n;
    // the worker books every admitted call; then the ledger invariant holds
    const userId = (await f.db.user.findUniqueOrThrow({ where: { email: "redis-burst@test.local" } })).id;
    await eventually(async () => expect(await f.db.usageEvent.count({ where: { userId, status: 200 } })).toBe(admitted), 15_000, 200);
    await eventually(async () => {
      const account = await ledger("redis-burst@test.local");
      const charged = -account.transactions.filter((t) => t.kind === "usage").reduce((sum, t) => sum + t.amountMicrocredits, 0n);
      expect(charged).toBe(BigInt(admitted) * 35_000_000n);
      expect(account.balanceMicrocredits).toBe(account.transactions.reduce((sum, t) => sum + t.amountMicrocredits, 0n));
    }, 15_000, 200);
    const account = await ledger("redis-burst@test.local");
    expect(-(account.balanceMicrocredits - 350_000_000n)).toBeLessThanOrEqual(350_000_000n + oneCallMax);
    expect(account.balanceMicrocredits).toBeGreaterThanOrEqual(-oneCallMax);
    const pot = await redis.hgetall(`${f.env.HUB_REDIS_PREFIX}:pot:credit:${account.id}`);
    expect(pot.held).toBe("0");
    expect(BigInt(pot.value!)).toBe(account.balanceMicrocredits);
  });

  it("credits granted reach the Redis balance at once", async () => {
    const [client] = await customer("redis-topup@test.local", "1");
    const failure = (await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure.status).toBe(402);
    await f.lib.grantCredits({ userEmail: "redis-topup@test.local", amount: "100" }, "test");
    const { response } = await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 }).withResponse();
    expect(response.status).toBe(200);
  });

  it("credits redeemed from a code reach the Redis balance at once", async () => {
    const [client] = await customer("redis-redeemer@test.local", "1");
    const failure = (await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure.status).toBe(402);
    const { code } = (await (await import("@/lib/admin/codes")).mintCodes({ amount: "100" }, "test")).codes[0]!;
    const redeemed = await fetch(`${second.url}/api/billing/redeem`, { method: "POST", headers: { authorization: `Bearer ${client!.apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ code }) });
    expect(redeemed.status).toBe(200);
    // redeemed through one process, spent through the other
    const { response } = await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 }).withResponse();
    expect(response.status).toBe(200);
  });

  it("releases the hold of a call whose process died, once it expires", async () => {
    const account = await ledger("redis-payer@test.local");
    const base = `${f.env.HUB_REDIS_PREFIX}:pot:credit:${account.id}`;
    // a hold left by a process that crashed: expired a second ago
    await redis.hincrby(base, "held", 5_000_000);
    await redis.zadd(`${base}:holds`, Date.now() - 1000, "dead-request");
    await redis.hset(`${base}:amounts`, "dead-request", "5000000");
    const [client] = [new OpenAI({ baseURL: f.hub.baseURL, apiKey: (await f.lib.createApiKey({ userEmail: "redis-payer@test.local" }, "test")).secret, maxRetries: 0 })];
    await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 });
    await eventually(async () => expect(await redis.hget(base, "held")).toBe("0"));
    expect(await redis.zcard(`${base}:holds`)).toBe(0);
  });

  it("shares rate limits between app processes", async () => {
    // one key, limited to 4 requests a minute, used on both processes
    const [one, two] = await customer("redis-limited@test.local", "20000");
    await f.lib.setRateLimits({ userEmail: "redis-limited@test.local" }, { rpm: "4" }, "test");
    const into = Date.now() % 60_000;
    if (into > 50_000) await new Promise((r) => setTimeout(r, 60_000 - into + 100));
    await eventually(async () => {
      const { response } = await one!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 }).withResponse();
      expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("3");
    });
    const statuses: number[] = [];
    for (const client of [two, one, two, one]) {
      statuses.push(await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "x" }], max_tokens: 9 }).then(() => 200, (e: InstanceType<typeof OpenAI.APIError>) => e.status!));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("fulfils a queued Stripe top-up on the worker, once", async () => {
    const account = await ledger("redis-payer@test.local");
    await f.db.payment.create({ data: { stripeSessionId: "cs_test_queued", accountId: account.id, amountCents: 500, currency: "usd", creditsMicrocredits: 5_000_000_000n } });
    const { jobs } = await import("@/lib/jobs");
    // what the webhook does when fulfilling fails in place: the worker retries it
    await jobs.enqueue("stripe.fulfil", { sessionId: "cs_test_queued" });
    await jobs.enqueue("stripe.fulfil", { sessionId: "cs_test_queued" });
    await eventually(async () => expect((await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: "cs_test_queued" } })).status).toBe("paid"), 10_000, 100);
    await new Promise((r) => setTimeout(r, 500));
    const after = await ledger("redis-payer@test.local");
    expect(after.transactions.filter((t) => t.reference === "topup:cs_test_queued")).toEqual([expect.objectContaining({ kind: "topup", amountMicrocredits: 5_000_000_000n })]);
    // once the worker has written every pending usage event, Redis and the ledger agree
    await eventually(async () => {
      const latest = await ledger("redis-payer@test.local");
      expect(latest.balanceMicrocredits).toBe(latest.transactions.reduce((n, t) => n + t.amountMicrocredits, 0n));
      expect(await redis.hget(`${f.env.HUB_REDIS_PREFIX}:pot:credit:${account.id}`, "value")).toBe(String(latest.balanceMicrocredits));
    }, 10_000, 200);
  });

  it("runs the scheduled rollups on the worker", async () => {
    await eventually(async () => expect(await f.db.usageRollup.count({ where: { period: "hour" } })).toBeGreaterThan(0), 10_000, 200);
  });

  it("keeps no finished job in Redis: a written usage batch and the scheduled jobs leave nothing behind", async () => {
    const [client] = await customer("redis-tidy@test.local", "20000");
    const { response } = await client!.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }] }).withResponse();
    await f.usageEvent(response.headers.get("x-request-id")!, 10_000);
    // the rollups run every 500 ms: several have finished, and the usage batch's job has too
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const jobs = `${f.env.HUB_REDIS_PREFIX}:aigne-hub`;
    const finished: string[] = [];
    for (const key of await redis.keys(`${jobs}:*`)) {
      if ((await redis.type(key)) !== "hash") continue;
      const [name, finishedOn, failedReason] = await redis.hmget(key, "name", "finishedOn", "failedReason");
      if (finishedOn && !failedReason) finished.push(name!);
    }
    expect(finished).toEqual([]);
    expect(await redis.zcard(`${jobs}:completed`)).toBe(0);
  });
});
