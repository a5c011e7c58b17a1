import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCredits, formatUsd } from "@/lib/money";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { METERED_MODELS, syntheticUsage } from "../helpers/usage-events";
import { WebClient } from "../helpers/web-client";

// The analytics API the UI reads: series and breakdowns from the rollups, calls and CSV from the raw
// events, the monthly showback, and a customer's own account — through the real server.

let f: HubFixture;
let adminToken: string;
let adminApiKey: string;
let team: { id: string; name: string };
let customerKey: string;
let customerId: string;
let jobs: { rollUp: () => Promise<number> };
let listenerKey: string;

const AUGUST = new Date(Date.UTC(2026, 7, 1));
const SEPTEMBER = new Date(Date.UTC(2026, 8, 1));
const OCTOBER = new Date(Date.UTC(2026, 9, 1));
const NOVEMBER = new Date(Date.UTC(2026, 10, 1));
const LISTENER = "listener@test.local";
const LISTENER_PASSWORD = "listener-password-1";

async function get(path: string, key = adminToken) {
  const response = await fetch(`${f.hub.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  return { status: response.status, body, headers: response.headers };
}

beforeAll(async () => {
  // the hub's own rollup job stays out of the way: the test runs it when it wants
  f = await startHubFixture({ env: { HUB_ROLLUP_EVERY_MS: "3600000" } });
  // loaded once the fixture has set the environment
  const [{ writeUsageBatch }, { rollUp }] = await Promise.all([import("@/lib/billing/usage-writer"), import("@/lib/billing/rollups")]);
  jobs = { rollUp };
  await f.lib.createUser({ email: "ops@test.local", role: "admin" }, "test");
  adminApiKey = (await f.lib.createApiKey({ userEmail: "ops@test.local" }, "test")).secret;
  const { createAdminToken } = await import("@/lib/admin/tokens");
  adminToken = (await createAdminToken({ name: "analytics", scope: "read" }, "test")).secret;
  team = await f.lib.createTeam({ name: "Research", monthlyBudgetUsd: "250" }, "test");

  const customer = await f.lib.createUser({ email: "buyer@test.local", role: "member" }, "test");
  customerId = customer.id;
  await f.lib.grantCredits({ userEmail: "buyer@test.local", amount: "5000", note: "welcome" }, "test");
  customerKey = (await f.lib.createApiKey({ userEmail: "buyer@test.local" }, "test")).secret;

  // a month of October traffic: three users with a key each (two of them in Research), three models
  await writeUsageBatch(
    syntheticUsage({
      count: 3000,
      from: OCTOBER,
      spanMinutes: 31 * 24 * 60,
      keys: ["k-alice", "k-bob", "k-carol"],
      users: ["u-alice", "u-bob", "u-carol"],
      teams: [team.id, null, team.id],
    }),
  );
  // an August of calls metered in audio, characters, images and video (the helper's metered models)
  await writeUsageBatch(syntheticUsage({ count: 300, from: AUGUST, spanMinutes: 31 * 24 * 60, keys: ["k-dave"], users: ["u-dave"], teams: [null], models: Object.keys(METERED_MODELS) }));
  // and a minute ago, a listener's calls with known units: two transcriptions, a speech, an image, a video
  const listener = await f.lib.createUser({ email: LISTENER, role: "member", password: LISTENER_PASSWORD }, "test");
  listenerKey = (await f.lib.createApiKey({ userEmail: LISTENER }, "test")).secret;
  const [template] = syntheticUsage({ count: 1, from: new Date(), spanMinutes: 1 });
  const call = (requestedModel: string, endpoint: string, units: { audioMs?: number; characters?: number; images?: number; videoMs?: number }) => ({
    event: {
      ...template!.event,
      requestId: randomUUID(),
      endpoint,
      userId: listener.id,
      teamId: null,
      apiKeyId: null,
      requestedModel,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      status: 200,
      startedAt: new Date(Date.now() - 60_000),
      ...units,
    },
    settlement: null,
  });
  await writeUsageBatch([
    call("gpt-4o-transcribe", "audio", { audioMs: 12_345 }),
    call("gpt-4o-transcribe", "audio", { audioMs: 150_000 }),
    call("gpt-4o-mini-tts", "audio", { characters: 1234 }),
    call("gpt-image-1", "images", { images: 3 }),
    call("sora-2-pro", "videos", { videoMs: 12_340 }),
  ]);
  await jobs.rollUp();
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("usage from the rollups", () => {
  it("gives a daily series and totals that equal the raw events", async () => {
    const { status, body } = await get(`/api/admin/v1/analytics/usage?from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&bucket=day`);
    expect(status).toBe(200);
    const raw = await f.db.usageEvent.aggregate({ where: { startedAt: { gte: OCTOBER, lt: NOVEMBER } }, _count: { _all: true }, _sum: { promptTokens: true, costNanoUsd: true } });
    const errors = await f.db.usageEvent.count({ where: { startedAt: { gte: OCTOBER, lt: NOVEMBER }, status: { gte: 400 } } });
    expect(body.series).toHaveLength(31);
    expect(body.totals).toMatchObject({ calls: raw._count._all, errors, promptTokens: raw._sum.promptTokens });
    // nano-USD summed exactly, shown as a decimal string
    expect(body.totals.costUsd).toBe(formatUsd(raw._sum.costNanoUsd!));
    expect(body.series.reduce((n: number, p: { calls: number }) => n + p.calls, 0)).toBe(3000);
  });

  it("groups a series by model and narrows it by user", async () => {
    const { body } = await get(`/api/admin/v1/analytics/usage?from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&groupBy=model&userId=u-alice`);
    const perModel = new Map<string, number>();
    for (const point of body.series) perModel.set(point.group, (perModel.get(point.group) ?? 0) + point.calls);
    const raw = await f.db.usageEvent.groupBy({ by: ["requestedModel"], where: { userId: "u-alice", startedAt: { gte: OCTOBER, lt: NOVEMBER } }, _count: { _all: true } });
    expect(Object.fromEntries(perModel)).toEqual(Object.fromEntries(raw.map((r) => [r.requestedModel, r._count._all])));
  });

  it("breaks the range down by team, largest cost first", async () => {
    const { body } = await get(`/api/admin/v1/analytics/breakdown?from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&groupBy=team`);
    expect(body.data.map((g: { group: string }) => g.group)).toEqual([team.id, ""]);
    expect(body.data[0].calls).toBe(await f.db.usageEvent.count({ where: { teamId: team.id } }));
    expect(body.data[1].calls).toBe(1000);
  });

  it("reports a month's showback per team with its budget and models", async () => {
    const { body } = await get("/api/admin/v1/analytics/showback?month=2026-10");
    const research = body.teams.find((t: { team: string }) => t.team === "Research");
    expect(research).toMatchObject({ teamId: team.id, budgetUsd: "250", calls: 2000 });
    const raw = await f.db.usageEvent.groupBy({ by: ["requestedModel"], where: { teamId: team.id }, _count: { _all: true } });
    expect(Object.fromEntries(research.models.map((m: { model: string; calls: number }) => [m.model, m.calls]))).toEqual(
      Object.fromEntries(raw.map((r) => [r.requestedModel, r._count._all])),
    );
    expect(body.teams.find((t: { teamId: string | null }) => t.teamId === null)).toMatchObject({ team: "(no team)", calls: 1000 });
    expect((await get("/api/admin/v1/analytics/showback?month=2026-09")).body.teams).toEqual([]);
  });

  it("sums the units audio, speech, image and video calls are metered in: series, breakdown and showback", async () => {
    const range = `from=${AUGUST.toISOString()}&to=${SEPTEMBER.toISOString()}`;
    const raw = await f.db.usageEvent.groupBy({ by: ["requestedModel"], where: { startedAt: { gte: AUGUST, lt: SEPTEMBER } }, _sum: { images: true, audioMs: true, characters: true, videoMs: true } });
    const expected = Object.fromEntries(raw.map((r) => [r.requestedModel, { images: r._sum.images, audioMs: r._sum.audioMs, characters: r._sum.characters, videoMs: r._sum.videoMs }]));
    // each model has its own unit and none of the others
    expect(expected["whisper-1"]).toMatchObject({ images: 0, characters: 0, videoMs: 0, audioMs: expect.any(Number) });
    expect(expected["whisper-1"]!.audioMs).toBeGreaterThan(100_000);
    expect(expected["tts-1"]!.characters).toBeGreaterThan(1000);
    expect(expected["dall-e-3"]!.images).toBeGreaterThan(100);
    expect(expected["sora-2"]).toMatchObject({ images: 0, characters: 0, audioMs: 0 });
    expect(expected["sora-2"]!.videoMs).toBeGreaterThan(100_000);
    type Units = { images: number; audioMs: number; characters: number; videoMs: number };
    const pick = (g: Units) => ({ images: g.images, audioMs: g.audioMs, characters: g.characters, videoMs: g.videoMs });

    const { body: breakdown } = await get(`/api/admin/v1/analytics/breakdown?${range}&groupBy=model`);
    expect(Object.fromEntries(breakdown.data.map((g: Units & { group: string }) => [g.group, pick(g)]))).toEqual(expected);
    const { body: series } = await get(`/api/admin/v1/analytics/usage?${range}&bucket=hour`);
    expect(pick(series.totals)).toEqual({
      images: expected["dall-e-3"]!.images,
      audioMs: expected["whisper-1"]!.audioMs,
      characters: expected["tts-1"]!.characters,
      videoMs: expected["sora-2"]!.videoMs,
    });
    const { body: showback } = await get("/api/admin/v1/analytics/showback?month=2026-08");
    expect(Object.fromEntries(showback.teams[0].models.map((m: Units & { model: string }) => [m.model, pick(m)]))).toEqual(expected);
  });
});

describe("calls", () => {
  it("are filtered, sorted and paged on the server", async () => {
    const query = `from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&model=gemini-flash&status=error&sort=costNanoUsd&order=asc&pageSize=7&page=2`;
    const { body } = await get(`/api/admin/v1/analytics/calls?${query}`);
    const matching = await f.db.usageEvent.findMany({ where: { requestedModel: "gemini-flash", status: { gte: 400 } }, orderBy: { costNanoUsd: "asc" } });
    expect(body.total).toBe(matching.length);
    expect(body.data.map((c: { requestId: string }) => c.requestId)).toEqual(matching.slice(7, 14).map((e) => e.requestId));
    expect(body.data[0]).toMatchObject({ status: 502, costUsd: formatUsd(matching[7]!.costNanoUsd) });
  });

  it("shows one call in full, and 404 for an unknown request id", async () => {
    const { data, response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "trace me" }] }).withResponse();
    const requestId = response.headers.get("x-request-id")!;
    await f.usageEvent(requestId);
    const { status, body } = await get(`/api/admin/v1/analytics/calls/${requestId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ requestId, requestedModel: "gpt-4o-mini", providerName: "fake", promptTokens: data.usage!.prompt_tokens, status: 200 });
    const missing = await get("/api/admin/v1/analytics/calls/no-such-request");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: "not_found_error", code: "not_found" });
  });

  it("export as CSV, every matching row, quoted where needed", async () => {
    const { status, body, headers } = await get(`/api/admin/v1/analytics/export?from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&userId=u-bob`);
    expect(status).toBe(200);
    expect(headers.get("content-type")).toMatch(/^text\/csv/);
    expect(headers.get("content-disposition")).toMatch(/attachment/);
    const lines = (body as string).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "startedAt,requestId,endpoint,requestedModel,providerName,upstreamModel,userId,teamId,apiKeyId,status,errorCode,promptTokens,completionTokens,cachedTokens,reasoningTokens,costUsd,chargeCredits,latencyMs,ttfbMs,images,audio_seconds,characters,video_seconds",
    );
    expect(lines).toHaveLength(1 + 1000);
    const ids = new Set(lines.slice(1).map((line) => line.split(",")[1]));
    const raw = await f.db.usageEvent.findMany({ where: { userId: "u-bob" }, select: { requestId: true } });
    expect(ids).toEqual(new Set(raw.map((e) => e.requestId)));
  });
});

