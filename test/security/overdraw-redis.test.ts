import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { HELD_OUTPUT, overdrawChecks, PER_TOKEN } from "./overdraw-checks";

// The overdraw attack of overdraw.test.ts against the production shape: holds in Redis (Lua), usage
// booked by the BullMQ worker. Concurrent calls without a limit, and against an upstream that ignores
// the cap, never take the balance below zero, in Redis or in the ledger.

let f: HubFixture;
let check: ReturnType<typeof overdrawChecks>;
let redis: Redis;

beforeAll(async () => {
  f = await startHubFixture({ redis: true, env: { HUB_DEFAULT_MAX_OUTPUT_TOKENS: String(HELD_OUTPUT) } });
  check = overdrawChecks(f);
  redis = new Redis(REDIS_URL);
  await f.lib.setMode("service_provider", "test");
  await f.lib.addModel({ name: "long", provider: "fake", upstreamModel: "fake-long", type: "chat", ...PER_TOKEN }, "test");
  await f.lib.addModel({ name: "long-uncapped", provider: "fake", upstreamModel: "fake-long-uncapped", type: "chat", ...PER_TOKEN }, "test");
  await eventually(() => f.client.models.retrieve("long-uncapped"), 3000);
}, 120_000);

afterAll(async () => {
  await redis?.quit();
  await (await import("@/lib/jobs/bullmq")).closeQueues();
  await f?.close();
});

describe("holds in Redis", () => {
  for (const model of ["long", "long-uncapped"]) {
    it(`${model}: concurrent calls without a limit are capped upstream and never overdraw, in Redis or in the ledger`, async () => {
      const { email, post } = await check.customer("5000");
      const from = f.upstream.requests.length;
      const admitted = await check.burst(() => post("/v1/chat/completions", { model, messages: [{ role: "user", content: "write me an endless story" }] }));
      check.expectCappedUpstream(from);
      const { accountId, balance } = await check.expectNoOverdraw(email, admitted);
      const pot = await redis.hgetall(`${f.env.HUB_REDIS_PREFIX}:pot:credit:${accountId}`);
      expect(pot).toEqual({ value: String(balance), held: "0" });
    });
  }
});
