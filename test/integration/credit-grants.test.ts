import { randomUUID } from "node:crypto";
import OpenAI, { toFile } from "openai";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wavFile } from "../fakes/openai-audio";
import { runCli } from "../helpers/cli";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { syntheticUsage } from "../helpers/usage-events";
import { WebClient } from "../helpers/web-client";

// Expiring grants, the expiry job, debts and monthly statements — against the real server and
// database. Every flow ends with the ledger reconciliation (balance = ledger = grants).

let f: HubFixture;
let billing: {
  expiry: typeof import("@/lib/billing/expiry");
  reconcile: typeof import("@/lib/billing/reconcile");
  statements: typeof import("@/lib/billing/statements");
  jobs: typeof import("@/lib/billing/jobs");
};

const DAY = 86_400_000;

async function customer(email: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  const account = await f.db.creditAccount.upsert({ where: { userId: (await f.db.user.findUniqueOrThrow({ where: { email } })).id }, create: { user: { connect: { email } } }, update: {} });
  return { secret, accountId: account.id, client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }) };
}

const grant = (email: string, amount: string, expiresInDays?: number, note = "test") => f.lib.grantCredits({ userEmail: email, amount, note, expiresInDays }, "test");

const grantsOf = (accountId: string) => f.db.creditGrant.findMany({ where: { accountId }, orderBy: { createdAt: "asc" } });

async function expectReconciled() {
  expect(await billing.reconcile.reconcileLedger()).toEqual([]);
}

/**
 * Calls the metered model `n` times, one after the other: each call's hold (up to ~10,250 credits for
 * its uncapped output) is released before the next is admitted, and its charge booked.
 */
async function spend(client: OpenAI, accountId: string, n: number) {
  for (let i = 0; i < n; i++) {
    const { response } = await client.chat.completions.create({ model: "metered", messages: [{ role: "user", content: "charge me" }] }).withResponse();
    await f.usageEvent(response.headers.get("x-request-id")!, 10_000);
    await eventually(async () => {
      expect(await f.db.creditTransaction.count({ where: { accountId, kind: "usage" } })).toBe(i + 1);
      expect((await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).heldMicrocredits).toBe(0n);
    }, 10_000);
  }
}