/** CSV text → rows keyed by the header (none of these cells holds a comma) */
function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trimEnd().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [columns[i]!, cell])));
}

describe("calls metered in seconds, characters, images and seconds of video", () => {
  it("export with their endpoint, images, audio seconds (to the millisecond), characters and video seconds", async () => {
    const { body } = await get("/api/admin/v1/analytics/export?model=gpt-4o-transcribe");
    const byAudio = csvRecords(body as string).sort((a, b) => Number(a.audio_seconds) - Number(b.audio_seconds));
    expect(byAudio.map((r) => [r.requestedModel, r.endpoint, r.promptTokens, r.images, r.audio_seconds, r.characters, r.video_seconds])).toEqual([
      ["gpt-4o-transcribe", "audio", "0", "0", "12.345", "0", "0"],
      ["gpt-4o-transcribe", "audio", "0", "0", "150", "0", "0"],
    ]);
    // the usage page's download, for the signed-in admin, is the same CSV
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const speech = csvRecords(await (await web.fetch("/admin/usage/export?model=gpt-4o-mini-tts")).text());
    expect(speech.map((r) => [r.endpoint, r.images, r.audio_seconds, r.characters])).toEqual([["audio", "0", "0", "1234"]]);
    const image = csvRecords(await (await web.fetch("/admin/usage/export?model=gpt-image-1")).text());
    expect(image.map((r) => [r.endpoint, r.images, r.audio_seconds, r.characters])).toEqual([["images", "3", "0", "0"]]);
    const video = csvRecords(await (await web.fetch("/admin/usage/export?model=sora-2-pro")).text());
    expect(video.map((r) => [r.endpoint, r.promptTokens, r.images, r.audio_seconds, r.characters, r.video_seconds])).toEqual([["videos", "0", "0", "0", "0", "12.34"]]);
  });

  it("show their units and endpoint on the admin usage page and the overview, in English and Chinese", async () => {
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const html = async (path: string, language = "en") => {
      const response = await web.fetch(path, { headers: { "accept-language": language } });
      expect(response.status).toBe(200);
      return response.text();
    };
    const units = (page: string) => [...page.matchAll(/data-testid="usage-units">([^<]*)</g)].map((m) => m[1]);

    const transcriptions = await html("/admin/usage?model=gpt-4o-transcribe");
    // under a minute in seconds, from a minute in minutes, one decimal
    expect(units(transcriptions).sort()).toEqual(["12.3 s audio", "2.5 min audio"]);
    expect([...transcriptions.matchAll(/data-testid="call-endpoint">([^<]*)</g)].map((m) => m[1])).toEqual(["audio", "audio"]);
    expect(units(await html("/admin/usage?model=gpt-4o-mini-tts"))).toEqual(["1,234 characters"]);
    expect(units(await html("/admin/usage?model=gpt-image-1"))).toEqual(["3 images"]);
    expect(units(await html("/admin/usage?model=gpt-4o-mini-tts", "zh-CN"))).toEqual(["1,234 个字符"]);
    expect(units(await html("/admin/usage?model=gpt-4o-transcribe", "zh-CN")).sort()).toEqual(["12.3 秒音频", "2.5 分钟音频"]);
    // video in seconds, one decimal
    expect(units(await html("/admin/usage?model=sora-2-pro"))).toEqual(["12.3 s video"]);
    expect(units(await html("/admin/usage?model=sora-2-pro", "zh-CN"))).toEqual(["12.3 秒视频"]);

    // the overview's 30 days per model: 162.345 s of transcription is 2.7 minutes
    const overview = units(await html("/admin"));
    expect(overview).toEqual(expect.arrayContaining(["2.7 min audio", "1,234 characters", "3 images", "12.3 s video"]));
  });

  it("show on the customer's own usage page, dashboard and usage API", async () => {
    const web = new WebClient(f.hub.url);
    expect((await web.signIn(LISTENER, LISTENER_PASSWORD)).ok).toBe(true);
    const units = async (path: string) => [...(await (await web.fetch(path)).text()).matchAll(/data-testid="usage-units">([^<]*)</g)].map((m) => m[1]).sort();
    expect(await units("/usage")).toEqual(["1,234 characters", "12.3 s audio", "12.3 s video", "2.5 min audio", "3 images"]);
    expect(await units("/dashboard")).toEqual(["1,234 characters", "12.3 s video", "2.7 min audio", "3 images"]);

    const now = Date.now();
    const { body } = await get(`/api/me/usage?from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}&bucket=hour`, listenerKey);
    expect(body.totals).toMatchObject({ calls: 5, promptTokens: 0, audioMs: 162_345, characters: 1234, images: 3, videoMs: 12_340 });
  });
});

