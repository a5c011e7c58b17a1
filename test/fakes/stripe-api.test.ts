// Drives the fake Stripe API with the real `stripe` SDK, so the fake stays wire-compatible with what the
// SDK sends and parses: form bodies, expand[], Idempotency-Key replays, card errors as StripeCardError,
// and events that verify with the SDK's own webhook signature check.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION, parseForm, startFakeStripe, type FakeStripe, type TestCard } from "./stripe-api";

let fake: FakeStripe;
let stripe: Stripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  const { hostname, port } = new URL(fake.url);
  stripe = new Stripe(fake.secretKey, { host: hostname, port: Number(port), protocol: "http", maxNetworkRetries: 0 });
});
afterAll(() => fake.close());

/** The error the promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error("expected a rejection");
}

/** A customer with a card saved through a setup-mode Checkout Session, as the hub saves one. */
async function customerWithCard(card: TestCard = "ok") {
  const customer = await stripe.customers.create({ email: `${card}@test.local` });
  const session = await stripe.checkout.sessions.create({ mode: "setup", customer: customer.id, currency: "usd", success_url: "https://hub.test/ok" });
  fake.completeSetup(session.id, card);
  const setup = await stripe.setupIntents.retrieve(session.setup_intent as string);
  return { customer, paymentMethod: setup.payment_method as string };
}

const offSession = (customer: string, payment_method: string, amount = 1500) =>
  stripe.paymentIntents.create({ amount, currency: "usd", customer, payment_method, off_session: true, confirm: true, metadata: { reason: "auto_recharge" } });

/** A succeeded off-session payment of `amount` and its charge id. */
async function paid(amount: number) {
  const { customer, paymentMethod } = await customerWithCard();
  const pi = await offSession(customer.id, paymentMethod, amount);
  return { pi, charge: pi.latest_charge as string };
}

describe("fake Stripe: protocol", () => {
  it("parses Stripe's form encoding: nested brackets, indexed and appended arrays", () => {
    expect(parseForm("line_items[0][price_data][currency]=usd&line_items[0][quantity]=2&expand[]=a&expand[]=b.c&metadata[k]=v+w")).toEqual({
      line_items: [{ price_data: { currency: "usd" }, quantity: "2" }],
      expand: ["a", "b.c"],
      metadata: { k: "v w" },
    });
  });

  it("refuses a wrong secret key with 401", async () => {
    const { hostname, port } = new URL(fake.url);
    const wrong = new Stripe("sk_test_wrong_key_0000", { host: hostname, port: Number(port), protocol: "http", maxNetworkRetries: 0 });
    const error = await rejection(wrong.customers.create({ email: "x@test.local" }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided: sk_test_\**0000$/);
  });

  it("answers an unknown id with 404 resource_missing and a missing parameter with 400 parameter_missing", async () => {
    const notFound = await rejection(stripe.customers.retrieve("cus_nope"));
    expect(notFound).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(notFound).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id", message: "No such customer: 'cus_nope'" });

    const missing = await rejection(stripe.paymentIntents.create({ currency: "usd" } as Stripe.PaymentIntentCreateParams));
    expect(missing).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError", code: "parameter_missing", param: "amount", message: "Missing required param: amount." });
  });

  it("replays the stored answer for a reused Idempotency-Key and refuses the key with other parameters", async () => {
    const { customer, paymentMethod } = await customerWithCard();
    const before = fake.paymentIntents.size;
    const params = { amount: 2000, currency: "usd", customer: customer.id, payment_method: paymentMethod, off_session: true, confirm: true };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "recharge-1" });
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: "recharge-1" });

    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(fake.paymentIntents.size).toBe(before + 1);
    expect(fake.createdBy.get(first.id)).toEqual({ id: first.lastResponse.requestId, idempotency_key: "recharge-1" });

    const other = await rejection(stripe.paymentIntents.create({ ...params, amount: 2500 }, { idempotencyKey: "recharge-1" }));
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(other.statusCode).toBe(400);
    expect(other.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters they were first used with/);
    const elsewhere = await rejection(stripe.customers.create({ email: "x@test.local" }, { idempotencyKey: "recharge-1" }));
    expect(elsewhere.message).toContain("('POST /v1/customers' vs 'POST /v1/payment_intents')");
    expect(fake.paymentIntents.size).toBe(before + 1);
  });

  it("replays a card decline too, without charging again", async () => {
    const { customer, paymentMethod } = await customerWithCard("declined");
    const params = { amount: 900, currency: "usd", customer: customer.id, payment_method: paymentMethod, off_session: true, confirm: true };
    const first = await rejection(stripe.paymentIntents.create(params, { idempotencyKey: "declined-once" }));
    const charges = fake.charges.size;
    const again = await rejection(stripe.paymentIntents.create(params, { idempotencyKey: "declined-once" }));
    expect(again).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(again.payment_intent?.id).toBe(first.payment_intent?.id);
    expect(again.headers?.["idempotent-replayed"]).toBe("true");
    expect(fake.charges.size).toBe(charges);
  });

  it("refuses to expand what is not an expandable id", async () => {
    const customer = await stripe.customers.create({ email: "e@test.local" });
    const error = await rejection(stripe.customers.retrieve(customer.id, { expand: ["email"] }));
    expect(error).toMatchObject({ statusCode: 400, message: "This property cannot be expanded (email)." });
  });
});

