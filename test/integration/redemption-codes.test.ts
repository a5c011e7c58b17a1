import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { sessionCookie, WebClient } from "../helpers/web-client";

// Redemption codes end to end, on the real server and database: an operator mints codes (the admin
// functions, the admin page's actions), customers redeem them (POST /api/billing/redeem with their
// key, the billing page's action with their session). Every redemption is one ledger entry with an
// expiring grant; races between redemptions are settled by the database; the ledger reconciles after
// every flow.

let f: HubFixture;
let codes: typeof import("@/lib/admin/codes");
let reconcileLedger: typeof import("@/lib/billing/reconcile").reconcileLedger;
const ADMIN = { email: "admin@test.local", password: "admin-password-1" };
/** few enough failures to reach in a test; the race's losers count as failures too */
const FAILED_ATTEMPTS = 12;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_CODE_REDEEM_LIMIT_USER: `${FAILED_ATTEMPTS}/10m` } });
  await f.lib.setMode("service_provider", "test");
  codes = await import("@/lib/admin/codes");
  ({ reconcileLedger } = await import("@/lib/billing/reconcile"));
}, 60_000);

afterAll(async () => {
  await f?.close();
});

let customers = 0;
/** A new customer with a hub key (and a password, for the web UI). */
async function customer(options: { team?: string } = {}) {
  const email = `customer-${++customers}@test.local`;
  const user = await f.lib.createUser({ email, role: "member", password: "customer-password-1" }, "test");
  if (options.team) await f.lib.joinTeam(email, options.team, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  return { email, id: user.id, key: secret };
}

type Answer = { status: number; body: { credits?: string; creditsExpireAt?: string | null; error?: { code: string; message: string } }; replayed: boolean; retryAfter: string | null };

async function redeem(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${f.hub.url}/api/billing/redeem`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer["body"], replayed: res.headers.get("idempotent-replayed") === "true", retryAfter: res.headers.get("retry-after") };
}

const mint = async (input: Parameters<typeof codes.mintCodes>[0]) => (await codes.mintCodes(input, "test")).codes;
const mintOne = async (input: Partial<Parameters<typeof codes.mintCodes>[0]> = {}) => (await mint({ amount: "100", ...input }))[0]!;

async function accountOf(owner: { userId: string } | { teamId: string }) {
  return f.db.creditAccount.findUniqueOrThrow({ where: owner, include: { transactions: true, grants: true } });
}

const codeRow = (id: string) => f.db.redemptionCode.findUniqueOrThrow({ where: { id } });

async function expectLedgerReconciles() {
  expect(await reconcileLedger()).toEqual([]);
}

describe("minting", () => {
  it("mints one code, returned once: the hub keeps only its hash and prefix", async () => {
    const [minted] = await mint({ amount: "500", note: "welcome" });
    expect(minted!.code).toMatch(/^HUB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    const row = await codeRow(minted!.id);
    expect(row).toMatchObject({ prefix: minted!.code.slice(0, 8), batch: null, amountMicrocredits: 500_000_000n, maxUses: 1, uses: 0, perCustomerLimit: 1, note: "welcome", createdById: "test" });
    expect(row.hash).toBe(createHash("sha256").update(minted!.code.replace(/^HUB-/, "").replaceAll("-", "")).digest("hex"));
    expect(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(minted!.code.slice(4));
  });

  it("mints a batch of distinct codes alike, with one audit entry that holds none of them", async () => {
    const batch = await mint({ amount: "25", count: 50, batch: "spring-promo", maxUses: 3, perCustomerLimit: 1, creditExpiryDays: 14 });
    expect(new Set(batch.map((c) => c.code)).size).toBe(50);
    const rows = await f.db.redemptionCode.findMany({ where: { batch: "spring-promo" } });
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.amountMicrocredits === 25_000_000n && r.maxUses === 3 && r.creditExpiryDays === 14)).toBe(true);
    const entry = await f.db.auditLog.findFirstOrThrow({ where: { action: "code.mint", target: "spring-promo" } });
    expect(JSON.parse(entry.details)).toMatchObject({ count: 50, amount: "25", batch: "spring-promo" });
    for (const { code } of batch) expect(entry.details).not.toContain(code.slice(4));
  });

  it("refuses what cannot be minted", async () => {
    await expect(mint({ amount: "0" })).rejects.toThrow(/greater than zero/);
    await expect(mint({ amount: "10", count: 1001 })).rejects.toThrow(/at most 1000/);
    await expect(mint({ amount: "10", maxUses: 2, perCustomerLimit: 3 })).rejects.toThrow(/cannot exceed/);
    await expect(mint({ amount: "10", expiresAt: new Date(Date.now() - 1000) })).rejects.toThrow(/future/);
  });
});

describe("redeeming", () => {
  it("books the code's credits once, as a grant that expires the given days after redemption", async () => {
    const buyer = await customer();
    const { id, code } = await mintOne({ amount: "250", creditExpiryDays: 30 });
    // typed by hand: lower case, spaces instead of dashes
    const answer = await redeem(buyer.key, { code: `  ${code.toLowerCase().replaceAll("-", " ")} ` });
    expect(answer).toMatchObject({ status: 200, body: { credits: "250" } });
    expect(Math.abs(new Date(answer.body.creditsExpireAt!).getTime() - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);

    const account = await accountOf({ userId: buyer.id });
    expect(account.balanceMicrocredits).toBe(250_000_000n);
    expect(account.transactions).toEqual([expect.objectContaining({ kind: "code", amountMicrocredits: 250_000_000n, reference: `code:${id}:${account.id}:1`, createdById: buyer.email })]);
    expect(account.transactions[0]!.note).toMatch(new RegExp(`^Code ${code.slice(0, 8)}…; credits expire \\d{4}-\\d{2}-\\d{2}$`));
    expect(account.grants).toEqual([expect.objectContaining({ kind: "code", remainingMicrocredits: 250_000_000n, expiresAt: new Date(answer.body.creditsExpireAt!) })]);
    expect(await codeRow(id)).toMatchObject({ uses: 1 });
    expect(await f.db.codeRedemption.findMany({ where: { codeId: id } })).toEqual([expect.objectContaining({ accountId: account.id, userId: buyer.id, ordinal: 1 })]);
    await expectLedgerReconciles();

    // the credits are spendable at once
    const { response } = await new (await import("openai")).default({ baseURL: f.hub.baseURL, apiKey: buyer.key, maxRetries: 0 }).chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "paid with a code" }], max_tokens: 16 })
      .withResponse();
    await f.usageEvent(response.headers.get("x-request-id")!, 10_000);
  });

  it("grants credits that never expire when the code says nothing", async () => {
    const buyer = await customer();
    const answer = await redeem(buyer.key, { code: (await mintOne()).code });
    expect(answer.body).toEqual({ credits: "100", creditsExpireAt: null });
    expect((await accountOf({ userId: buyer.id })).grants).toEqual([expect.objectContaining({ expiresAt: null })]);
    await expectLedgerReconciles();
  });

  it("refuses unknown, disabled, expired and used-up codes with messages a customer can act on, booking nothing", async () => {
    const buyer = await customer();
    const disabled = await mintOne();
    await codes.disableCode(disabled.id, "test");
    const expired = await mintOne({ expiresAt: new Date(Date.now() + 60_000) });
    await f.db.redemptionCode.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const usedUp = await mintOne();
    expect((await redeem((await customer()).key, { code: usedUp.code })).status).toBe(200);

    const refusals = {
      "HUB-2222-3333-4444": { code: "invalid_code", message: "This code is not valid." },
      // a disabled code reads like one that never existed
      [disabled.code]: { code: "invalid_code", message: "This code is not valid." },
      [expired.code]: { code: "code_expired", message: "This code has expired." },
      [usedUp.code]: { code: "code_used_up", message: "This code has already been used up." },
    };
    for (const [code, error] of Object.entries(refusals)) {
      const answer = await redeem(buyer.key, { code });
      expect(answer.status, code).toBe(400);
      expect(answer.body.error).toMatchObject({ type: "invalid_request_error", param: "code", ...error });
    }
    expect(await f.db.creditAccount.findUnique({ where: { userId: buyer.id }, include: { transactions: true } })).toSatisfy((a: { transactions: unknown[] } | null) => !a || a.transactions.length === 0);
    expect((await Promise.all([disabled, expired, usedUp].map((c) => codeRow(c.id)))).map((c) => c.uses)).toEqual([0, 0, 1]);
    await expectLedgerReconciles();
  });

  it("holds each customer to the per-customer limit, while others still redeem", async () => {
    const [first, second] = [await customer(), await customer()];
    const { id, code } = await mintOne({ maxUses: 10, perCustomerLimit: 2 });
    expect((await redeem(first.key, { code })).status).toBe(200);
    expect((await redeem(first.key, { code })).status).toBe(200);
    expect((await redeem(first.key, { code })).body.error).toMatchObject({ code: "code_already_redeemed", message: "You have already redeemed this code." });
    expect((await redeem(second.key, { code })).status).toBe(200);
    expect(await codeRow(id)).toMatchObject({ uses: 3 });
    expect((await accountOf({ userId: first.id })).balanceMicrocredits).toBe(200_000_000n);
    await expectLedgerReconciles();
  });

  it("credits a pooling team's account when one of its members redeems (the limit is the team's)", async () => {
    const team = await f.lib.createTeam({ name: "pooled-redeemers", poolCredits: true }, "test");
    const [alice, bob] = [await customer({ team: team.name }), await customer({ team: team.name })];
    const { code } = await mintOne({ amount: "40", maxUses: 5, perCustomerLimit: 1 });
    expect((await redeem(alice.key, { code })).status).toBe(200);
    expect((await redeem(bob.key, { code })).body.error).toMatchObject({ code: "code_already_redeemed" });
    expect((await accountOf({ teamId: team.id })).balanceMicrocredits).toBe(40_000_000n);
    expect(await f.db.creditAccount.findUnique({ where: { userId: alice.id } })).toBeNull();
    await expectLedgerReconciles();
  });
});

describe("races", () => {
  it("gives a one-use code to exactly one of 20 customers redeeming it at once", async () => {
    const racers = await Promise.all(Array.from({ length: 20 }, () => customer()));
    const { id, code } = await mintOne({ amount: "75" });
    const answers = await Promise.all(racers.map((r) => redeem(r.key, { code })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error?.code)).toEqual(Array(19).fill("code_used_up"));
    expect(await codeRow(id)).toMatchObject({ uses: 1 });
    expect(await f.db.creditTransaction.count({ where: { reference: { startsWith: `code:${id}:` } } })).toBe(1);
    await expectLedgerReconciles();
  });

  it("gives a customer one redemption of a once-per-customer code, however many they send at once", async () => {
    const eager = await customer();
    const { id, code } = await mintOne({ amount: "60", maxUses: 100, perCustomerLimit: 1 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => redeem(eager.key, { code })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error?.code)).toEqual(Array(9).fill("code_already_redeemed"));
    expect(await codeRow(id)).toMatchObject({ uses: 1 });
    expect((await accountOf({ userId: eager.id })).balanceMicrocredits).toBe(60_000_000n);
    await expectLedgerReconciles();
  });
});

describe("retries", () => {
  it("answers a retried request with the same Idempotency-Key from the first answer, booking once", async () => {
    const buyer = await customer();
    const { id, code } = await mintOne({ maxUses: 5, perCustomerLimit: 5 });
    const first = await redeem(buyer.key, { code }, { "idempotency-key": "redeem-once-1" });
    const retry = await redeem(buyer.key, { code }, { "idempotency-key": "redeem-once-1" });
    expect(first).toMatchObject({ status: 200, replayed: false });
    expect(retry).toMatchObject({ status: 200, replayed: true, body: first.body });
    expect(await codeRow(id)).toMatchObject({ uses: 1 });
    // the same key for another request is refused; a new key is a new redemption
    expect((await redeem(buyer.key, { code: "HUB-2222-3333-4444" }, { "idempotency-key": "redeem-once-1" })).body.error).toMatchObject({ code: "idempotency_key_reused" });
    expect((await redeem(buyer.key, { code }, { "idempotency-key": "redeem-once-2" })).status).toBe(200);
    expect((await accountOf({ userId: buyer.id })).transactions).toHaveLength(2);
    await expectLedgerReconciles();
  });

  it("never books a once-per-customer code twice for a retry without a key", async () => {
    const buyer = await customer();
    const { code } = await mintOne({ maxUses: 5 });
    expect((await redeem(buyer.key, { code })).status).toBe(200);
    expect((await redeem(buyer.key, { code })).body.error).toMatchObject({ code: "code_already_redeemed" });
    expect((await accountOf({ userId: buyer.id })).transactions).toHaveLength(1);
    await expectLedgerReconciles();
  });
});

describe("guessing", () => {
  it(`stops a customer after ${FAILED_ATTEMPTS} failed attempts, a valid code included`, async () => {
    const guesser = await customer();
    for (let i = 0; i < FAILED_ATTEMPTS; i++) expect((await redeem(guesser.key, { code: `HUB-2222-3333-444${"ABCDEFGHJKLMNPQRSTUVWXYZ"[i]}` })).status).toBe(400);
    const { id, code } = await mintOne();
    const throttled = await redeem(guesser.key, { code });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error).toMatchObject({ code: "too_many_attempts", message: expect.stringMatching(/^Too many attempts; try again in \d+ minutes?\.$/) });
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0);
    expect(await codeRow(id)).toMatchObject({ uses: 0 });
  });

  it("does not count codes that were redeemed", async () => {
    const collector = await customer();
    const batch = await mint({ amount: "1", count: FAILED_ATTEMPTS + 3 });
    for (const { code } of batch) expect((await redeem(collector.key, { code })).status).toBe(200);
    expect((await accountOf({ userId: collector.id })).balanceMicrocredits).toBe(BigInt(FAILED_ATTEMPTS + 3) * 1_000_000n);
    await expectLedgerReconciles();
  });
});

describe("authorization", () => {
  it("redeems into the caller's own account whatever account the body names", async () => {
    const [attacker, victim] = [await customer(), await customer()];
    await f.lib.grantCredits({ userEmail: victim.email, amount: "1" }, "test");
    const victimAccount = await accountOf({ userId: victim.id });
    const { code } = await mintOne();
    const answer = await redeem(attacker.key, { code, accountId: victimAccount.id, userId: victim.id, teamId: "x" });
    expect(answer.status).toBe(200);
    expect((await accountOf({ userId: victim.id })).balanceMicrocredits).toBe(1_000_000n);
    expect((await accountOf({ userId: attacker.id })).balanceMicrocredits).toBe(100_000_000n);
    await expectLedgerReconciles();
  });

  it("refuses anonymous callers and another site's pages", async () => {
    const { code } = await mintOne();
    const anonymous = await fetch(`${f.hub.url}/api/billing/redeem`, { method: "POST", headers: { origin: f.hub.url, "content-type": "application/json" }, body: JSON.stringify({ code }) });
    expect(anonymous.status).toBe(401);
    const member = await customer();
    const cookie = await sessionCookie(f.hub.url, member.email, "customer-password-1");
    const crossSite = await fetch(`${f.hub.url}/api/billing/redeem`, { method: "POST", headers: { cookie, origin: "https://evil.example", "content-type": "application/json" }, body: JSON.stringify({ code }) });
    expect(crossSite.status).toBe(403);
    expect(await f.db.redemptionCode.findFirstOrThrow({ where: { hash: createHash("sha256").update(code.slice(4).replaceAll("-", "")).digest("hex") } })).toMatchObject({ uses: 0 });
  });

  it("keeps minting and listing codes from members: the admin API, the page and its actions", async () => {
    const member = await customer();
    for (const [method, path] of [["GET", "/codes"], ["POST", "/codes"]] as const) {
      const res = await fetch(`${f.hub.url}/api/admin/v1${path}`, { method, headers: { authorization: `Bearer ${member.key}`, "content-type": "application/json" }, ...(method === "POST" ? { body: JSON.stringify({ amount: "1000000" }) } : {}) });
      expect(res.status).toBe(401);
    }
    const web = new WebClient(f.hub.url);
    expect((await web.signIn(member.email, "customer-password-1")).ok).toBe(true);
    expect((await web.fetch("/admin/credits/codes")).status).toBe(403);
    const before = await f.db.redemptionCode.count();
    await expect(web.action("/admin/credits/codes", "app/admin/credits/codes/actions.ts", "mintCodesAction", { amount: "1000000" })).rejects.toThrow(/answered 403/);
    expect(await f.db.redemptionCode.count()).toBe(before);
  });
});

describe("the web UI", () => {
  it("lets an admin mint a batch on the codes page, shown once, and a customer redeem one on the billing page", async () => {
    const admin = new WebClient(f.hub.url);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).ok).toBe(true);
    const minted = await admin.action<{ ok: string; secrets: string[] }>("/admin/credits/codes", "app/admin/credits/codes/actions.ts", "mintCodesAction", { amount: "30", count: "3", batch: "web-batch", creditExpiryDays: "7" });
    expect(minted.ok).toBe("Minted 3 codes in web-batch");
    expect(minted.secrets).toHaveLength(3);
    expect(await f.db.auditLog.findFirstOrThrow({ where: { action: "code.mint", target: "web-batch" } })).toMatchObject({ source: "page", actor: ADMIN.email });
    const page = await (await admin.fetch("/admin/credits/codes?batch=web-batch")).text();
    expect(page).toContain("web-batch");
    for (const code of minted.secrets) {
      expect(page).toContain(code.slice(0, 8));
      expect(page).not.toContain(code.slice(9));
    }

    const buyer = await customer();
    const web = new WebClient(f.hub.url);
    expect((await web.signIn(buyer.email, "customer-password-1")).ok).toBe(true);
    expect(await (await web.fetch("/billing")).text()).toContain("Redeem a code");
    const redeemed = await web.action("/billing", "lib/ui/redeem-code-action.ts", "redeemCodeAction", { code: minted.secrets[0]! });
    expect(redeemed).toEqual({ ok: expect.stringMatching(/^Redeemed 30 credits; they expire on \d{4}-\d{2}-\d{2}$/) });
    expect(await web.action("/billing", "lib/ui/redeem-code-action.ts", "redeemCodeAction", { code: minted.secrets[0]! })).toEqual({ error: "You have already redeemed this code." });
    expect((await accountOf({ userId: buyer.id })).balanceMicrocredits).toBe(30_000_000n);

    const disabled = await admin.action<{ ok: string }>("/admin/credits/codes", "app/admin/credits/codes/actions.ts", "disableBatchAction", { batch: "web-batch" });
    expect(disabled.ok).toBe("Disabled 3 codes of web-batch");
    expect(await web.action("/billing", "lib/ui/redeem-code-action.ts", "redeemCodeAction", { code: minted.secrets[1]! })).toEqual({ error: "This code is not valid." });
    await expectLedgerReconciles();
  });
});