describe("access and input", () => {
  it("refuses the admin API to API keys, a member's and an admin's alike", async () => {
    for (const key of [f.apiKey, adminApiKey]) {
      const { status, body } = await get("/api/admin/v1/analytics/showback", key);
      expect(status).toBe(401);
      expect(body.error).toMatchObject({ type: "authentication_error", code: "not_an_admin_token" });
    }
  });

  it("answers a bad query with a 400 that names the parameter", async () => {
    const { status, body } = await get("/api/admin/v1/analytics/usage?from=yesterday&to=2026-11-01");
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: "invalid_request_error" });
    expect(body.error.message).toMatch(/from/);
    const breakdown = await get(`/api/admin/v1/analytics/breakdown?from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&groupBy=planet`);
    expect(breakdown.status).toBe(400);
    expect(breakdown.body.error.message).toMatch(/groupBy/);
  });

  it("refuses a request without a key", async () => {
    const response = await fetch(`${f.hub.url}/api/me/account`);
    expect(response.status).toBe(401);
  });
});

describe("a customer's own account", () => {
  it("shows balance, ledger, own usage and days of credit left at the recent pace", async () => {
    await f.lib.setMode("service_provider", "test");
    // a model added after the switch: once the hub serves it, it has seen the mode too
    await f.lib.addModel({ name: "after-switch", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2" }, "test");
    await eventually(() => f.client.models.retrieve("after-switch"), 3000);
    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: customerKey, maxRetries: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `call ${i}` }], max_tokens: 100 }).withResponse();
      ids.push(response.headers.get("x-request-id")!);
    }
    for (const id of ids) await f.usageEvent(id);
    await expect.poll(async () => (await get("/api/me/transactions", customerKey)).body.total, { timeout: 5000 }).toBe(4);

    const account = await f.db.creditAccount.findUniqueOrThrow({ where: { userId: customerId } });
    const spent = 5000n * 1_000_000n - account.balanceMicrocredits;
    expect(spent).toBeGreaterThan(0n);
    const { body: summary } = await get("/api/me/account", customerKey);
    const daily = spent / 7n;
    expect(summary).toMatchObject({
      balance: formatCredits(account.balanceMicrocredits),
      held: "0",
      averageDailySpend: formatCredits(daily),
      estimatedDaysLeft: Number(account.balanceMicrocredits / daily),
    });

    const { body: ledger } = await get("/api/me/transactions?pageSize=2", customerKey);
    expect(ledger.data).toHaveLength(2);
    expect(ledger.data.every((t: { kind: string }) => t.kind === "usage")).toBe(true);
    const { body: last } = await get("/api/me/transactions?pageSize=2&page=2", customerKey);
    expect(last.data.map((t: { kind: string }) => t.kind)).toEqual(["usage", "grant"]);
    expect(last.data[1]).toMatchObject({ amount: "5000", note: "welcome" });

    await jobs.rollUp();
    const now = new Date();
    const { body: usage } = await get(`/api/me/usage?from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${new Date(now.getTime() + 3_600_000).toISOString()}&bucket=hour`, customerKey);
    // only the caller's own calls, whatever a userId in the query says
    expect(usage.totals.calls).toBe(3);
    const { body: sneaky } = await get(`/api/me/usage?from=${OCTOBER.toISOString()}&to=${NOVEMBER.toISOString()}&userId=u-alice`, customerKey);
    expect(sneaky.totals.calls).toBe(0);
  });

  it("has no days-left estimate without recent spending", async () => {
    const { body } = await get("/api/me/account", adminApiKey);
    expect(body).toMatchObject({ estimatedDaysLeft: null });
  });
});