beforeAll(async () => {
  f = await startHubFixture();
  await f.lib.setMode("service_provider", "test");
  // 10 prompt + 9 completion tokens at $1 / $2 per 1M, +25 %: 35 credits a call
  await f.lib.addModel({ name: "metered", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
  await eventually(() => f.client.models.retrieve("metered"), 3000);
  billing = {
    expiry: await import("@/lib/billing/expiry"),
    reconcile: await import("@/lib/billing/reconcile"),
    statements: await import("@/lib/billing/statements"),
    jobs: await import("@/lib/billing/jobs"),
  };
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe("expiring grants", () => {
  it("spends the soonest-expiring credits first, and books what is left of an expired grant off the ledger once", async () => {
    const { client, accountId } = await customer("grants@test.local");
    await grant("grants@test.local", "20000", undefined, "never expires");
    await grant("grants@test.local", "500", 30, "promo, 30 days");
    await grant("grants@test.local", "60", 2, "promo, 2 days");
    const [never, month, soon] = await grantsOf(accountId);
    expect(soon!.expiresAt!.getTime() - Date.now()).toBeGreaterThan(2 * DAY - 60_000);
    expect(never!.expiresAt).toBeNull();

    await spend(client, accountId, 2);
    // 70 credits: all 60 of the 2-day grant, then 10 of the 30-day one; the grant that never expires is untouched
    const after = await grantsOf(accountId);
    expect(after.map((g) => g.remainingMicrocredits)).toEqual([20_000_000_000n, 490_000_000n, 0n]);
    await expectReconciled();

    // the 30-day grant's time passes
    await f.db.creditGrant.update({ where: { id: month!.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await billing.expiry.expireGrants()).toBe(1);
    expect(await billing.expiry.expireGrants()).toBe(0);
    const booked = await f.db.creditTransaction.findUniqueOrThrow({ where: { reference: `expiry:${month!.id}` } });
    expect(booked).toMatchObject({ kind: "expiry", amountMicrocredits: -490_000_000n, accountId });
    expect((await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).balanceMicrocredits).toBe(20_000_000_000n);
    expect((await grantsOf(accountId)).map((g) => g.remainingMicrocredits)).toEqual([20_000_000_000n, 0n, 0n]);
    await expectReconciled();
  });

  it("shows the customer what expires when, soonest first", async () => {
    const { accountId } = await customer("expiring@test.local");
    await grant("expiring@test.local", "30", 20);
    await grant("expiring@test.local", "10", 5);
    await grant("expiring@test.local", "99");
    const expiring = await billing.expiry.expiringCredits(accountId);
    expect(expiring.map((g) => g.remainingMicrocredits)).toEqual([10_000_000n, 30_000_000n]);
    expect(expiring[0]!.expiresAt.getTime()).toBeLessThan(expiring[1]!.expiresAt.getTime());
  });

  it("runs the expiry as a scheduled job", () => {
    const job = billing.jobs.billingJobs().find((j) => j.name === "credits.expire");
    expect(job?.every).toBeGreaterThan(0);
    expect(job!.every!).toBeLessThanOrEqual(15 * 60_000);
  });

  it("lets credits that arrive while the balance is negative pay the debt first", async () => {
    const { accountId } = await customer("debtor@test.local");
    await grant("debtor@test.local", "100");
    await f.lib.grantCredits({ userEmail: "debtor@test.local", amount: "-150", kind: "adjustment", note: "chargeback" }, "test");
    expect((await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).balanceMicrocredits).toBe(-50_000_000n);
    await grant("debtor@test.local", "80", 10);
    const newest = (await grantsOf(accountId)).at(-1)!;
    expect(newest).toMatchObject({ amountMicrocredits: 80_000_000n, remainingMicrocredits: 30_000_000n });
    // nothing is left to expire beyond what the balance holds
    await f.db.creditGrant.update({ where: { id: newest.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await billing.expiry.expireGrants();
    expect((await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).balanceMicrocredits).toBe(0n);
    await expectReconciled();
  });

  it("gives starter credits the configured expiry", async () => {
    await f.lib.setSetting("starter-credits", "25", "test");
    await f.lib.setSetting("starter-credit-expiry-days", "14", "test");
    try {
      const user = await f.lib.createUser({ email: "starter@test.local", role: "member" }, "test");
      const starter = await f.db.creditGrant.findUniqueOrThrow({ where: { reference: `starter:${user.id}` } });
      expect(starter).toMatchObject({ kind: "starter", amountMicrocredits: 25_000_000n, remainingMicrocredits: 25_000_000n });
      expect(Math.abs(starter.expiresAt!.getTime() - (Date.now() + 14 * DAY))).toBeLessThan(60_000);
    } finally {
      await f.lib.setSetting("starter-credits", "0", "test");
      await f.lib.setSetting("starter-credit-expiry-days", "never", "test");
    }
    await expectReconciled();
  });

  it("refuses an expiry on credits taken away", async () => {
    await expect(f.lib.grantCredits({ userEmail: "grants@test.local", amount: "-5", kind: "adjustment", note: "x", expiresInDays: 3 }, "test")).rejects.toThrow(/expiry/);
  });
});

describe("monthly statements", () => {
  it("adds up: opening + top-ups − usage + other movements = closing, with usage by model", async () => {
    const { client, accountId, secret } = await customer("statement@test.local");
    await grant("statement@test.local", "15000", undefined, "welcome");
    await grant("statement@test.local", "40", 1, "promo");
    await spend(client, accountId, 3);
    const month = billing.statements.currentMonth();
    const s = await billing.statements.statement(accountId, month);
    const balance = (await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).balanceMicrocredits;
    expect(s.openingMicrocredits).toBe(0n);
    expect(s.closingMicrocredits).toBe(balance);
    expect(s.usage).toEqual([{ model: "metered", calls: 3, promptTokens: 30, completionTokens: 27, images: 0, audioMs: 0, characters: 0, videoMs: 0, microcredits: 105_000_000n }]);
    expect(s.movements.map((m) => [m.kind, m.note, m.microcredits])).toEqual([
      ["grant", "welcome", 15_000_000_000n],
      ["grant", "promo", 40_000_000n],
    ]);
    const moved = s.movements.reduce((sum, m) => sum + m.microcredits, 0n);
    expect(s.openingMicrocredits + s.topUpMicrocredits - s.usageMicrocredits + moved).toBe(s.closingMicrocredits);

    // next month opens with this month's closing balance
    const [y, m] = month.split("-").map(Number) as [number, number];
    const next = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, "0")}`;
    expect((await billing.statements.statement(accountId, next)).openingMicrocredits).toBe(balance);

    // the CSV, for the key's owner only: the account comes from the caller, never from the request
    const res = await fetch(`${f.hub.url}/api/me/statement?month=${month}&account=someone-else`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const csv = await res.text();
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows[0]).toMatchObject({ section: "opening_balance", credits: "0" });
    expect(rows.find((r) => r.section === "usage")).toMatchObject({ item: "metered", quantity: "3", credits: "-105" });
    expect(rows.at(-1)).toMatchObject({ section: "closing_balance", item: "statement@test.local", credits: "14935" });

    // the operator CLI prints the same CSV, and the same lines as text
    const fromCli = await runCli(["credits", "statement", "--user", "statement@test.local", "--month", month, "--csv"], f.env);
    expect(fromCli.code, fromCli.stderr).toBe(0);
    expect(fromCli.stdout.trimEnd()).toBe(csv.trimEnd());
    const text = await runCli(["credits", "statement", "--user", "statement@test.local", "--month", month], f.env);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`statement ${month} for statement@test.local`);
    expect(lines[1]).toMatch(/opening balance +0$/);
    expect(lines).toContainEqual(expect.stringMatching(/usage metered: 3 calls, 30\+27 tokens +-105$/));
    expect(lines).toContainEqual(expect.stringMatching(/grant promo +40$/));
    expect(lines.at(-1)).toMatch(/closing balance +14935$/);
  });

  it("says what each model's calls were metered in: tokens, audio seconds, characters, images and seconds of video", async () => {
    const email = "units@test.local";
    const { client, accountId } = await customer(email);
    await grant(email, "200000", undefined, "welcome");
    const add = (input: Parameters<typeof f.lib.addModel>[0]) => f.lib.addModel(input, "test");
    await add({ name: "whisper", provider: "fake", upstreamModel: "whisper-1", type: "transcription", audioUsdPerMinute: "0.006" });
    await add({ name: "tts", provider: "fake", upstreamModel: "tts-1", type: "speech", charactersUsdPer1M: "15" });
    await add({ name: "painter", provider: "fake", upstreamModel: "gpt-image-1", type: "image", imageUsd: "0.04" });
    await eventually(() => f.client.models.retrieve("painter"), 5000);

    // a chat call (35 credits), a transcription of 3.5 s that the upstream reports as 4 s (400 credits), 44 characters
    // spoken (660 credits) and an image (40,000 credits)
    await spend(client, accountId, 1);
    const transcribed = await client.audio.transcriptions.create({ file: await toFile(wavFile(3.5), "a.wav", { type: "audio/wav" }), model: "whisper" }).withResponse();
    const spoken = await client.audio.speech.create({ model: "tts", input: "The hub streams this sentence back as audio.", voice: "alloy" });
    await spoken.arrayBuffer();
    const painted = await client.images.generate({ model: "painter", prompt: "a red square" }).withResponse();
    for (const headers of [transcribed.response.headers, spoken.headers, painted.response.headers]) await f.usageEvent(headers.get("x-request-id")!, 10_000);
    // and a video of 8.25 s at $0.01 a second (8,250 credits), booked as the video gateway books its jobs
    const { writeUsageBatch } = await import("@/lib/billing/usage-writer");
    const [template] = syntheticUsage({ count: 1, from: new Date(Date.now() - 60_000), spanMinutes: 1, models: ["sora-2"] });
    const requestId = randomUUID();
    const user = await f.db.user.findUniqueOrThrow({ where: { email } });
    await writeUsageBatch([
      {
        event: { ...template!.event, requestId, userId: user.id, teamId: null, apiKeyId: null, requestedModel: "sora-2", status: 200, videoMs: 8_250, costNanoUsd: 82_500_000n, chargeMicrocredits: 8_250_000_000n },
        settlement: { requestId, accountId, chargeMicrocredits: 8_250_000_000n, budgets: [], costNanoUsd: 82_500_000n, startedAt: new Date() },
      },
    ]);
    await eventually(async () => {
      expect(await f.db.creditTransaction.count({ where: { accountId, kind: "usage" } })).toBe(5);
      expect((await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).heldMicrocredits).toBe(0n);
    }, 10_000);
    await expectReconciled();

    const month = billing.statements.currentMonth();
    const s = await billing.statements.statement(accountId, month);
    const none = { images: 0, audioMs: 0, characters: 0, videoMs: 0 };
    expect(s.usage).toMatchObject([
      { model: "painter", calls: 1, ...none, images: 1, microcredits: 40_000_000_000n },
      { model: "sora-2", calls: 1, ...none, promptTokens: 0, completionTokens: 0, videoMs: 8_250, microcredits: 8_250_000_000n },
      { model: "tts", calls: 1, ...none, characters: 44, microcredits: 660_000_000n },
      { model: "whisper", calls: 1, ...none, audioMs: 4_000, microcredits: 400_000_000n },
      { model: "metered", calls: 1, ...none, promptTokens: 10, completionTokens: 9, microcredits: 35_000_000n },
    ]);
    expect(s.closingMicrocredits).toBe((await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } })).balanceMicrocredits);

    // the CSV keeps its columns and adds the units after them, on the usage rows
    const csv = (await runCli(["credits", "statement", "--user", email, "--month", month, "--csv"], f.env)).stdout;
    expect(csv.split("\n")[0]).toBe("section,date,item,quantity,credits,input_tokens,output_tokens,images,audio_seconds,characters,video_seconds");
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    const usage = (item: string) => {
      const row = rows.find((r) => r.section === "usage" && r.item === item)!;
      return [row.quantity, row.credits, row.input_tokens, row.output_tokens, row.images, row.audio_seconds, row.characters, row.video_seconds];
    };
    expect(usage("whisper")).toEqual(["1", "-400", "0", "0", "0", "4", "0", "0"]);
    expect(usage("tts").slice(4)).toEqual(["0", "0", "44", "0"]);
    expect(usage("painter").slice(4)).toEqual(["1", "0", "0", "0"]);
    expect(usage("sora-2")).toEqual(["1", "-8250", "0", "0", "0", "0", "0", "8.25"]);
    expect(usage("metered")).toEqual(["1", "-35", "10", "9", "0", "0", "0", "0"]);
    expect(rows[0]).toMatchObject({ section: "opening_balance", input_tokens: "", video_seconds: "" });

    // the operator's text says it the way the usage pages do
    const text = (await runCli(["credits", "statement", "--user", email, "--month", month], f.env)).stdout;
    expect(text).toMatch(/usage whisper: 1 calls, 4 s audio +-400\n/);
    expect(text).toMatch(/usage tts: 1 calls, (\d+\+\d+ tokens, )?44 characters +-660\n/);
    expect(text).toMatch(/usage painter: 1 calls, (\d+\+\d+ tokens, )?1 image +-40000\n/);
    expect(text).toMatch(/usage sora-2: 1 calls, 8\.3 s video +-8250\n/);
    expect(text).toMatch(/usage metered: 1 calls, 10\+9 tokens +-35\n/);

    // and the statement page, in English and Chinese: the tokens in their columns, the other units beside them
    const web = new WebClient(f.hub.url);
    expect((await web.signIn("admin@test.local", "admin-password-1")).ok).toBe(true);
    const units = async (language: string) => {
      const page = await web.fetch(`/admin/credits/statement?account=${accountId}&month=${month}`, { headers: { "accept-language": language } });
      expect(page.status).toBe(200);
      return [...(await page.text()).matchAll(/data-testid="usage-units">([^<]*)</g)].map((m) => m[1]);
    };
    expect(await units("en")).toEqual(["1 image", "8.3 s video", "44 characters", "4 s audio", "—"]);
    expect(await units("zh-CN")).toEqual(["1 张图片", "8.3 秒视频", "44 个字符", "4 秒音频", "—"]);
  });

  it("answers a bad month and a caller without an account in the API's error shape", async () => {
    const bad = await fetch(`${f.hub.url}/api/me/statement?month=2026-13`, { headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(bad.status, `${bad.url} ${await bad.clone().text()}`.slice(0, 600)).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("month");
    const none = await fetch(`${f.hub.url}/api/me/statement?month=2026-11`, { headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(none.status).toBe(404);
    const anonymous = await fetch(`${f.hub.url}/api/me/statement?month=2026-11`);
    expect(anonymous.status).toBe(401);

    // the CLI: a bad month, and someone with no account, are one-line refusals
    const badMonth = await runCli(["credits", "statement", "--user", "statement@test.local", "--month", "2026-13"], f.env);
    expect([badMonth.code, badMonth.stderr.trim()]).toEqual([1, "error: --month must be a month like 2026-11"]);
    await f.lib.createUser({ email: "no-account@test.local", role: "member" }, "test");
    const noAccount = await runCli(["credits", "statement", "--user", "no-account@test.local"], f.env);
    expect([noAccount.code, noAccount.stderr.trim()]).toEqual([1, "error: no-account@test.local has no credit account"]);
  });
});
