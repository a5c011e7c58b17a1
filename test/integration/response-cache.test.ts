import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { WebClient } from "../helpers/web-client";

// The response cache against the real server and database: what hits, what misses, whose answers
// are whose, the request's and the operator's controls, what a hit costs, and the pruning of old answers.

let f: HubFixture;

const ON = { "x-hub-cache": "on" };
// small, so that the prune test can go beyond it; the suite itself keeps fewer answers
const MAX_ENTRIES = 100;

type Body = Omit<ChatCompletionCreateParamsNonStreaming, "stream">;

/** A question nobody asked before in this file. */
const fresh = (overrides: Partial<Body> = {}): Body => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: `question ${randomUUID()}` }], ...overrides });

const chatCalls = () => f.upstream.requests.filter((r) => r.path === "/v1/chat/completions").length;
/** The unique last word of a question, which the fake upstream echoes into the answer kept. */
const markerOf = (body: Body) => String(body.messages.at(-1)!.content).split(" ").at(-1)!;
/** How many kept answers answer this question (whatever their other parameters). */
const kept = (body: Body) => f.db.responseCacheEntry.count({ where: { value: { contains: markerOf(body) } } });

async function ask(client: OpenAI, body: Body, headers: Record<string, string> = ON) {
  const { data, response } = await client.chat.completions.create(body, { headers }).withResponse();
  return { data, cache: response.headers.get("x-hub-cache"), requestId: response.headers.get("x-request-id")! };
}

/** Asks, and waits until the answer has been kept (the hub stores it after answering). */
async function askAndKeep(client: OpenAI, body: Body, headers: Record<string, string> = ON) {
  const before = await kept(body);
  const answer = await ask(client, body, headers);
  await eventually(async () => expect(await kept(body)).toBe(before + 1), 5000);
  return answer;
}

/**
 * Waits until a change the hub learns of through its config feed applies: until a fresh question is
 * looked for in the cache (a miss), and its answer kept, so that no store is left in flight.
 */
async function untilCached(client: OpenAI, headers: Record<string, string> = {}, body: () => Body = () => fresh()) {
  await eventually(async () => {
    const question = body();
    const before = await kept(question);
    expect((await ask(client, question, headers)).cache).toBe("miss");
    await eventually(async () => expect(await kept(question)).toBe(before + 1), 5000);
  }, 10_000);
}

async function askStreamed(client: OpenAI, body: Body, headers: Record<string, string> = ON) {
  const { data: stream, response } = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { headers }).withResponse();
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return {
    cache: response.headers.get("x-hub-cache"),
    chunks,
    text: chunks.map((c) => c.choices[0]?.delta?.content ?? "").join(""),
    finishReason: chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason,
    usage: chunks.find((c) => c.usage)?.usage,
  };
}

