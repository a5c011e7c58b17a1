import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStripe, type FakeStripe } from "../fakes/stripe-api";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Stripe top-ups end to end: package → checkout session (real `stripe` SDK against a fake Stripe API)
// → signed webhook → credits, exactly once.

let f: HubFixture;
let fakeStripe: FakeStripe;
const webhookSecret = "whsec_test_0123456789abcdef";
const signer = new Stripe("sk_test_unused");
let packageId: string;

beforeAll(async () => {
  fakeStripe = await startFakeStripe();
  f = await startHubFixture({ env: { STRIPE_SECRET_KEY: fakeStripe.secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_URL: fakeStripe.url } });
  await f.lib.setMode("service_provider", "test");
  packageId = (await f.lib.addPackage({ name: "Starter pack", price: "10", credits: "10000" }, "test")).id;
}, 60_000);

afterAll(async () => {
  await f?.close();
  await fakeStripe?.close();
});

async function checkout(): Promise<{ id: string; url: string }> {
  const res = await fetch(`${f.hub.url}/api/billing/checkout`, {
    method: "POST",
    headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ packageId }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; url: string };
}

function deliver(event: Record<string, unknown>, secret = webhookSecret) {
  const payload = JSON.stringify(event);
  return fetch(`${f.hub.url}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret }) },
    body: payload,
  });
}

const balance = async () => (await f.db.creditAccount.findFirstOrThrow({ where: { user: { email: "dev@test.local" } }, include: { transactions: true } }));

describe("Stripe top-ups", () => {
  it("lists the packages a customer can buy", async () => {
    const res = await fetch(`${f.hub.url}/api/billing/packages`, { headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(await res.json()).toEqual({ data: [{ id: packageId, name: "Starter pack", price: { amount: 1000, currency: "usd" }, credits: "10000" }] });
  });

  it("credits a paid checkout once, however often the webhook arrives", async () => {
    const session = await checkout();
    expect(session.url).toBe(`https://checkout.stripe.test/c/pay/${session.id}`);
    const created = fakeStripe.sessions.get(session.id)!;
    expect(created).toMatchObject({ mode: "payment", amount_total: 1000, currency: "usd", success_url: `${f.hub.url}/billing?checkout=success&session_id=${session.id}` });
    expect(await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: session.id } })).toMatchObject({ status: "pending", amountCents: 1000, creditsMicrocredits: 10_000_000_000n });

    const event = fakeStripe.pay(session.id);
    const first = await deliver(event);
    expect(await first.json()).toEqual({ received: true, outcome: "credited" });
    // the same event replayed three times, and a duplicate event (new id) for the same session
    for (let i = 0; i < 3; i++) expect(await (await deliver(event)).json()).toEqual({ received: true, outcome: "already_fulfilled" });
    expect(await (await deliver({ ...event, id: "evt_duplicate" })).json()).toEqual({ received: true, outcome: "already_fulfilled" });

    const account = await balance();
    expect(account.transactions.filter((t) => t.kind === "topup")).toEqual([expect.objectContaining({ amountMicrocredits: 10_000_000_000n, reference: `topup:${session.id}` })]);
    expect(account.balanceMicrocredits).toBe(account.transactions.reduce((n, t) => n + t.amountMicrocredits, 0n));
    expect(await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: session.id } })).toMatchObject({ status: "paid" });

    // the customer can spend the credits at once
    const { response } = await f.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "paid for" }] }).withResponse();
    expect(response.headers.get("x-hub-charge-credits")).toMatch(/^\d/);
  });

  it("refuses a webhook with a bad signature and credits nothing", async () => {
    const session = await checkout();
    const res = await deliver(fakeStripe.pay(session.id), "whsec_forged_secret");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_signature");
    expect(await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: session.id } })).toMatchObject({ status: "pending" });
  });

  it("ignores sessions that are not paid yet, and marks expired ones", async () => {
    const session = await checkout();
    const unpaid = { ...fakeStripe.pay(session.id) };
    (unpaid.data as { object: Record<string, unknown> }).object.payment_status = "unpaid";
    expect(await (await deliver(unpaid)).json()).toEqual({ received: true, outcome: "ignored" });
    const expired = { ...unpaid, type: "checkout.session.expired" };
    expect(await (await deliver(expired)).json()).toEqual({ received: true, outcome: "ignored" });
    expect(await f.db.payment.findUniqueOrThrow({ where: { stripeSessionId: session.id } })).toMatchObject({ status: "expired" });
  });

  it("lets customers enter Stripe promotion codes at Checkout only when the operator allows it", async () => {
    // Stripe shows a session that does not allow them with null
    expect(fakeStripe.sessions.get((await checkout()).id)!.allow_promotion_codes).toBeNull();
    await f.lib.setSetting("checkout-promotion-codes", "on", "test");
    // the running server sees the setting within a second
    await eventually(async () => expect(fakeStripe.sessions.get((await checkout()).id)).toMatchObject({ allow_promotion_codes: true }), 5000);
    await f.lib.setSetting("checkout-promotion-codes", "off", "test");
  });

  it("answers an unknown package with 404", async () => {
    const res = await fetch(`${f.hub.url}/api/billing/checkout`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ packageId: "nope" }),
    });
    expect(res.status).toBe(404);
  });
});