describe("fake Stripe: customers and Checkout", () => {
  it("creates and retrieves a customer", async () => {
    const created = await stripe.customers.create({ email: "ada@test.local", name: "Ada", metadata: { userId: "u1" } });
    expect(created.id).toMatch(/^cus_/);
    expect(created).toMatchObject({ object: "customer", email: "ada@test.local", name: "Ada", metadata: { userId: "u1" }, livemode: false });
    const read = await stripe.customers.retrieve(created.id);
    expect(read).toMatchObject({ id: created.id, email: "ada@test.local", name: "Ada", metadata: { userId: "u1" } });

    // metadata merges, an empty value deletes its key; the default payment method must exist
    const { paymentMethod } = await customerWithCard();
    const updated = await stripe.customers.update(created.id, { metadata: { plan: "pro", userId: "" }, invoice_settings: { default_payment_method: paymentMethod } });
    expect(updated).toMatchObject({ metadata: { plan: "pro" }, invoice_settings: { default_payment_method: paymentMethod } });
    expect(updated.metadata).not.toHaveProperty("userId");
    expect(await rejection(stripe.customers.update(created.id, { invoice_settings: { default_payment_method: "pm_nope" } }))).toMatchObject({ statusCode: 400, code: "resource_missing", message: "No such PaymentMethod: 'pm_nope'" });
  });

  it("pays a payment-mode session: PaymentIntent, charge with receipt, invoice, saved card, all expandable", async () => {
    const customer = await stripe.customers.create({ email: "buyer@test.local", name: "Buyer" });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ quantity: 2, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "Credits" } } }],
      invoice_creation: { enabled: true },
      allow_promotion_codes: true,
      payment_intent_data: { setup_future_usage: "off_session", metadata: { packageId: "p1" } },
      metadata: { accountId: "a1" },
      success_url: "https://hub.test/billing?session_id={CHECKOUT_SESSION_ID}",
    });
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 1000,
      currency: "usd",
      customer: customer.id,
      allow_promotion_codes: true,
      invoice_creation: { enabled: true },
      payment_intent: null,
      invoice: null,
      success_url: `https://hub.test/billing?session_id=${session.id}`,
    });

    const event = fake.pay(session.id);
    expect(event).toMatchObject({ object: "event", type: "checkout.session.completed", api_version: Stripe.API_VERSION, livemode: false, request: { id: null, idempotency_key: null } });
    expect(event.id).toMatch(/^evt_/);
    expect(event.data.object).toMatchObject({ id: session.id, status: "complete", payment_status: "paid", payment_intent: expect.stringMatching(/^pi_/), invoice: expect.stringMatching(/^in_/) });

    const read = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge", "invoice"] });
    const pi = read.payment_intent as Stripe.PaymentIntent;
    const charge = pi.latest_charge as Stripe.Charge;
    const invoice = read.invoice as Stripe.Invoice;
    expect(pi).toMatchObject({ object: "payment_intent", status: "succeeded", amount: 1000, amount_received: 1000, customer: customer.id, setup_future_usage: "off_session", metadata: { packageId: "p1" } });
    expect(charge).toMatchObject({ object: "charge", status: "succeeded", amount: 1000, amount_refunded: 0, refunded: false, currency: "usd", payment_intent: pi.id });
    expect(charge.receipt_url).toMatch(/^https:\/\/pay\.stripe\.test\/receipts\//);
    expect(invoice).toMatchObject({ object: "invoice", status: "paid", amount_paid: 1000, customer: customer.id, total: 1000 });
    expect(invoice.hosted_invoice_url).toMatch(/^https:\/\/invoice\.stripe\.test\/i\//);
    expect(invoice.invoice_pdf).toMatch(/\/pdf$/);
    // what is stored keeps ids: expansion is per answer
    expect(fake.sessions.get(session.id)?.payment_intent).toBe(pi.id);

    const saved = await stripe.customers.listPaymentMethods(customer.id);
    expect(saved.data.map((pm) => pm.card?.last4)).toEqual(["4242"]);
  });

  it("leaves out invoice and promotion codes when not asked for", async () => {
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: "eur", unit_amount: 700, product_data: { name: "Pack" } } }],
      success_url: "https://hub.test/ok",
    });
    expect(session).toMatchObject({ allow_promotion_codes: null, invoice_creation: { enabled: false }, customer: null });
    const completed = fake.pay(session.id).data.object;
    expect(completed).toMatchObject({ invoice: null, customer: null, payment_status: "paid" });
    expect(fake.pay(session.id).data.object.payment_intent).toBe(completed.payment_intent);
  });

  it("saves a card in a setup-mode session", async () => {
    const customer = await stripe.customers.create({ email: "saver@test.local" });
    const session = await stripe.checkout.sessions.create({ mode: "setup", customer: customer.id, currency: "usd", success_url: "https://hub.test/ok" });
    expect(session).toMatchObject({ mode: "setup", status: "open", payment_status: "no_payment_required", amount_total: null, setup_intent: expect.stringMatching(/^seti_/) });

    const event = fake.completeSetup(session.id);
    expect(event).toMatchObject({ type: "checkout.session.completed", data: { object: { id: session.id, status: "complete", setup_intent: session.setup_intent } } });

    const setup = await stripe.setupIntents.retrieve(session.setup_intent as string, { expand: ["payment_method"] });
    expect(setup).toMatchObject({ object: "setup_intent", status: "succeeded", customer: customer.id, usage: "off_session" });
    const pm = setup.payment_method as Stripe.PaymentMethod;
    expect(pm).toMatchObject({ object: "payment_method", type: "card", customer: customer.id, card: { brand: "visa", last4: "4242", exp_month: 12 } });
    expect(await stripe.paymentMethods.retrieve(pm.id)).toMatchObject({ id: pm.id, card: { last4: "4242" } });
  });

  it("requires line_items in payment mode and currency in setup mode", async () => {
    const noItems = await rejection(stripe.checkout.sessions.create({ mode: "payment", success_url: "https://hub.test/ok" }));
    expect(noItems).toMatchObject({ statusCode: 400, param: "line_items" });
    const noCurrency = await rejection(stripe.checkout.sessions.create({ mode: "setup", success_url: "https://hub.test/ok" }));
    expect(noCurrency).toMatchObject({ statusCode: 400, param: "currency" });
  });
});

