import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKind } from "../helpers/database";
import { eventually } from "../helpers/eventually";
import { MEMBER, REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { loadThroughSigterm } from "../helpers/load";

// The production shape's shutdown (what `docker compose down` does to the app container): SIGTERM
// under paid load with holds in Redis and usage going through the worker's queue. Every call a client
// saw succeed reaches the database through the queue, every hold is released, and the Redis balance
// ends equal to the database's.

describe.runIf(testDatabaseKind() === "postgres")("SIGTERM under load with Redis and the worker", () => {
  let f: HubFixture;
  let redis: Redis;

  beforeAll(async () => {
    f = await startHubFixture({ redis: true });
    redis = new Redis(REDIS_URL);
    await f.lib.addModel({ name: "slow", provider: "fake", upstreamModel: "fake-slow", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
    await f.lib.setMode("service_provider", "test");
    await f.lib.grantCredits({ userEmail: MEMBER, amount: "1000000" }, "test");
    await eventually(() => f.client.chat.completions.create({ model: "slow", messages: [{ role: "user", content: "ready?" }] }), 5000);
  }, 90_000);

  afterAll(async () => {
    redis?.disconnect();
    await f?.close();
  });

  it("drains, hands every call's usage to the queue, releases every hold, and exits 0", async () => {
    const { exitCode, succeeded, refused, spanningTheSignal } = await loadThroughSigterm(f.hub, f.apiKey, "slow");
    expect(exitCode).toBe(0);
    expect(spanningTheSignal).toBeGreaterThan(8);
    expect(refused).toBe(16);

    // the worker writes what the app queued before it exited
    const { value: events } = await eventually(async () => {
      const found = await f.db.usageEvent.findMany({ where: { requestedModel: "slow" } });
      // the one other success is the call that waited for the price to reach the hub
      expect(found.filter((e) => e.status === 200)).toHaveLength(succeeded.length + 1);
      return found;
    }, 20_000, 100);
    expect(events.filter((e) => succeeded.includes(e.requestId)).every((e) => e.status === 200 && e.chargeMicrocredits > 0n)).toBe(true);

    const account = await f.db.creditAccount.findFirstOrThrow({ where: { user: { email: MEMBER } } });
    const charged = events.reduce((sum, e) => sum + e.chargeMicrocredits, 0n);
    expect(account.balanceMicrocredits).toBe(1_000_000_000_000n - charged);
    const pot = await redis.hgetall(`${f.env.HUB_REDIS_PREFIX}:pot:credit:${account.id}`);
    expect([pot.held, pot.value]).toEqual(["0", account.balanceMicrocredits.toString()]);
  });
});