describe("a call made just now, before the rollup job has run", () => {
  it("shows in the dashboard's charts and tables, the usage API and the admin breakdown, with every bucket of the range present", async () => {
    const email = "justnow@test.local";
    const password = "justnow-password-1";
    const user = await f.lib.createUser({ email, role: "member", password }, "test");
    await f.lib.grantCredits({ userEmail: email, amount: "100", note: "welcome" }, "test");
    const key = (await f.lib.createApiKey({ userEmail: email }, "test")).secret;
    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: key, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "just now" }], max_tokens: 50 }).withResponse();
    await f.usageEvent(response.headers.get("x-request-id")!);
    // nothing of this user's is in the rollups: what follows reads the tail of the events
    expect(await f.db.usageRollup.count({ where: { userId: user.id } })).toBe(0);

    // the dashboard's data: 30 days of every model's chart, one bucket not zero; the models table
    const { dashboard } = await import("@/lib/analytics/dashboard");
    const data = (await dashboard(user.id))!;
    expect(data.usage.series).toHaveLength(30);
    expect(data.usage.series.filter((p) => p.calls > 0)).toEqual([expect.objectContaining({ group: "gpt-4o-mini", calls: 1 })]);
    expect(data.usage.series.at(-1)).toMatchObject({ group: "gpt-4o-mini", calls: 1 });
    expect(data.models).toEqual([expect.objectContaining({ group: "gpt-4o-mini", calls: 1 })]);
    expect(data.errorRate.at(-1)).toMatchObject({ calls: 1, errorRate: 0 });
    expect(data.latency.percentiles).toBe(true);
    expect(data.latency.series.filter((p) => p.latencyP50 !== null)).toHaveLength(1);

    // the page renders the table row and the charts
    const web = new WebClient(f.hub.url);
    expect((await web.signIn(email, password)).ok).toBe(true);
    const page = await (await web.fetch("/dashboard")).text();
    expect(page).toMatch(/data-testid="my-model"[^>]*>.*?gpt-4o-mini/s);
    expect(page).toContain('data-testid="latency-chart"');
    expect(page).toContain('data-testid="error-rate-chart"');

    // the usage API: every hour of the last day, the current one with the call
    const now = Date.now();
    const hour = 3_600_000;
    const from = new Date(Math.floor(now / hour) * hour - 23 * hour).toISOString();
    const to = new Date(Math.floor(now / hour) * hour + hour).toISOString();
    const { body: usage } = await get(`/api/me/usage?from=${from}&to=${to}&bucket=hour`, key);
    expect(usage.series).toHaveLength(24);
    expect(usage.series.map((p: { calls: number }) => p.calls)).toEqual([...Array(23).fill(0), 1]);
    expect(usage.totals.calls).toBe(1);

    // the admin's table of models for this user
    const { body: breakdown } = await get(`/api/admin/v1/analytics/breakdown?from=${from}&to=${to}&groupBy=model&userId=${user.id}`);
    expect(breakdown.data).toEqual([expect.objectContaining({ group: "gpt-4o-mini", calls: 1 })]);

    // once rolled up, the same numbers, counted once
    await jobs.rollUp();
    expect(await f.db.usageRollup.count({ where: { userId: user.id } })).toBeGreaterThan(0);
    expect((await get(`/api/me/usage?from=${from}&to=${to}&bucket=hour`, key)).body.totals.calls).toBe(1);
    expect((await dashboard(user.id))!.models).toEqual([expect.objectContaining({ group: "gpt-4o-mini", calls: 1 })]);
  });
});