async function member(email: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  const { secret, key } = await f.lib.createApiKey({ userEmail: email }, "test");
  return { client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }), key };
}

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_RESPONSE_CACHE_MAX_ENTRIES: String(MAX_ENTRIES) } });
  await f.lib.addModel({ name: "gpt-4o", provider: "fake", upstreamModel: "gpt-4o-2024-08-06", type: "chat", inputUsdPer1M: "2.5", outputUsdPer1M: "10" }, "test");
  await eventually(() => f.client.models.retrieve("gpt-4o"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("identical calls", () => {
  it("answers the second identical call from the cache, without calling the upstream", async () => {
    const body = fresh({ temperature: 0 });
    const miss = await askAndKeep(f.client, body);
    const calls = chatCalls();
    const hit = await ask(f.client, body);
    expect(miss.cache).toBe("miss");
    expect(hit.cache).toBe("hit");
    expect(chatCalls()).toBe(calls);
    expect(hit.data).toEqual(miss.data);
    expect(hit.requestId).not.toBe(miss.requestId);
  });

  it("replays a cached stream as SSE chunks with the same content, finish reason and usage", async () => {
    const body = fresh();
    const miss = await askStreamed(f.client, body);
    await eventually(async () => expect(await kept(body)).toBe(1), 5000);
    const calls = chatCalls();
    const hit = await askStreamed(f.client, body);
    expect([miss.cache, hit.cache]).toEqual(["miss", "hit"]);
    expect(chatCalls()).toBe(calls);
    expect(miss.text).toMatch(/^Hello from the fake upstream! You said: question /);
    expect(hit.text).toBe(miss.text);
    expect(hit.finishReason).toBe("stop");
    expect(hit.usage).toEqual(miss.usage);
    expect(hit.chunks.length).toBe(miss.chunks.length);
  });

  it("keeps streamed and plain answers apart", async () => {
    const body = fresh();
    await askStreamed(f.client, body);
    await eventually(async () => expect(await kept(body)).toBe(1), 5000);
    expect((await ask(f.client, body)).cache).toBe("miss");
  });

  it("misses when any parameter that shapes the answer differs", async () => {
    const base = fresh({ temperature: 0.2, max_tokens: 100 });
    await askAndKeep(f.client, base);
    const variants: Partial<Body>[] = [
      { model: "gpt-4o" },
      { messages: [...base.messages, { role: "assistant", content: "and?" }, { role: "user", content: "go on" }] },
      { messages: [{ role: "system", content: "be brief" }, ...base.messages] },
      { temperature: 0.3 },
      { top_p: 0.5 },
      { max_tokens: 101 },
      { n: 2 },
      { seed: 7 },
      { stop: ["END"] },
      { response_format: { type: "json_object" } },
      { tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } }] },
    ];
    for (const variant of variants) {
      const calls = chatCalls();
      const answer = await ask(f.client, { ...base, ...variant });
      expect({ variant, cache: answer.cache }).toEqual({ variant, cache: "miss" });
      expect(chatCalls()).toBe(calls + 1);
    }
    // and the base question still hits: the variants did not replace it
    expect((await ask(f.client, base)).cache).toBe("hit");
  });

  it("answers with the same hit whatever the order of the request's fields", async () => {
    const body = fresh({ temperature: 0.1 });
    await askAndKeep(f.client, body);
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as Body;
    expect((await ask(f.client, reordered)).cache).toBe("hit");
  });
});

describe("tenants", () => {
  it("never answers one member with another's cached answer while the cache is not shared", async () => {
    const alice = await member("alice@test.local");
    const bob = await member("bob@test.local");
    const body = fresh();
    await askAndKeep(alice.client, body);
    expect((await ask(bob.client, body)).cache).toBe("miss");
    expect((await ask(alice.client, body)).cache).toBe("hit");
  });

  it("shares answers between members once the operator shares the cache", async () => {
    const carol = await member("carol@test.local");
    const dave = await member("dave@test.local");
    await f.lib.setSetting("response-cache-shared", "on", "test");
    try {
      await eventually(async () => {
        const body = fresh();
        await askAndKeep(carol.client, body);
        expect((await ask(dave.client, body)).cache).toBe("hit");
      }, 10_000);
    } finally {
      await f.lib.setSetting("response-cache-shared", "off", "test");
    }
    // the hub keeps answers apart again before the next test keeps any
    await eventually(async () => {
      const body = fresh();
      await askAndKeep(carol.client, body);
      expect((await ask(dave.client, body)).cache).toBe("miss");
    }, 10_000);
  });
});

