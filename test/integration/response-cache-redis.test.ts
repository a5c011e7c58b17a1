import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { REDIS_URL, startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess, type HubProcess } from "../helpers/hub-process";

// The response cache with REDIS_URL: answers kept in Redis under the hub's prefix, expiring on their
// own, and shared by every app process; the database's table stays empty.

let f: HubFixture;
let second: HubProcess;
let redis: Redis;

beforeAll(async () => {
  f = await startHubFixture({ redis: true });
  second = await startHubProcess(f.env);
  redis = new Redis(REDIS_URL);
}, 90_000);

afterAll(async () => {
  await second?.stop("SIGKILL");
  await redis?.quit();
  await (await import("@/lib/jobs/bullmq")).closeQueues();
  await f?.close();
});

async function cachedKeys(marker: string): Promise<string[]> {
  const keys = await redis.keys(`${f.env.HUB_REDIS_PREFIX}:response-cache:*`);
  const values = await Promise.all(keys.map((key) => redis.get(key)));
  return keys.filter((_, i) => values[i]?.includes(marker));
}

describe("the response cache in Redis", () => {
  it("keeps the answer in Redis with its TTL, and answers another app process's identical call from it", async () => {
    const marker = randomUUID();
    const body = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: `question ${marker}` }] };
    const miss = await f.client.chat.completions.create(body, { headers: { "x-hub-cache": "on", "x-hub-cache-ttl": "30" } }).withResponse();
    expect(miss.response.headers.get("x-hub-cache")).toBe("miss");
    const { value: keys } = await eventually(async () => {
      const found = await cachedKeys(marker);
      expect(found).toHaveLength(1);
      return found;
    }, 5000);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await f.db.responseCacheEntry.count()).toBe(0);

    const calls = f.upstream.requests.length;
    const other = new OpenAI({ baseURL: second.baseURL, apiKey: f.apiKey, maxRetries: 0 });
    const hit = await other.chat.completions.create(body, { headers: { "x-hub-cache": "on" } }).withResponse();
    expect(hit.response.headers.get("x-hub-cache")).toBe("hit");
    expect(hit.data).toEqual(miss.data);
    expect(f.upstream.requests.length).toBe(calls);

    // gone from Redis, the answer is asked for upstream again
    await redis.del(keys[0]!);
    const again = await f.client.chat.completions.create(body, { headers: { "x-hub-cache": "on" } }).withResponse();
    expect(again.response.headers.get("x-hub-cache")).toBe("miss");
    expect(f.upstream.requests.length).toBe(calls + 1);
  });
});