describe("fake Stripe: off-session PaymentIntents", () => {
  it("charges a good card: succeeded, with a charge", async () => {
    const { customer, paymentMethod } = await customerWithCard("ok");
    const pi = await offSession(customer.id, paymentMethod);
    expect(pi).toMatchObject({ object: "payment_intent", status: "succeeded", amount: 1500, amount_received: 1500, customer: customer.id, payment_method: paymentMethod, metadata: { reason: "auto_recharge" } });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: "succeeded", paid: true, amount: 1500, amount_refunded: 0, refunded: false, payment_intent: pi.id, customer: customer.id });
    expect(await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] })).toMatchObject({ latest_charge: { id: charge.id, receipt_url: charge.receipt_url } });

    const event = fake.paymentIntentEvent(pi.id, "payment_intent.succeeded");
    expect(event).toMatchObject({ type: "payment_intent.succeeded", data: { object: { id: pi.id, status: "succeeded" } }, request: { id: pi.lastResponse.requestId } });
    expect(event.request.idempotency_key).toBe(pi.lastResponse.idempotencyKey);
    expect(() => fake.paymentIntentEvent(pi.id, "payment_intent.payment_failed")).toThrow(/would not send/);
  });

  const declines: Array<[TestCard, string, string, string]> = [
    ["declined", "card_declined", "generic_decline", "Your card was declined."],
    ["insufficient_funds", "card_declined", "insufficient_funds", "Your card has insufficient funds."],
    ["authentication_required", "authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication."],
  ];
  it.each(declines)("card %s: fails with 402 card_error %s/%s and a PaymentIntent back to requires_payment_method", async (card, code, declineCode, message) => {
    const { customer, paymentMethod } = await customerWithCard(card);
    const error = await rejection(offSession(customer.id, paymentMethod));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code, decline_code: declineCode, message, charge: expect.stringMatching(/^ch_/) });
    expect(error.payment_intent).toMatchObject({ status: "requires_payment_method", payment_method: null, last_payment_error: { type: "card_error", code, decline_code: declineCode, payment_method: { id: paymentMethod } } });

    const pi = await stripe.paymentIntents.retrieve(error.payment_intent!.id);
    expect(pi.status).toBe("requires_payment_method");
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ status: "failed", paid: false, failure_code: code, receipt_url: null });
    expect(fake.paymentIntentEvent(pi.id, "payment_intent.payment_failed")).toMatchObject({ type: "payment_intent.payment_failed", data: { object: { id: pi.id, last_payment_error: { decline_code: declineCode } } } });
  });

  it("on session, a card that needs authentication waits for it instead", async () => {
    const { customer, paymentMethod } = await customerWithCard("authentication_required");
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: "usd", customer: customer.id, payment_method: paymentMethod, confirm: true });
    expect(pi).toMatchObject({ status: "requires_action", next_action: { type: "use_stripe_sdk" }, latest_charge: null });
  });

  it("refuses a payment method of another customer", async () => {
    const { paymentMethod } = await customerWithCard();
    const other = await stripe.customers.create({ email: "other@test.local" });
    const error = await rejection(offSession(other.id, paymentMethod));
    expect(error).toMatchObject({ statusCode: 400, param: "payment_method" });
  });
});