describe("what the caller asks for", () => {
  it("does not touch the cache unless the call opts in", async () => {
    const body = fresh();
    const first = await ask(f.client, body, {});
    const calls = chatCalls();
    const second = await ask(f.client, body, {});
    expect([first.cache, second.cache]).toEqual([null, null]);
    expect(chatCalls()).toBe(calls + 1);
  });

  it("x-hub-cache: off wins over the key's opt-in", async () => {
    const erin = await member("erin@test.local");
    await f.lib.setResponseCache({ keyId: erin.key.id }, true, "test");
    await untilCached(erin.client);
    const body = fresh();
    await askAndKeep(erin.client, body, {});
    const calls = chatCalls();
    const off = await ask(erin.client, body, { "x-hub-cache": "off" });
    expect(off.cache).toBeNull();
    expect(chatCalls()).toBe(calls + 1);
    expect((await ask(erin.client, body, {})).cache).toBe("hit");
  });

  it("Cache-Control: no-cache answers from upstream and keeps the new answer", async () => {
    const body = fresh();
    await askAndKeep(f.client, body);
    const calls = chatCalls();
    const refreshed = await ask(f.client, body, { ...ON, "cache-control": "no-cache" });
    expect(refreshed.cache).toBe("miss");
    expect(chatCalls()).toBe(calls + 1);
    expect((await ask(f.client, body)).cache).toBe("hit");
  });

  it("Cache-Control: no-store keeps nothing", async () => {
    const body = fresh();
    expect((await ask(f.client, body, { ...ON, "cache-control": "no-store" })).cache).toBe("miss");
    // a call kept after it proves the store had its turn
    await askAndKeep(f.client, fresh());
    expect(await kept(body)).toBe(0);
    expect((await ask(f.client, body)).cache).toBe("miss");
  });

  it("x-hub-cache-ttl shortens how long the answer is kept", async () => {
    const short = fresh();
    const long = fresh();
    await askAndKeep(f.client, short, { ...ON, "x-hub-cache-ttl": "1" });
    await askAndKeep(f.client, long, { ...ON, "x-hub-cache-ttl": "60" });
    await new Promise((r) => setTimeout(r, 1200));
    expect((await ask(f.client, short)).cache).toBe("miss");
    expect((await ask(f.client, long)).cache).toBe("hit");
  });

  it("x-hub-cache-ttl cannot lengthen the operator's TTL", async () => {
    await f.lib.setSetting("response-cache-ttl-seconds", "1", "test");
    try {
      await eventually(async () => {
        const body = fresh();
        await askAndKeep(f.client, body, { ...ON, "x-hub-cache-ttl": "3600" });
        const row = await f.db.responseCacheEntry.findFirstOrThrow({ where: { value: { contains: markerOf(body) } } });
        expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(1000);
        await new Promise((r) => setTimeout(r, 1200));
        expect((await ask(f.client, body)).cache).toBe("miss");
      }, 15_000);
    } finally {
      await f.lib.setSetting("response-cache-ttl-seconds", "3600", "test");
    }
  });

  it("refuses cache headers it does not understand with 400 invalid_cache_header", async () => {
    for (const headers of [{ "x-hub-cache": "maybe" }, { ...ON, "x-hub-cache-ttl": "soon" }, { ...ON, "x-hub-cache-ttl": "0" }]) {
      const failure = (await ask(f.client, fresh(), headers).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(failure.status).toBe(400);
      expect(failure.error).toMatchObject({ type: "invalid_request_error", code: "invalid_cache_header" });
    }
  });
});

describe("the operator's controls", () => {
  it("caches every call of a key that opted in", async () => {
    const frank = await member("frank@test.local");
    const plain = await member("grace@test.local");
    await f.lib.setResponseCache({ keyId: frank.key.prefix }, true, "test");
    const body = fresh();
    await untilCached(frank.client);
    await askAndKeep(frank.client, body, {});
    expect((await ask(frank.client, body, {})).cache).toBe("hit");
    expect((await ask(plain.client, body, {})).cache).toBeNull();
    const audit = await f.db.auditLog.findFirstOrThrow({ where: { action: "cache.set", target: frank.key.id } });
    expect(JSON.parse(audit.after!)).toEqual({ responseCache: true });
  });

  it("caches every call to a model that opted in", async () => {
    await f.lib.addModel({ name: "cached-model", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
    await f.lib.setResponseCache({ modelName: "cached-model" }, true, "test");
    await untilCached(f.client, {}, () => fresh({ model: "cached-model" }));
    const body = fresh({ model: "cached-model" });
    await askAndKeep(f.client, body, {});
    expect((await ask(f.client, body, {})).cache).toBe("hit");
    // another model, same question: not opted in
    expect((await ask(f.client, { ...body, model: "gpt-4o-mini" }, {})).cache).toBeNull();
    await f.lib.setResponseCache({ modelName: "cached-model" }, false, "test");
    await eventually(async () => expect((await ask(f.client, body, {})).cache).toBeNull(), 5000);
  });

  it("refuses an unknown key or model", async () => {
    await expect(f.lib.setResponseCache({ keyId: "no-such-key" }, true, "test")).rejects.toThrow(/no API key/);
    await expect(f.lib.setResponseCache({ modelName: "no-such-model" }, true, "test")).rejects.toThrow(/no model named/);
  });

  it("keeps no answer larger than the operator's size cap", async () => {
    await f.lib.setSetting("response-cache-max-entry-bytes", "2048", "test");
    try {
      await eventually(async () => {
        const big = fresh({ messages: [{ role: "user", content: `${"word ".repeat(600)}${randomUUID()}` }] });
        const small = fresh();
        await ask(f.client, big);
        await askAndKeep(f.client, small);
        expect(await kept(big)).toBe(0);
        expect((await ask(f.client, big)).cache).toBe("miss");
        expect((await ask(f.client, small)).cache).toBe("hit");
      }, 15_000);
    } finally {
      await f.lib.setSetting("response-cache-max-entry-bytes", String(256 * 1024), "test");
    }
  });

  it("with the cache switched off, answers every call upstream and says nothing about a cache", async () => {
    await f.lib.setSetting("response-cache", "off", "test");
    try {
      await eventually(async () => expect((await ask(f.client, fresh())).cache).toBeNull(), 5000);
      const body = fresh();
      const calls = chatCalls();
      const answers = [await ask(f.client, body), await ask(f.client, body)];
      expect(answers.map((a) => a.cache)).toEqual([null, null]);
      expect(chatCalls()).toBe(calls + 2);
    } finally {
      await f.lib.setSetting("response-cache", "on", "test");
    }
    await untilCached(f.client, ON);
  });
});

describe("rate limits", () => {
  it("count a free hit, so a key cannot pass its requests per minute through the cache", async () => {
    const { client, key } = await member("limited@test.local");
    const body = fresh();
    await askAndKeep(client, body);
    await f.lib.setRateLimits({ keyId: key.id }, { rpm: "3" }, "test");
    // the limit reaches the server through its config feed; from then on the third hit in the window is refused
    const { value: refused } = await eventually(async () => {
      for (let i = 0; i < 4; i++) {
        const outcome = await ask(client, body).then((answer) => answer.cache, (error: unknown) => error);
        if (outcome instanceof OpenAI.RateLimitError) return outcome;
        expect(outcome).toBe("hit");
      }
      throw new Error("no hit was refused");
    }, 10_000);
    expect(refused.status).toBe(429);
    expect(refused.code).toBe("rate_limit_exceeded");
  });
});

describe("speed", () => {
  it("answers hits without the upstream (timings of 20 misses and 20 hits logged)", async () => {
    const bodies = Array.from({ length: 20 }, () => fresh());
    const time = async (run: () => Promise<unknown>) => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    const missMs = await time(async () => {
      for (const body of bodies) expect((await ask(f.client, body)).cache).toBe("miss");
    });
    for (const body of bodies) await eventually(async () => expect(await kept(body)).toBe(1), 5000);
    const calls = chatCalls();
    const hitMs = await time(async () => {
      for (const body of bodies) expect((await ask(f.client, body)).cache).toBe("hit");
    });
    expect(chatCalls()).toBe(calls);
    console.info(`response cache: 20 misses ${missMs.toFixed(0)} ms (${(missMs / 20).toFixed(1)} ms each), 20 hits ${hitMs.toFixed(0)} ms (${(hitMs / 20).toFixed(1)} ms each)`);
  });
});

describe("what a hit costs, in Service Provider mode", () => {
  let payer: OpenAI;
  // two words, as "charge me" in billing.test.ts: 10 prompt tokens, 9 completion tokens, 35 credits
  const chargeMe = (): Body => ({ model: "metered", messages: [{ role: "user", content: `charge ${randomUUID()}` }] });

  const balance = async () => (await f.db.user.findUniqueOrThrow({ where: { email: "payer@test.local" }, include: { creditAccount: true } })).creditAccount!.balanceMicrocredits;

  beforeAll(async () => {
    await f.lib.setMode("service_provider", "test");
    // $1 / 1M in, $2 / 1M out, 25 % margin
    await f.lib.addModel({ name: "metered", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
    await f.lib.createUser({ email: "payer@test.local", role: "member" }, "test");
    await f.lib.grantCredits({ userEmail: "payer@test.local", amount: "20000" }, "test");
    const { secret } = await f.lib.createApiKey({ userEmail: "payer@test.local" }, "test");
    payer = new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
    await eventually(() => payer.models.retrieve("metered"), 3000);
  });

  it("charges nothing for a hit at the default fraction 0, and meters it as a cache hit", async () => {
    const body = chargeMe();
    const miss = await askAndKeep(payer, body);
    const missEvent = await f.usageEvent(miss.requestId);
    expect(missEvent).toMatchObject({ costNanoUsd: 28_000n, chargeMicrocredits: 35_000_000n, cacheHit: false });
    await eventually(async () => expect(await balance()).toBe(19_965_000_000n), 5000);
    const hit = await ask(payer, body);
    expect(hit.cache).toBe("hit");
    const hitEvent = await f.usageEvent(hit.requestId);
    expect(hitEvent).toMatchObject({ costNanoUsd: 0n, chargeMicrocredits: 0n, cacheHit: true, promptTokens: 10, completionTokens: 9, status: 200 });
    expect(hitEvent.modelId).toBe(missEvent.modelId);
    expect(await f.db.reservation.count()).toBe(0);
    expect(await balance()).toBe(19_965_000_000n);
    const usage = await f.db.creditTransaction.count({ where: { reference: `usage:${hit.requestId}` } });
    expect(usage).toBe(0);
  });

  it("charges exactly the operator's fraction of the miss's charge for a hit", async () => {
    await f.lib.setSetting("response-cache-billed-fraction", "0.5", "test");
    try {
      const body = { ...chargeMe(), max_tokens: 50 };
      const miss = await askAndKeep(payer, body);
      const missEvent = await f.usageEvent(miss.requestId);
      const { value: hitEvent } = await eventually(async () => {
        const hit = await ask(payer, body);
        expect(hit.cache).toBe("hit");
        const event = await f.usageEvent(hit.requestId);
        expect(event.chargeMicrocredits).not.toBe(0n);
        return event;
      }, 5000);
      expect(missEvent.chargeMicrocredits).toBe(35_000_000n);
      expect(hitEvent.chargeMicrocredits * 2n).toBe(missEvent.chargeMicrocredits);
      expect(hitEvent).toMatchObject({ costNanoUsd: 0n, cacheHit: true });
      const booked = await f.db.creditTransaction.findFirstOrThrow({ where: { reference: `usage:${hitEvent.requestId}` } });
      expect(booked.amountMicrocredits).toBe(-17_500_000n);
    } finally {
      await f.lib.setSetting("response-cache-billed-fraction", "0", "test");
    }
  });
});

describe("the admin console", () => {
  let web: WebClient;
  const page = async (path: string, language: string) => {
    const response = await web.fetch(path, { headers: { "accept-language": language } });
    expect(response.status).toBe(200);
    return response.text();
  };
  const SETTINGS = "app/admin/settings/response-cache-actions.ts";

  beforeAll(async () => {
    web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
  });

  it("shows the response cache's settings in English and Chinese, and saves them", async () => {
    const english = await page("/admin/settings", "en");
    expect(english).toContain('data-testid="response-cache-settings"');
    expect(english).toContain("Response cache");
    expect(english).toMatch(/name="responseCacheTtlSeconds"[^>]*value="3600"|value="3600"[^>]*name="responseCacheTtlSeconds"/);
    expect(await page("/admin/settings", "zh-CN")).toContain("响应缓存");

    const fields = { responseCacheEnabled: "on", responseCacheTtlSeconds: "600", responseCacheBilledFraction: "0.25", responseCacheMaxEntryBytes: "4096" };
    expect(await web.action("/admin/settings", SETTINGS, "saveResponseCacheAction", fields)).toEqual({ ok: "Saved 3 settings" });
    // the test process learns of the hub's change through the config feed
    await eventually(async () => expect(await f.lib.currentSettings()).toMatchObject({ responseCacheEnabled: true, responseCacheShared: false, responseCacheTtlSeconds: 600, responseCacheBilledFraction: 0.25, responseCacheMaxEntryBytes: 4096 }), 5000);
    const refused = await web.action<{ fieldErrors: Record<string, string[]> }>("/admin/settings", SETTINGS, "saveResponseCacheAction", { ...fields, responseCacheBilledFraction: "1.5", responseCacheMaxEntryBytes: "12" });
    expect(refused.fieldErrors).toEqual({ responseCacheBilledFraction: ["A decimal from 0 to 1"], responseCacheMaxEntryBytes: ["A whole number from 256 to 16777216"] });
    await web.action("/admin/settings", SETTINGS, "saveResponseCacheAction", { ...fields, responseCacheTtlSeconds: "3600", responseCacheBilledFraction: "0", responseCacheMaxEntryBytes: "262144" });
    await eventually(async () => expect(await f.lib.currentSettings()).toMatchObject({ responseCacheTtlSeconds: 3600, responseCacheBilledFraction: 0, responseCacheMaxEntryBytes: 262_144 }), 5000);
  });

  it("opts a key and a model in from the keys and models pages, audited as the page's", async () => {
    const { key } = await member("ivan@test.local");
    expect(await page("/admin/keys", "en")).toContain("Cache: off");
    const saved = await web.action("/admin/keys", "app/admin/actions.ts", "setResponseCacheAction", { keyId: key.id, responseCache: "on" });
    expect(saved).toEqual({ ok: "Response cache on for default" });
    expect((await f.db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).responseCache).toBe(true);
    expect(await f.db.auditLog.findFirstOrThrow({ where: { action: "cache.set", target: key.id } })).toMatchObject({ source: "page", actor: "admin@test.local" });
    expect(await page("/admin/keys", "zh-CN")).toContain("缓存：开");

    await web.action("/admin/models", "app/admin/actions.ts", "setResponseCacheAction", { modelName: "gpt-4o" });
    expect((await f.db.model.findUniqueOrThrow({ where: { name: "gpt-4o" } })).responseCache).toBe(false);
    await web.action("/admin/models", "app/admin/actions.ts", "setResponseCacheAction", { modelName: "gpt-4o", responseCache: "on" });
    expect((await f.db.model.findUniqueOrThrow({ where: { name: "gpt-4o" } })).responseCache).toBe(true);
    expect(await page("/admin/models", "en")).toContain("Cache: on");
  });

  it("creates a key opted into the cache from the key dialog", async () => {
    await f.lib.createUser({ email: "judy@test.local", role: "member" }, "test");
    const created = await web.action<{ ok: string; secret: string }>("/admin/keys", "app/admin/keys/actions.ts", "createKeyAction", { userEmail: "judy@test.local", name: "cached", responseCache: "on" });
    expect(created.secret).toMatch(/^sk-hub-/);
    const key = await f.db.apiKey.findFirstOrThrow({ where: { user: { email: "judy@test.local" } } });
    expect(key.responseCache).toBe(true);
  });
});

describe("pruning", () => {
  it("deletes expired answers, then the soonest to expire beyond the cap", async () => {
    const { pruneResponseCache } = await import("@/lib/gateway/response-cache/store");
    await f.db.responseCacheEntry.deleteMany();
    const now = new Date();
    const row = (key: string, expiresInMs: number) => ({ key, value: "{}", bytes: 2, hits: 0, createdAt: now, expiresAt: new Date(now.getTime() + expiresInMs) });
    const expired = [1, 2, 3].map((i) => row(`expired-${i}`, -i * 1000));
    const live = Array.from({ length: MAX_ENTRIES + 5 }, (_, i) => row(`live-${String(i).padStart(3, "0")}`, (i + 1) * 60_000));
    await f.db.responseCacheEntry.createMany({ data: [...expired, ...live] });
    expect(await pruneResponseCache(now)).toBe(3 + 5);
    const kept = await f.db.responseCacheEntry.findMany({ select: { key: true }, orderBy: { key: "asc" } });
    expect(kept.map((k) => k.key)).toEqual(live.slice(5).map((r) => r.key));
    // within the cap, nothing more goes
    expect(await pruneResponseCache(now)).toBe(0);
  });
});
