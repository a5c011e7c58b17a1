import OpenAI from "openai";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStripe, type FakeStripe, type StripeEvent } from "../fakes/stripe-api";
import { runCli } from "../helpers/cli";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Service Provider money flows against a fake Stripe speaking Stripe's wire format (the real `stripe`
// SDK in the hub): auto-recharge with a saved card, declines and authentication requests, refunds
// (from the hub, from Stripe's dashboard, partial), disputes, receipts and invoices. The races a
// real deployment meets — the same webhook twice, two crossings at once — are played out, and the
// ledger is reconciled after every flow.

let f: HubFixture;
let stripe: FakeStripe;
let lib: {
  recharge: typeof import("@/lib/billing/auto-recharge");
  reconcile: typeof import("@/lib/billing/reconcile");
  payments: typeof import("@/lib/admin/payments");
  codes: typeof import("@/lib/admin/codes");
  expiry: typeof import("@/lib/billing/expiry");
  statements: typeof import("@/lib/billing/statements");
};
const webhookSecret = "whsec_test_flows_0123456789";
const signer = new Stripe("sk_test_unused");
let packageId: string;

beforeAll(async () => {
  stripe = await startFakeStripe();
  f = await startHubFixture({ env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: stripe.url } });
  await f.lib.setMode("service_provider", "test");
  // 10 prompt + 9 completion tokens at $1 / $2 per 1M, +25 %: 35 credits a call
  await f.lib.addModel({ name: "metered", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "2", marginPercent: "25" }, "test");
  packageId = (await f.lib.addPackage({ name: "Ten dollars", price: "10", credits: "10000" }, "test")).id;
  lib = {
    recharge: await import("@/lib/billing/auto-recharge"),
    reconcile: await import("@/lib/billing/reconcile"),
    payments: await import("@/lib/admin/payments"),
    codes: await import("@/lib/admin/codes"),
    expiry: await import("@/lib/billing/expiry"),
    statements: await import("@/lib/billing/statements"),
  };
  await eventually(() => f.client.models.retrieve("metered"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
  await stripe?.close();
});

async function deliver(event: StripeEvent) {
  const payload = JSON.stringify(event);
  const res = await fetch(`${f.hub.url}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) },
    body: payload,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { received: true; outcome: string };
}

async function customer(email: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  const user = await f.db.user.findUniqueOrThrow({ where: { email } });
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${f.hub.url}${path}`, { ...init, headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...init.headers } });
  return { email, userId: user.id, secret, call, client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }) };
}

type Customer = Awaited<ReturnType<typeof customer>>;

const accountOf = async (c: Customer) => f.db.creditAccount.findUniqueOrThrow({ where: { userId: c.userId } });
const balanceOf = async (c: Customer) => (await accountOf(c)).balanceMicrocredits;
const credits = (n: number) => BigInt(n) * 1_000_000n;

async function expectReconciled() {
  expect(await lib.reconcile.reconcileLedger()).toEqual([]);
}

/** The customer buys the package through Checkout and Stripe's webhook credits it. */
async function buy(c: Customer) {
  const res = await c.call("/api/billing/checkout", { method: "POST", body: JSON.stringify({ packageId }) });
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };
  expect(await deliver(stripe.pay(id))).toMatchObject({ outcome: "credited" });
  return f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: id } });
}

/** Saves a card through Checkout in setup mode; `card` picks how the test card behaves when charged. */
async function saveCard(c: Customer, card: Parameters<FakeStripe["completeSetup"]>[1]) {
  const res = await c.call("/api/billing/card-setup", { method: "POST" });
  expect(res.status).toBe(200);
  const { id, url } = (await res.json()) as { id: string; url: string };
  expect(url).toContain(id);
  expect(stripe.sessions.get(id)).toMatchObject({ mode: "setup" });
  expect(await deliver(stripe.completeSetup(id, card))).toMatchObject({ outcome: "applied" });
}