describe("fake Stripe: refunds and disputes", () => {
  it("refunds a payment in full, then refuses a second refund", async () => {
    const { pi, charge } = await paid(1200);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, reason: "requested_by_customer", metadata: { by: "hub" } });
    expect(refund).toMatchObject({ object: "refund", status: "succeeded", amount: 1200, charge, payment_intent: pi.id, reason: "requested_by_customer", metadata: { by: "hub" } });
    expect(await stripe.charges.retrieve(charge)).toMatchObject({ amount_refunded: 1200, refunded: true });

    const again = await rejection(stripe.refunds.create({ charge }));
    expect(again).toMatchObject({ statusCode: 400, code: "charge_already_refunded", message: `Charge ${charge} has already been refunded.` });

    const event = fake.refundEvent(charge);
    expect(event).toMatchObject({ type: "charge.refunded", data: { object: { id: charge, amount_refunded: 1200, refunded: true }, previous_attributes: { amount_refunded: 0, refunded: false } } });
    expect(event.request).toEqual({ id: refund.lastResponse.requestId, idempotency_key: refund.lastResponse.idempotencyKey });
  });

  it("refunds in parts and refuses more than is left", async () => {
    const { charge } = await paid(1000);
    await stripe.refunds.create({ charge, amount: 300 });
    const tooMuch = await rejection(stripe.refunds.create({ charge, amount: 800 }));
    expect(tooMuch).toMatchObject({ statusCode: 400, param: "amount", message: "Refund amount ($8.00) is greater than unrefunded amount on charge ($7.00)" });
    expect(fake.refundEvent(charge).data).toMatchObject({ object: { amount_refunded: 300, refunded: false }, previous_attributes: { amount_refunded: 0 } });

    await stripe.refunds.create({ charge, amount: 700 });
    expect(fake.charges.get(charge)).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(fake.refundEvent(charge).data.previous_attributes).toEqual({ amount_refunded: 300, refunded: false });
  });

  it("refuses a refund over the charge, a refund of nothing and an unknown reason", async () => {
    const { charge } = await paid(500);
    expect(await rejection(stripe.refunds.create({ charge, amount: 501 }))).toMatchObject({ message: "Refund amount ($5.01) is greater than charge amount ($5.00)" });
    expect(await rejection(stripe.refunds.create({ charge, amount: 0 }))).toMatchObject({ param: "amount", code: "parameter_invalid_integer" });
    expect(await rejection(stripe.refunds.create({ charge, reason: "changed_mind" as Stripe.RefundCreateParams.Reason }))).toMatchObject({ param: "reason" });
    expect(await rejection(stripe.refunds.create({}))).toMatchObject({ statusCode: 400 });
  });

  it("refunds from the Dashboard: charge.refunded with the Dashboard's request and no metadata of the hub's", async () => {
    const { pi, charge } = await paid(2000);
    const event = fake.refundFromDashboard(pi.id, 500);
    expect(event).toMatchObject({ type: "charge.refunded", data: { object: { id: charge, amount_refunded: 500, refunded: false }, previous_attributes: { amount_refunded: 0 } } });
    expect(event.request.id).toMatch(/^req_/);
    expect(event.request.idempotency_key).toBeNull();
    expect([...fake.refunds.values()].filter((r) => r.charge === charge)).toEqual([expect.objectContaining({ amount: 500, metadata: {}, reason: null })]);
    expect(fake.refundFromDashboard(charge).data.object).toMatchObject({ amount_refunded: 2000, refunded: true });
  });

  it("opens and closes a dispute, and a disputed charge cannot be refunded", async () => {
    const { pi, charge } = await paid(3000);
    const opened = fake.dispute(charge);
    const dispute = opened.data.object;
    expect(opened).toMatchObject({ type: "charge.dispute.created", request: { id: null } });
    expect(dispute).toMatchObject({ object: "dispute", amount: 3000, charge, payment_intent: pi.id, currency: "usd", status: "needs_response", reason: "fraudulent" });
    expect(dispute.id).toMatch(/^du_/);
    expect(await stripe.disputes.retrieve(dispute.id)).toMatchObject({ id: dispute.id, status: "needs_response" });
    expect(await rejection(stripe.refunds.create({ charge }))).toMatchObject({ code: "charge_disputed" });

    const closed = fake.closeDispute(dispute.id, "lost");
    expect(closed).toMatchObject({ type: "charge.dispute.closed", data: { object: { id: dispute.id, status: "lost" }, previous_attributes: { status: "needs_response" } } });
    expect(fake.dispute(charge, 1000).data.object.amount).toBe(1000);
  });
});

describe("fake Stripe: events", () => {
  it("builds events the SDK verifies once signed, pinned to the SDK's API version", async () => {
    const { charge } = await paid(1000);
    await stripe.refunds.create({ charge, amount: 100 });
    const secret = "whsec_fake_test";
    for (const event of [fake.refundEvent(charge), fake.dispute(charge), fake.event("charge.updated", charge, { description: "old" })]) {
      const payload = JSON.stringify(event);
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
      const verified = stripe.webhooks.constructEvent(payload, header, secret);
      expect(verified).toEqual(event);
      expect(verified.api_version).toBe(API_VERSION);
      expect(() => stripe.webhooks.constructEvent(payload, header, "whsec_other")).toThrow(Stripe.errors.StripeSignatureVerificationError);
    }
  });

  it("snapshots the object: later changes do not reach an event already built", async () => {
    const { charge } = await paid(1000);
    const before = fake.event("charge.updated", charge);
    await stripe.refunds.create({ charge });
    expect(before.data.object).toMatchObject({ amount_refunded: 0 });
    expect(fake.charges.get(charge)?.amount_refunded).toBe(1000);
  });
});