describe("cache hits over time", () => {
  it("chart the prompt-cache share of input tokens and the response-cache share of calls, before and after the rollup", async () => {
    const user = await f.lib.createUser({ email: "cached@test.local", role: "member" }, "test");
    const [template] = syntheticUsage({ count: 1, from: new Date(), spanMinutes: 1 });
    const startedAt = new Date(Date.now() - 60_000);
    const call = (cacheHit: boolean, promptTokens: number, cachedTokens: number) => ({
      event: { ...template!.event, requestId: randomUUID(), userId: user.id, teamId: null, apiKeyId: null, status: 200, startedAt, promptTokens, cachedTokens, cacheHit },
      settlement: null,
    });
    const { writeUsageBatch } = await import("@/lib/billing/usage-writer");
    // four calls: one answered from the response cache; 300 of 1,000 input tokens read from the provider's cache
    await writeUsageBatch([call(true, 100, 0), call(false, 300, 300), call(false, 300, 0), call(false, 300, 0)]);
    const [{ explorerCharts }, { callsQuerySchema }, { OPERATOR }] = await Promise.all([import("@/lib/analytics/explorer"), import("@/lib/analytics/usage"), import("@/lib/caller")]);
    const last = async () => (await explorerCharts(OPERATOR, callsQuerySchema.parse({ userId: user.id }))).cacheRate.at(-1);
    const expected = { promptCacheRate: 0.3, responseCacheRate: 0.25 };
    expect(await last()).toMatchObject(expected);
    await jobs.rollUp();
    expect(await f.db.usageRollup.count({ where: { userId: user.id, cacheHits: 1n, period: "hour" } })).toBe(1);
    expect(await last()).toMatchObject(expected);
  });
});