async function autoRecharge(c: Customer, thresholdCredits: string, enabled = true) {
  const res = await c.call("/api/billing/auto-recharge", { method: "POST", body: JSON.stringify({ enabled, thresholdCredits, packageId }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** One small call (its hold is small: 20 output tokens at most), waited for until its charge is booked. */
async function callOnce(c: Customer) {
  const { response } = await c.client.chat.completions.create({ model: "metered", max_tokens: 20, messages: [{ role: "user", content: "charge me" }] }).withResponse();
  const requestId = response.headers.get("x-request-id")!;
  await f.usageEvent(requestId, 10_000);
  await eventually(async () => expect(await f.db.creditTransaction.findUnique({ where: { reference: `usage:${requestId}` } })).not.toBeNull(), 10_000);
}

const intentsOf = (customerId: string | null) => [...stripe.paymentIntents.values()].filter((pi) => pi.customer === customerId);
/** The charge a paid top-up made. */
const chargeOf = (paymentIntentId: string) => stripe.paymentIntents.get(paymentIntentId)!.latest_charge as string;

describe("auto-recharge", () => {
  it("saves a card, and charges it once, off-session, when a call takes the balance below the threshold", async () => {
    const c = await customer("recharge@test.local");
    await f.lib.grantCredits({ userEmail: c.email, amount: "120", note: "seed" }, "test");
    expect((await autoRecharge(c, "100")).status).toBe(400); // no card yet
    await saveCard(c, "ok");
    const saved = await f.db.autoRecharge.findUniqueOrThrow({ where: { accountId: (await accountOf(c)).id } });
    expect(saved.cardLabel).toMatch(/•••• \d{4}$/);
    expect(saved.paymentMethodId).toMatch(/^pm_/);
    expect((await autoRecharge(c, "100")).body).toMatchObject({ autoRecharge: { enabled: true, threshold: "100", card: saved.cardLabel } });

    await callOnce(c); // 120 - 35 = 85: below 100
    const account = await accountOf(c);
    await eventually(async () => expect(await balanceOf(c)).toBe(credits(85 + 10_000)), 15_000);
    const intents = intentsOf(account.stripeCustomerId);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ amount: 1000, currency: "usd", payment_method: saved.paymentMethodId, status: "succeeded" });
    const payment = await f.db.payment.findFirstOrThrow({ where: { accountId: account.id, kind: "recharge" } });
    expect(payment).toMatchObject({ status: "paid", openFor: null, stripePaymentIntentId: intents[0]!.id });
    expect(stripe.createdBy.get(intents[0]!.id)?.idempotency_key).toBe(`recharge:${payment.id}`);

    // Stripe's own event for the same charge credits nothing more, however often it arrives
    await deliver(stripe.paymentIntentEvent(intents[0]!.id, "payment_intent.succeeded"));
    await deliver(stripe.paymentIntentEvent(intents[0]!.id, "payment_intent.succeeded"));
    expect(await balanceOf(c)).toBe(credits(85 + 10_000));
    // the receipt and the invoice links arrive with the receipt job
    await eventually(async () => expect((await f.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).receiptUrl).toMatch(/^https:\/\//), 10_000);
    await expectReconciled();
  });

  it("charges once for two crossings noticed at once, and at most the day's limit", async () => {
    const c = await customer("racer@test.local");
    await f.lib.grantCredits({ userEmail: c.email, amount: "6000", note: "seed" }, "test");
    await saveCard(c, "ok");
    expect((await autoRecharge(c, "5000")).status).toBe(200);
    const account = await accountOf(c);
    const charges = () => intentsOf(account.stripeCustomerId).length;
    await f.lib.grantCredits({ userEmail: c.email, amount: "-2000", kind: "adjustment", note: "spent elsewhere" }, "test");
    // 4000 < 5000: eight charge jobs and two sweeps notice the crossing together (the hub's own
    // sweep may be one more racer)
    const outcomes = await Promise.all([...Array.from({ length: 8 }, () => lib.recharge.chargeAutoRecharge(account.id)), lib.recharge.sweepAutoRecharge(), lib.recharge.sweepAutoRecharge()]);
    expect(outcomes.filter((o) => o === "charged").length).toBeLessThanOrEqual(1);
    await eventually(async () => expect(await balanceOf(c)).toBe(credits(14_000)), 10_000);
    expect(charges()).toBe(1);

    // more crossings the same day: each charges once, up to auto-recharge-max-per-day
    await f.lib.setSetting("auto-recharge-max-per-day", "2", "test");
    try {
      for (let crossing = 0; crossing < 3; crossing++) {
        await lib.recharge.sweepAutoRecharge(); // above the threshold: armed again
        await f.lib.grantCredits({ userEmail: c.email, amount: "-10000", kind: "adjustment", note: "spent elsewhere" }, "test");
        await lib.recharge.chargeAutoRecharge(account.id);
      }
      expect(charges()).toBe(2);
      expect(await f.db.payment.count({ where: { accountId: account.id, kind: "recharge", status: "paid" } })).toBe(2);
    } finally {
      await f.lib.setSetting("auto-recharge-max-per-day", "3", "test");
    }
    await expectReconciled();
  });

  it("tells the customer about a declined card, and turns itself off after the failures allowed", async () => {
    const c = await customer("declined@test.local");
    await saveCard(c, "declined");
    await f.lib.setSetting("auto-recharge-max-failures", "2", "test");
    try {
      // turned on below the threshold (the balance is 0): the hub charges at once, and the card is declined
      expect((await autoRecharge(c, "50")).status).toBe(200);
      const account = await accountOf(c);
      const { value: failed } = await eventually(() => f.db.payment.findFirstOrThrow({ where: { accountId: account.id, kind: "recharge", status: "failed" } }), 10_000);
      expect(failed).toMatchObject({ status: "failed", openFor: null });
      expect(failed.failureMessage).toMatch(/declined/i);
      expect(await f.db.autoRecharge.findUniqueOrThrow({ where: { accountId: account.id } })).toMatchObject({ enabled: true, failures: 1 });
      // the customer is e-mailed (their own alert) and the operator's channels hear of it
      await eventually(async () => expect(await f.db.alertDelivery.findFirst({ where: { userId: c.userId, event: "recharge.failed" } })).not.toBeNull(), 10_000);
      // no retry within the hour after a failure
      expect(await lib.recharge.chargeAutoRecharge(account.id)).toBe("skipped");
      await f.db.payment.update({ where: { id: failed.id }, data: { createdAt: new Date(Date.now() - 2 * 3_600_000) } });
      expect(await lib.recharge.chargeAutoRecharge(account.id)).toBe("failed");
      const off = await f.db.autoRecharge.findUniqueOrThrow({ where: { accountId: account.id } });
      expect(off).toMatchObject({ enabled: false, failures: 2 });
      expect(off.lastError).toMatch(/Turned off after 2 failed charges/);
      expect(await balanceOf(c)).toBe(0n);
      expect(intentsOf(account.stripeCustomerId).filter((pi) => pi.status === "succeeded")).toHaveLength(0);
    } finally {
      await f.lib.setSetting("auto-recharge-max-failures", "3", "test");
    }
    await expectReconciled();
  });

  it("asks the customer to confirm with their bank when the card needs authentication", async () => {
    const c = await customer("sca@test.local");
    await saveCard(c, "authentication_required");
    expect((await autoRecharge(c, "50")).status).toBe(200);
    const account = await accountOf(c);
    await eventually(async () => expect(await f.db.payment.findFirstOrThrow({ where: { accountId: account.id, kind: "recharge" } })).toMatchObject({ status: "requires_action", openFor: null }), 10_000);
    await eventually(async () => {
      const delivery = await f.db.alertDelivery.findFirstOrThrow({ where: { userId: c.userId, event: "recharge.failed" } });
      expect(JSON.parse(delivery.payload).data).toMatchObject({ needsAction: true, customer: c.email });
    }, 10_000);
    expect(await balanceOf(c)).toBe(0n);
  });

  it("is not for a team's pooled account", async () => {
    await f.lib.createTeam({ name: "pooled", poolCredits: true }, "test");
    const c = await customer("pool-member@test.local");
    await f.lib.joinTeam(c.email, "pooled", "test");
    await f.lib.grantCredits({ teamName: "pooled", amount: "10", note: "the team's account" }, "test");
    // the member's key now spends from the team's account (once the key cache sees the change)
    await eventually(async () => {
      const res = await c.call("/api/billing/card-setup", { method: "POST" });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/personal accounts/);
    }, 5000);
  });
});

describe("refunds and disputes", () => {
  it("takes back the credits of a refund in proportion, once, whoever refunds", async () => {
    const c = await customer("refund@test.local");
    const payment = await buy(c);
    expect(payment.stripePaymentIntentId).toMatch(/^pi_/);
    expect(await balanceOf(c)).toBe(credits(10_000));

    // an admin refunds $2.50 from the credits page
    await lib.payments.refundTopUp({ paymentId: payment.id, amountCents: 250, reason: "requested_by_customer", note: "asked nicely" }, "admin@test.local");
    expect(await balanceOf(c)).toBe(credits(7_500));
    // Stripe's charge.refunded for the same refund books nothing more
    const charge = chargeOf(payment.stripePaymentIntentId!);
    await deliver(stripe.refundEvent(charge));
    await deliver(stripe.refundEvent(charge));
    expect(await balanceOf(c)).toBe(credits(7_500));
    // the rest, refunded in Stripe's dashboard
    await deliver(stripe.refundFromDashboard(charge));
    expect(await balanceOf(c)).toBe(0n);
    expect(await f.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ refundedCents: 1000 });
    const entries = await f.db.creditTransaction.findMany({ where: { accountId: payment.accountId, kind: "topup_refund" }, orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => e.amountMicrocredits)).toEqual([credits(-2_500), credits(-7_500)]);
    expect(await f.db.auditLog.findFirst({ where: { action: "payment.refund", target: payment.id } })).toMatchObject({ actor: "admin@test.local" });
    // nothing is left to refund
    await expect(lib.payments.refundTopUp({ paymentId: payment.id, reason: "duplicate" }, "admin@test.local")).rejects.toThrow(/refunded in full/);
    await expectReconciled();
  });

  it("takes back a disputed payment's credits (the balance may go negative and calls are refused) and restores them when the dispute is won", async () => {
    const c = await customer("dispute@test.local");
    const payment = await buy(c);
    await f.lib.grantCredits({ userEmail: c.email, amount: "-9990", kind: "adjustment", note: "spent" }, "test");
    expect(await balanceOf(c)).toBe(credits(10));
    const opened = stripe.dispute(chargeOf(payment.stripePaymentIntentId!));
    await deliver(opened);
    await deliver(opened); // delivered twice
    expect(await balanceOf(c)).toBe(credits(10 - 10_000));
    const refused = await c.client.chat.completions.create({ model: "metered", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 402 });

    const disputeId = opened.data.object.id;
    await deliver(stripe.closeDispute(disputeId, "won"));
    await deliver(stripe.closeDispute(disputeId, "won"));
    expect(await balanceOf(c)).toBe(credits(10));
    expect(await f.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ disputedCents: 0 });
    await expectReconciled();
  });
});

describe("receipts and invoices", () => {
  it("opens Checkout for the account's Stripe customer with an invoice, and keeps the receipt and invoice links", async () => {
    const c = await customer("receipt@test.local");
    const payment = await buy(c);
    const session = stripe.sessions.get(payment.stripeSessionId!)!;
    expect(session).toMatchObject({ customer: (await accountOf(c)).stripeCustomerId, invoice_creation: { enabled: true } });
    await eventually(async () => {
      const stored = await f.db.payment.findUniqueOrThrow({ where: { id: payment.id } });
      expect(stored.receiptUrl).toMatch(/^https:\/\//);
      expect(stored.invoiceUrl).toMatch(/^https:\/\//);
    }, 10_000);
    // a second purchase reuses the same Stripe customer
    await buy(c);
    expect(new Set([...stripe.sessions.values()].filter((s) => s.metadata && (s.metadata as Record<string, string>).userId === c.userId).map((s) => s.customer)).size).toBe(1);
  });
});

describe("a customer's month on one statement", () => {
  it("lists a top-up, a partial refund, an auto-recharge, calls, a code, grants and an expiry, and opening + entries = closing", async () => {
    const c = await customer("seeded@test.local");
    await f.lib.grantCredits({ userEmail: c.email, amount: "50", note: "starter credits", expiresInDays: 30 }, "test");
    const payment = await buy(c); // $10: 10,000 credits
    for (let i = 0; i < 3; i++) await callOnce(c); // 3 × 35: the starter credits go first, as they expire
    const account = await accountOf(c);
    expect((await f.db.creditGrant.findMany({ where: { accountId: account.id, expiresAt: { not: null } } })).map((g) => g.remainingMicrocredits)).toEqual([0n]);

    await f.lib.grantCredits({ userEmail: c.email, amount: "20", note: "launch promotion", expiresInDays: 7 }, "test");
    const [code] = (await lib.codes.mintCodes({ amount: "250", note: "conference" }, "test")).codes;
    const redeemed = await c.call("/api/billing/redeem", { method: "POST", body: JSON.stringify({ code: code!.code }) });
    expect(redeemed.status, await redeemed.clone().text()).toBe(200);
    await lib.payments.refundTopUp({ paymentId: payment.id, amountCents: 500, reason: "requested_by_customer", note: "half back" }, "admin@test.local");
    // 50 + 10,000 − 105 + 20 + 250 − 5,000 = 5,215: below a 6,000 threshold, so turning auto-recharge on charges the card at once
    await saveCard(c, "ok");
    expect((await autoRecharge(c, "6000")).status).toBe(200);
    await eventually(async () => expect(await balanceOf(c)).toBe(credits(15_215)), 15_000);
    // the promotion's week passes
    await f.db.creditGrant.updateMany({ where: { accountId: account.id, expiresAt: { lt: new Date(Date.now() + 8 * 86_400_000) } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await lib.expiry.expireGrants()).toBe(1);
    expect(await balanceOf(c)).toBe(credits(15_195));
    await expectReconciled();

    const month = lib.statements.currentMonth();
    const s = await lib.statements.statement(account.id, month);
    expect(s.openingMicrocredits).toBe(0n);
    expect(s.closingMicrocredits).toBe(credits(15_195));
    expect(s.topUps.map((t) => [t.kind, t.amount, t.microcredits, t.refunded])).toEqual([
      ["checkout", "10.00 USD", credits(10_000), "5.00 USD"],
      ["recharge", "10.00 USD", credits(10_000), null],
    ]);
    expect(s.usage).toEqual([{ model: "metered", calls: 3, promptTokens: 30, completionTokens: 27, images: 0, audioMs: 0, characters: 0, videoMs: 0, microcredits: credits(105) }]);
    expect(s.movements.map((m) => [m.kind, m.microcredits])).toEqual([
      ["grant", credits(50)],
      ["grant", credits(20)],
      ["code", credits(250)],
      ["topup_refund", credits(-5_000)],
      ["expiry", credits(-20)],
    ]);
    const moved = s.movements.reduce((sum, m) => sum + m.microcredits, 0n);
    expect(s.openingMicrocredits + s.topUpMicrocredits - s.usageMicrocredits + moved).toBe(s.closingMicrocredits);

    // what the operator prints (and the closing note of issue 18 quotes, with PRINT_STATEMENT=1)
    const text = await runCli(["credits", "statement", "--user", c.email, "--month", month], f.env);
    const csv = await runCli(["credits", "statement", "--user", c.email, "--month", month, "--csv"], f.env);
    expect([text.code, csv.code], text.stderr + csv.stderr).toEqual([0, 0]);
    expect(text.stdout).toMatch(/closing balance +15195\n$/);
    expect(csv.stdout.trimEnd().split("\n")).toHaveLength(1 + 1 + 2 + 1 + 5 + 1); // header, opening, top-ups, usage, movements, closing
    if (process.env.PRINT_STATEMENT) console.log(`${text.stdout}\n${csv.stdout}`);
  });
});
