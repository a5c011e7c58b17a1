import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheckoutCli, runCli } from "../helpers/cli";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
});
afterAll(async () => {
  await f?.close();
});

const cli = (...args: string[]) => runCli(args, f.env);

async function json<T>(...args: string[]): Promise<T> {
  const result = await cli(...args, "--json");
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe("operator CLI against a running hub", () => {
  it("sets up a provider, a model, a user and a key that the running server serves at once", async () => {
    const provider = await json<{ provider: { name: string; credentialHint: string } }>(
      "provider", "add", "--type", "openai", "--name", "cli-openai", "--base-url", f.upstream.url, "--api-key", f.upstream.apiKey,
    );
    expect(provider.provider).toMatchObject({ name: "cli-openai", credentialHint: "sk-…cdef" });
    await json("model", "add", "--name", "cli-chat", "--provider", "cli-openai", "--upstream-model", "gpt-4o", "--input-usd-per-1m", "2.5", "--output-usd-per-1m", "10");
    await json("user", "create", "--email", "cli-user@test.local");
    const created = await json<{ secret: string; key: { id: string; prefix: string; allowedModels: string[] } }>(
      "key", "create", "--user", "cli-user@test.local", "--name", "ci", "--models", "cli-chat,cli-openai/*",
    );
    expect(created.secret).toMatch(/^sk-hub-[0-9A-Za-z]{43}$/);
    expect(created.secret.startsWith(created.key.prefix)).toBe(true);
    expect(created.key.allowedModels).toEqual(["cli-chat", "cli-openai/*"]);

    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: created.secret, maxRetries: 0 });
    const { effectiveAfterMs, value } = await eventually(
      () => client.chat.completions.create({ model: "cli-chat", messages: [{ role: "user", content: "from the cli" }] }),
      3000,
      20,
    );
    expect(effectiveAfterMs).toBeLessThan(1000);
    expect(value.choices[0]!.message.content).toBe("Hello from the fake upstream! You said: from the cli");
    expect(f.upstream.requests.at(-1)!.body).toMatchObject({ model: "gpt-4o" });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["cli-chat"]);

    // revoking by prefix: the running server refuses the key within a second
    const revoked = await cli("key", "revoke", created.key.prefix);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain("revoked key");
    const { effectiveAfterMs: refusedAfter } = await eventually(
      async () => {
        const failure = await client.models.list().then(() => null, (e: unknown) => e);
        expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
      },
      3000,
      20,
    );
    expect(refusedAfter).toBeLessThan(1000);
  });

  it("creates admins, sets the mode and grants credits idempotently", async () => {
    const admin = await json<{ user: { role: string } }>("admin", "create", "--email", "boss@test.local", "--password", "long-enough-pw");
    expect(admin.user.role).toBe("admin");
    const stored = await f.db.user.findUniqueOrThrow({ where: { email: "boss@test.local" } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain("long-enough-pw");

    const costHeader = async () =>
      (await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).withResponse()).response.headers.get("x-hub-cost-usd");
    // Enterprise mode shows each caller what a call cost (showback) …
    expect(await costHeader()).toMatch(/^0\.\d+$/);
    expect(await json("mode", "set", "service_provider")).toMatchObject({ mode: "service_provider" });
    expect((await f.db.setting.findUniqueOrThrow({ where: { key: "mode" } })).value).toBe('"service_provider"');
    // … a reseller's customers see their charge in credits, never the provider cost behind it
    await json("credits", "grant", "--user", "dev@test.local", "--amount", "100000");
    await eventually(async () => expect(await costHeader()).toBeNull());
    const { response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).withResponse();
    expect(response.headers.get("x-hub-charge-credits")).toMatch(/^\d+(\.\d+)?$/);

    const first = await json<{ applied: boolean; balance: string }>("credits", "grant", "--user", "boss@test.local", "--amount", "12.5", "--reference", "welcome-boss");
    const again = await json<{ applied: boolean; balance: string }>("credits", "grant", "--user", "boss@test.local", "--amount", "12.5", "--reference", "welcome-boss");
    expect(first).toMatchObject({ applied: true, balance: "12.5" });
    expect(again).toMatchObject({ applied: false, balance: "12.5" });
    const account = await f.db.creditAccount.findUniqueOrThrow({ where: { userId: stored.id }, include: { transactions: true } });
    expect(account.balanceMicrocredits).toBe(12_500_000n);
    expect(account.transactions.map((t) => [t.kind, t.amountMicrocredits])).toEqual([["grant", 12_500_000n]]);
    // an adjustment may take credits away; both stay in the ledger
    expect(await json("credits", "grant", "--user", "boss@test.local", "--amount=-2.5", "--kind", "adjustment")).toMatchObject({ applied: true, balance: "10" });
    await json("mode", "set", "enterprise");
  });

  it("mints redemption codes, printed once, and disables a code or a batch", async () => {
    const minted = await json<{ batch: string; codes: Array<{ id: string; code: string }> }>("codes", "mint", "--amount", "20", "--count", "3", "--batch", "cli-batch", "--credit-expiry-days", "30", "--max-uses", "2");
    expect(minted.batch).toBe("cli-batch");
    expect(minted.codes.map((c) => c.code)).toEqual([expect.stringMatching(/^HUB-/), expect.stringMatching(/^HUB-/), expect.stringMatching(/^HUB-/)]);
    expect(await f.db.redemptionCode.findMany({ where: { batch: "cli-batch" }, select: { amountMicrocredits: true, creditExpiryDays: true, maxUses: true } })).toEqual(
      Array(3).fill({ amountMicrocredits: 20_000_000n, creditExpiryDays: 30, maxUses: 2 }),
    );
    const refused = await cli("codes", "mint", "--amount", "20", "--max-uses", "1", "--per-customer", "2");
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining("cannot exceed")]);

    expect(await json("codes", "disable", minted.codes[0]!.id)).toMatchObject({ code: { status: "disabled" } });
    expect((await json<{ message: string }>("codes", "disable", "--batch", "cli-batch")).message).toBe("disabled 2 codes of cli-batch");
  });

  it("adds credentials, deployments and aliases, and tests a provider's connection", async () => {
    const credential = await json<{ credential: { name: string; hint: string; weight: number } }>(
      "provider", "credential", "--provider", "fake", "--name", "second", "--api-key", "sk-second-key-for-fake-9999", "--weight", "2",
    );
    expect(credential.credential).toEqual({ id: expect.any(String), name: "second", hint: "sk-…9999", weight: 2 });
    await json("model", "deploy", "--name", "gpt-4o-mini", "--provider", "fake", "--upstream-model", "gpt-4o-mini-fallback", "--priority", "1", "--input-cost-usd-per-1m", "0.1", "--output-cost-usd-per-1m", "0.4");
    // its own cost, which the price strategy ranks it by
    expect(await f.db.deployment.findFirstOrThrow({ where: { upstreamModel: "gpt-4o-mini-fallback" } })).toMatchObject({ inputNanoUsdPer1M: 100_000_000n, outputNanoUsdPer1M: 400_000_000n });
    await json("model", "alias", "--name", "gpt-4o-mini", "--alias", "mini");
    const { value } = await eventually(() => f.client.chat.completions.create({ model: "mini", messages: [{ role: "user", content: "via alias" }] }));
    expect(value.choices[0]!.message.content).toBe("Hello from the fake upstream! You said: via alias");

    const bedrock = await json<{ provider: { type: string; credentialHint: string } }>(
      "provider", "add", "--type", "bedrock", "--name", "aws", "--region", "eu-west-1", "--access-key-id", "AKIAEXAMPLE000012345", "--secret-access-key", "s3cr3t/s3cr3t/s3cr3t",
    );
    expect(bedrock.provider).toMatchObject({ type: "bedrock", credentialHint: "AKI…2345" });

    // the second credential is not accepted upstream: the test names it and exits 1
    const tested = await cli("provider", "test", "fake");
    expect(tested.code).toBe(1);
    expect(tested.stderr).toMatch(/^error: fake: ok\s+default sk-…cdef \d+ ms; FAIL second sk-…9999 \d+ ms: HTTP 401: Incorrect API key provided/);
    expect(tested.stderr).not.toContain("sk-second-key-for-fake-9999");
    await f.db.credential.deleteMany({ where: { name: "second" } });
    // a suspended key that passes the test goes back into rotation
    await f.db.credential.updateMany({ where: { provider: { name: "fake" } }, data: { status: "suspended" } });
    const healthy = await json<{ checks: Array<{ ok: boolean }> }>("provider", "test", "fake");
    expect(healthy.checks).toEqual([expect.objectContaining({ ok: true, credential: "default" })]);
    expect((await f.db.credential.findFirstOrThrow({ where: { provider: { name: "fake" } } })).status).toBe("active");
  });

  it("prices transcription per minute of audio and speech per 1M characters, and reads the prices back", async () => {
    const whisper = await json<{ model: { type: string } }>("model", "add", "--name", "cli-whisper", "--provider", "fake", "--upstream-model", "whisper-1", "--type", "transcription", "--audio-usd-per-minute", "0.006");
    expect(whisper.model.type).toBe("transcription");
    await json("model", "add", "--name", "cli-tts", "--provider", "fake", "--upstream-model", "tts-1", "--type", "speech", "--characters-usd-per-1m", "15");
    const set = await json<{ message: string; price: Record<string, unknown> }>("price", "set", "--model", "cli-whisper", "--audio-usd-per-minute", "0.003", "--margin-percent", "20");
    expect(set.price).toMatchObject({ audioUsdPerMinute: "0.003", charactersUsdPer1M: null, marginPercent: 20 });
    expect(set.message).toContain("$0.003 per minute of audio");
    await json("price", "set", "--model", "cli-tts", "--characters-usd-per-1m", "30");

    type History = { prices: Array<{ audioUsdPerMinute: string | null; charactersUsdPer1M: string | null; marginPercent: number }> };
    expect((await json<History>("price", "history", "--model", "cli-whisper")).prices).toMatchObject([
      { audioUsdPerMinute: "0.003", charactersUsdPer1M: null, marginPercent: 20 },
      { audioUsdPerMinute: "0.006", charactersUsdPer1M: null, marginPercent: 0 },
    ]);
    const text = await cli("price", "history", "--model", "cli-tts");
    expect(text.stdout.trim().split("\n").map((line) => line.match(/\$[\d.]+ per 1M characters/)?.[0])).toEqual(["$30 per 1M characters", "$15 per 1M characters"]);
    expect(text.stdout).not.toContain("per minute of audio");
    // stored exactly, in nano-USD
    const stored = (name: string) => f.db.price.findMany({ where: { model: { name } }, orderBy: { effectiveFrom: "asc" }, select: { audioNanoUsdPerMinute: true, characterNanoUsdPer1M: true } });
    expect(await stored("cli-whisper")).toEqual([
      { audioNanoUsdPerMinute: 6_000_000n, characterNanoUsdPer1M: null },
      { audioNanoUsdPerMinute: 3_000_000n, characterNanoUsdPer1M: null },
    ]);
    expect(await stored("cli-tts")).toEqual([
      { audioNanoUsdPerMinute: null, characterNanoUsdPer1M: 15_000_000_000n },
      { audioNanoUsdPerMinute: null, characterNanoUsdPer1M: 30_000_000_000n },
    ]);
  });

  it("prices video per second of video, and reads the price back", async () => {
    const added = await json<{ model: { type: string } }>("model", "add", "--name", "cli-sora", "--provider", "fake", "--upstream-model", "sora-2", "--type", "video", "--video-usd-per-second", "0.1");
    expect(added.model.type).toBe("video");
    const set = await json<{ message: string; price: Record<string, unknown> }>("price", "set", "--model", "cli-sora", "--video-usd-per-second", "0.125", "--margin-percent", "20");
    expect(set.price).toMatchObject({ videoUsdPerSecond: "0.125", audioUsdPerMinute: null, charactersUsdPer1M: null, imageUsd: null, marginPercent: 20 });
    expect(set.message).toContain("$0.125 per second of video");
    // a later price of another kind carries the video price over
    await json("price", "set", "--model", "cli-sora", "--margin-percent", "30");

    type History = { prices: Array<{ videoUsdPerSecond: string | null; marginPercent: number }> };
    expect((await json<History>("price", "history", "--model", "cli-sora")).prices).toMatchObject([
      { videoUsdPerSecond: "0.125", marginPercent: 30 },
      { videoUsdPerSecond: "0.125", marginPercent: 20 },
      { videoUsdPerSecond: "0.1", marginPercent: 0 },
    ]);
    const text = await cli("price", "history", "--model", "cli-sora");
    expect(text.stdout.trim().split("\n").map((line) => line.match(/\$[\d.]+ per second of video/)?.[0])).toEqual(["$0.125 per second of video", "$0.125 per second of video", "$0.1 per second of video"]);
    // the other models' history says nothing of video
    expect((await cli("price", "history", "--model", "cli-whisper")).stdout).not.toContain("video");
    // stored exactly, in nano-USD
    const stored = await f.db.price.findMany({ where: { model: { name: "cli-sora" } }, orderBy: { effectiveFrom: "asc" }, select: { videoNanoUsdPerSecond: true } });
    expect(stored.map((p) => p.videoNanoUsdPerSecond)).toEqual([100_000_000n, 125_000_000n, 125_000_000n]);
  });

  it("opts a key and a model into the response cache, and sets a model's routing strategy, for the running hub", async () => {
    await json("user", "create", "--email", "cli-cache@test.local");
    const created = await json<{ secret: string; key: { id: string; prefix: string; responseCache: boolean } }>("key", "create", "--user", "cli-cache@test.local", "--cache");
    expect(created.key.responseCache).toBe(true);
    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: created.secret, maxRetries: 0 });
    const ask = async () => (await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "cached via the cli" }] }).withResponse()).response.headers.get("x-hub-cache");
    expect(await eventually(ask, 3000)).toMatchObject({ value: expect.stringMatching(/^(hit|miss)$/) });

    expect(await json("cache", "set", "--key", created.key.prefix, "--off")).toMatchObject({ target: `key ${created.key.prefix}`, name: "default", responseCache: false });
    await eventually(async () => expect(await ask()).toBeNull(), 3000);
    expect(await json("cache", "set", "--model", "gpt-4o-mini", "--on")).toMatchObject({ target: "model gpt-4o-mini", responseCache: true });
    await eventually(async () => expect(await ask()).toMatch(/^(hit|miss)$/), 3000);
    await json("cache", "set", "--model", "gpt-4o-mini", "--off");
    expect((await json<{ keys: Array<{ id: string; responseCache: boolean }> }>("key", "list", "--user", "cli-cache@test.local")).keys).toEqual([expect.objectContaining({ id: created.key.id, responseCache: false })]);
    expect(await f.db.auditLog.count({ where: { action: "cache.set", actor: "cli" } })).toBe(3);

    expect(await json("model", "routing", "--name", "gpt-4o-mini", "--strategy", "latency")).toMatchObject({ model: "gpt-4o-mini", routingStrategy: "latency" });
    expect((await f.db.model.findUniqueOrThrow({ where: { name: "gpt-4o-mini" } })).routingStrategy).toBe("latency");
    await json("model", "routing", "--name", "gpt-4o-mini", "--strategy", "priority");
  });

  it("runs from a checkout too (npm run hub: the same commands over the sources)", async () => {
    const result = await runCheckoutCli(["settings", "show", "--json"], f.env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ settings: { mode: expect.any(String) } });
  });

  it("prints human-readable output without --json", async () => {
    const result = await cli("key", "create", "--user", "dev@test.local");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^sk-hub-[0-9A-Za-z]{43}$/);
    expect(result.stdout).toContain("shown only this once");
  });

  it.each([
    [["frobnicate"], /usage: npm run hub/],
    [["user", "create"], /^error: --email is required$/],
    [["user", "create", "--email", "x@test.local", "--role", "owner"], /^error: --role must be one of: admin, member$/],
    [["user", "create", "--email", "x@test.local", "--colour", "blue"], /^error: Unknown option '--colour'/],
    [["provider", "add", "--type", "carrier-pigeon", "--name", "p"], /^error: unsupported provider type "carrier-pigeon"/],
    [["provider", "add", "--type", "openai_compatible", "--name", "p"], /^error: a base URL is required/],
    [["provider", "add", "--type", "openai", "--name", "p", "--base-url", "ftp://x"], /^error: base URL must start with http/],
    [["provider", "add", "--type", "bedrock", "--name", "b", "--access-key-id", "A", "--secret-access-key", "S"], /^error: a region is required for bedrock providers/],
    [["provider", "add", "--type", "bedrock", "--name", "b", "--region", "us-east-1", "--api-key", "k"], /^error: bedrock providers need an access key id and a secret access key$/],
    [["model", "deploy", "--name", "nope", "--provider", "fake", "--upstream-model", "x"], /^error: no model named nope$/],
    [["model", "add", "--name", "m", "--provider", "ghost", "--upstream-model", "x"], /^error: no provider named ghost$/],
    [["model", "add", "--name", "m", "--provider", "fake", "--upstream-model", "x", "--input-usd-per-1m", "1,5"], /^error: input price must be a non-negative decimal/],
    [["price", "set", "--model", "gpt-4o-mini", "--audio-usd-per-minute", "0,006"], /^error: audio price per minute must be a non-negative decimal/],
    [["price", "set", "--model", "gpt-4o-mini", "--video-usd-per-second", "1e-3"], /^error: video price per second must be a non-negative decimal/],
    [["model", "add", "--name", "m", "--provider", "fake", "--upstream-model", "x", "--type", "music"], /^error: --type must be one of: chat, embedding, image, transcription, speech, moderation, video$/],
    [["key", "create", "--user", "nobody@test.local"], /^error: no user with email nobody@test.local$/],
    [["key", "revoke", "sk-hub-nope"], /^error: no API key with id or prefix sk-hub-nope$/],
    [["cache", "set", "--model", "gpt-4o-mini"], /^error: give exactly one of --on or --off$/],
    [["cache", "set", "--key", "k", "--model", "gpt-4o-mini", "--on"], /^error: give exactly one of --key or --model$/],
    [["cache", "set", "--model", "ghost", "--on"], /^error: no model named ghost$/],
    [["model", "routing", "--name", "gpt-4o-mini", "--strategy", "fastest"], /^error: routing strategy must be one of priority, latency, price, least_busy$/],
    [["mode", "set", "anarchy"], /^error: mode must be one of: enterprise, service_provider$/],
    [["credits", "grant", "--user", "dev@test.local", "--amount=-5"], /^error: amount must be greater than zero \(use an adjustment to remove credits\)$/],
    [["credits", "grant", "--user", "dev@test.local", "--amount", "1,5"], /^error: credit amount must be a non-negative decimal/],
    [["credits", "grant", "--user", "dev@test.local", "--amount", "0"], /^error: amount must be greater than zero$/],
    [["admin", "create", "--email", "a@test.local", "--password", "short"], /^error: password must be at least 8 characters$/],
    [["limits", "set", "--user", "dev@test.local", "--tpm", "99999999999"], /^error: tokens per minute must be a whole number from 1 to 2147483647 or "none"$/],
  ])("refuses bad arguments with exit 1 and one clear line: %j", async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(1);
    if (args[0] === "frobnicate") {
      expect(result.stderr).toMatch(message);
      return;
    }
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stdout).toBe("");
  });
});
