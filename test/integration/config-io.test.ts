import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// `hub config export` / `hub config import` between two hubs with different master keys: the
// document carries no provider key unless asked, an import is idempotent, a full export/import
// clones a hub exactly, and an import into a running hub reaches it without a restart.

let f: HubFixture;
let target: TestDatabase;
let clone: TestDatabase;
let dir: string;
const ROUTER_SECRET_HEADER = "x-router-token-value";

beforeAll(async () => {
  f = await startHubFixture();
  dir = mkdtempSync(path.join(tmpdir(), "hub-config-"));
  target = await createTestDatabase();
  clone = await createTestDatabase();
  // more of what a configuration holds: a second provider with headers and two keys, a fallback
  // deployment pinned to a key, an alias, a package, settings
  await f.lib.addProvider(
    { type: "openrouter", name: "router", baseUrl: f.upstream.url, apiKey: "sk-or-router-key-1", headers: { "HTTP-Referer": "https://hub.example", "X-Router-Token": ROUTER_SECRET_HEADER } },
    "test",
  );
  await f.lib.addCredential({ provider: "router", name: "second", apiKey: "sk-or-router-key-2", weight: 3 }, "test");
  await f.lib.addDeployment({ model: "gpt-4o-mini", provider: "router", upstreamModel: "openai/gpt-4o-mini", priority: 1, weight: 2, credential: "second" }, "test");
  await f.lib.addAlias("gpt-4o-mini", "mini", "test");
  await f.lib.setPrice("gpt-4o-mini", { marginPercent: "12.5" }, "test");
  await f.lib.setRoutingStrategy("gpt-4o-mini", "latency", "test");
  await f.lib.setResponseCache({ modelName: "gpt-4o-mini" }, true, "test");
  // models priced by what they are metered in: minutes of audio, characters spoken, seconds of video
  await f.lib.addModel({ name: "whisper", provider: "fake", upstreamModel: "whisper-1", type: "transcription", audioUsdPerMinute: "0.006", marginPercent: "20" }, "test");
  await f.lib.addModel({ name: "tts", provider: "fake", upstreamModel: "tts-1", type: "speech", charactersUsdPer1M: "15" }, "test");
  await f.lib.addModel({ name: "sora", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.1", marginPercent: "25" }, "test");
  await f.lib.addPackage({ name: "Starter", price: "9.99", credits: "1000000" }, "test");
  const { createGroup, setGroupModelMargin } = await import("@/lib/admin/groups");
  const pro = await createGroup({ name: "pro", marginPercent: "10", allowedModels: ["gpt-4o-mini", "openai/*"] }, "test");
  await setGroupModelMargin(pro.id, "gpt-4o-mini", "5", "test");
  await f.lib.addPackage({ name: "Pro", price: "49", credits: "5000000", groupId: pro.id }, "test");
  await f.lib.setSetting("brand-name", "Acme AI", "test");
}, 90_000);

afterAll(async () => {
  await f?.close();
  await target?.drop();
  await clone?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hubEnv = (database: TestDatabase) => ({ ...f.env, DATABASE_URL: database.url, HUB_ENCRYPTION_KEY: randomBytes(32).toString("base64"), HUB_DATA_DIR: dir });
const targetEnv = () => hubEnv(target);
const cloneEnv = () => hubEnv(clone);
let targetKeys: Record<string, string>;
let cloneKeys: Record<string, string>;

async function cli(env: Record<string, string>, ...args: string[]) {
  const result = await runCli(args, env);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

type Document = { exportedAt?: string; providers: Array<{ name: string; headers?: Record<string, string>; credentials: Array<{ name: string; secret?: unknown }> }>; models: Array<{ name: string; price: unknown }> };
const withoutTime = ({ exportedAt: _at, ...rest }: Document) => rest;

describe("hub config export / import", () => {
  it("exports providers, models, prices, aliases, packages and settings without a single secret", async () => {
    const text = await cli(f.env, "config", "export");
    for (const secret of [f.upstream.apiKey, "sk-or-router-key-1", "sk-or-router-key-2", ROUTER_SECRET_HEADER]) expect(text).not.toContain(secret);
    const doc = JSON.parse(text) as Document & { settings: { brandName: string }; packages: unknown[]; groups: unknown[] };
    expect(doc.settings.brandName).toBe("Acme AI");
    expect(doc.providers.find((p) => p.name === "router")).toMatchObject({
      type: "openrouter",
      headers: { "HTTP-Referer": "https://hub.example" },
      credentials: [
        { name: "default", weight: 1, enabled: true },
        { name: "second", weight: 3, enabled: true },
      ],
    });
    expect(doc.models.find((m) => m.name === "gpt-4o-mini")).toEqual({
      name: "gpt-4o-mini",
      type: "chat",
      enabled: true,
      maxOutputTokens: null,
      defaultOutputTokens: null,
      routingStrategy: "latency",
      responseCache: true,
      aliases: ["mini"],
      deployments: [
        { provider: "fake", upstreamModel: "gpt-4o-mini-2024-07-18", priority: 0, weight: 1, enabled: true, credential: null },
        { provider: "router", upstreamModel: "openai/gpt-4o-mini", priority: 1, weight: 2, enabled: true, credential: "second" },
      ],
      // exact decimals, never floats
      price: { inputUsdPer1M: "0.15", outputUsdPer1M: "0.6", cachedInputUsdPer1M: "0.075", cacheWriteUsdPer1M: null, imageUsd: null, audioUsdPerMinute: null, charactersUsdPer1M: null, videoUsdPerSecond: null, marginPercent: "12.5" },
    });
    const unpriced = { inputUsdPer1M: "0", outputUsdPer1M: "0", cachedInputUsdPer1M: null, cacheWriteUsdPer1M: null, imageUsd: null, audioUsdPerMinute: null, charactersUsdPer1M: null, videoUsdPerSecond: null };
    expect(doc.models.find((m) => m.name === "whisper")).toMatchObject({ type: "transcription", price: { ...unpriced, audioUsdPerMinute: "0.006", marginPercent: "20" } });
    expect(doc.models.find((m) => m.name === "tts")).toMatchObject({ type: "speech", routingStrategy: "priority", responseCache: false, price: { ...unpriced, charactersUsdPer1M: "15", marginPercent: "0" } });
    expect(doc.models.find((m) => m.name === "sora")).toMatchObject({ type: "video", price: { ...unpriced, videoUsdPerSecond: "0.1", marginPercent: "25" } });
    expect(doc.packages).toEqual([
      { name: "Starter", group: null, price: "9.99", currency: "usd", credits: "1000000", enabled: true, sortOrder: 0 },
      { name: "Pro", group: "pro", price: "49", currency: "usd", credits: "5000000", enabled: true, sortOrder: 0 },
    ]);
    expect(doc.groups).toEqual([{ name: "pro", description: null, marginPercent: "10", allowedModels: ["gpt-4o-mini", "openai/*"], modelMargins: { "gpt-4o-mini": "5" } }]);
    writeFileSync(path.join(dir, "public.json"), text);
  });

  it("imports into an empty hub, skipping the keys it was not given, and a second import changes nothing", async () => {
    targetKeys = targetEnv();
    const first = JSON.parse(await cli(targetKeys, "config", "import", "--file", path.join(dir, "public.json"), "--json")) as { created: string[]; updated: string[]; skipped: string[] };
    expect(first.created).toEqual(
      expect.arrayContaining(["provider fake", "provider router", "model gpt-4o-mini", "deployment gpt-4o-mini → router/openai/gpt-4o-mini", "alias mini → gpt-4o-mini", "group pro", "package Starter", "package Pro"]),
    );
    expect(first.updated).toEqual(expect.arrayContaining(["setting brandName", "price of gpt-4o-mini"]));
    expect(first.skipped).toEqual([
      "credential fake/default (no key in the configuration)",
      "credential router/default (no key in the configuration)",
      "credential router/second (no key in the configuration)",
      "deployment gpt-4o-mini → router/openai/gpt-4o-mini: pin to credential second",
    ]);
    const again = JSON.parse(await cli(targetKeys, "config", "import", "--file", path.join(dir, "public.json"), "--json")) as { created: string[]; updated: string[] };
    expect([again.created, again.updated]).toEqual([[], []]);
    // the audio, speech and video models arrive with their type and their price per minute / per 1M characters / per second
    const exported = JSON.parse(readFileSync(path.join(dir, "public.json"), "utf8")) as Document;
    const imported = JSON.parse(await cli(targetKeys, "config", "export")) as Document;
    for (const name of ["whisper", "tts", "sora"]) expect(imported.models.find((m) => m.name === name)).toEqual(exported.models.find((m) => m.name === name));
    expect(first.created).toEqual(expect.arrayContaining(["model whisper", "model tts", "model sora"]));
    // and a model's routing strategy and response cache with it
    expect(imported.models.find((m) => m.name === "gpt-4o-mini")).toMatchObject({ routingStrategy: "latency", responseCache: true });
  });

  it("clones a hub exactly from an export with secrets, re-sealed under the other hub's master key", async () => {
    const file = path.join(dir, "full.json");
    await cli(f.env, "config", "export", "--include-secrets", "--out", file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    cloneKeys = cloneEnv();
    await cli(cloneKeys, "config", "import", "--file", file);
    const source = JSON.parse(readFileSync(file, "utf8")) as Document;
    const cloned = JSON.parse(await cli(cloneKeys, "config", "export", "--include-secrets")) as Document;
    expect(withoutTime(cloned)).toEqual(withoutTime(source));
    expect(source.providers.find((p) => p.name === "router")!.credentials[1]!.secret).toEqual({ apiKey: "sk-or-router-key-2" });
    // nothing left to do
    const again = JSON.parse(await cli(cloneKeys, "config", "import", "--file", file, "--json")) as { created: string[]; updated: string[] };
    expect([again.created, again.updated]).toEqual([[], []]);
  });

  it("applies a changed document to the running hub; a dry run changes nothing", async () => {
    type Model = { name: string; aliases: string[]; routingStrategy: string; responseCache: boolean; price: { outputUsdPer1M: string; videoUsdPerSecond: string | null } };
    const doc = JSON.parse(readFileSync(path.join(dir, "public.json"), "utf8")) as Omit<Document, "models"> & { models: Model[] };
    const model = doc.models.find((m) => m.name === "gpt-4o-mini")!;
    model.aliases.push("mini-2");
    model.price.outputUsdPer1M = "0.7";
    Object.assign(doc.models.find((m) => m.name === "tts")!, { routingStrategy: "least_busy", responseCache: true });
    // a changed price per second of video is a changed price
    doc.models.find((m) => m.name === "sora")!.price.videoUsdPerSecond = "0.15";
    const file = path.join(dir, "changed.json");
    writeFileSync(file, JSON.stringify(doc));

    const dry = JSON.parse(await cli(f.env, "config", "import", "--file", file, "--dry-run", "--json")) as { created: string[]; updated: string[]; dryRun: boolean };
    expect(dry).toMatchObject({ dryRun: true, created: ["alias mini-2 → gpt-4o-mini"], updated: ["price of gpt-4o-mini", "price of sora", "model tts"] });
    expect(await f.db.modelAlias.findUnique({ where: { alias: "mini-2" } })).toBeNull();

    const applied = JSON.parse(await cli(f.env, "config", "import", "--file", file, "--json")) as { created: string[]; updated: string[]; skipped: string[] };
    expect([applied.created, applied.updated, applied.skipped]).toEqual([["alias mini-2 → gpt-4o-mini"], ["price of gpt-4o-mini", "price of sora", "model tts"], []]);
    expect(await f.db.model.findUniqueOrThrow({ where: { name: "tts" } })).toMatchObject({ routingStrategy: "least_busy", responseCache: true });
    const { value } = await eventually(() => f.client.chat.completions.create({ model: "mini-2", messages: [{ role: "user", content: "hi" }] }));
    expect(value.choices[0]!.message.content).toBeTruthy();
    const prices = await f.lib.priceHistory("gpt-4o-mini");
    expect([prices[0]!.outputNanoUsdPer1M, prices[0]!.marginBps, prices[0]!.cachedReadNanoUsdPer1M]).toEqual([700_000_000n, 1250, 75_000_000n]);
    expect((await f.lib.priceHistory("sora")).map((p) => [p.videoNanoUsdPerSecond, p.marginBps])).toEqual([
      [150_000_000n, 2500],
      [100_000_000n, 2500],
    ]);
  });

  it("refuses a document it cannot apply, naming the problem, and applies none of it", async () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ aigneHubConfig: 1, models: [{ name: "orphan", deployments: [] }] }));
    const refused = await runCli(["config", "import", "--file", bad], f.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("configuration: models.0.deployments a model needs at least one deployment");

    writeFileSync(bad, JSON.stringify({ aigneHubConfig: 1, models: [{ name: "fast", routingStrategy: "fastest", deployments: [{ provider: "fake", upstreamModel: "x" }] }] }));
    const strategy = await runCli(["config", "import", "--file", bad], f.env);
    expect(strategy.code).toBe(1);
    expect(strategy.stderr).toContain("models.0.routingStrategy");

    writeFileSync(bad, JSON.stringify({ aigneHubConfig: 1, packages: [{ name: "Later", price: "5", credits: "10" }], models: [{ name: "lost", deployments: [{ provider: "nowhere", upstreamModel: "x" }] }] }));
    const missing = await runCli(["config", "import", "--file", bad], f.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("model lost: no provider named nowhere");
    // all or nothing: the package before the failing model was not kept
    expect(await f.db.creditPackage.findFirst({ where: { name: "Later" } })).toBeNull();

    writeFileSync(bad, "providers: []\n");
    const notJson = await runCli(["config", "import", "--file", bad], f.env);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain(`cannot read ${bad} as JSON`);
    writeFileSync(bad, JSON.stringify({ providers: [] }));
    const notOurs = await runCli(["config", "import", "--file", bad], f.env);
    expect(notOurs.stderr).toContain('not an AIGNE Hub configuration (expected "aigneHubConfig": 1)');
  });
});
