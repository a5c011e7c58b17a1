import Stripe from "stripe";
import { z } from "zod";
import { emit } from "../alerts/emit";
import { bumpConfigVersion } from "../db/change-feed";
import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { env } from "../env";
import { ApiError } from "../http/api-error";
import { jobs } from "../jobs";
import { formatCredits, formatDecimal } from "../money";
import { redisEnabled } from "../redis";
import { settings } from "../settings";
import { processSingleton } from "../singleton";
import { expiryAfter } from "./expiry";
import { creditedInRedis } from "./holds-redis";
import { book, creditAccount } from "./ledger";
import { joinPackageGroup } from "./package-group";

// Stripe top-ups: a customer picks a credit package, the hub opens a Checkout Session and records a
// pending Payment; Stripe's signed `checkout.session.completed` webhook fulfils it — exactly once,
// however often the event is delivered, because the payment moves pending → paid in the same
// transaction that books the credits (reference topup:<session id>).

/** The id of a field Stripe sends as an id or, expanded, as the object. */
export const stripeId = (value: string | { id: string } | null | undefined): string | null => (typeof value === "string" ? value : (value?.id ?? null));

export const notConfigured = () =>
  new ApiError({ status: 503, type: "service_unavailable", code: "payments_unavailable", message: "Card payments are not set up on this hub (STRIPE_SECRET_KEY)." });

export function stripe(): Stripe {
  const { STRIPE_SECRET_KEY, STRIPE_API_URL } = env();
  if (!STRIPE_SECRET_KEY) throw notConfigured();
  return processSingleton("stripe", () => {
    const api = STRIPE_API_URL ? new URL(STRIPE_API_URL) : null;
    return new Stripe(STRIPE_SECRET_KEY, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      ...(api ? { host: api.hostname, port: api.port || (api.protocol === "https:" ? 443 : 80), protocol: api.protocol.replace(":", "") as "http" | "https" } : {}),
    });
  });
}

export const checkoutSchema = z.object({ packageId: z.string().min(1, "is required") });

/** Who buys: the user, and the credit account calls are charged to (if there is one yet). */
export interface Payer {
  userId: string;
  creditAccountId: string | null;
}

/** The payer's credit account — their team's when the team pools credits — created on first purchase. */
export async function payerAccount(payer: Payer): Promise<string> {
  if (payer.creditAccountId) return payer.creditAccountId;
  return transaction(async (tx) => {
    const { team } = await tx.user.findUniqueOrThrow({ where: { id: payer.userId }, select: { team: { select: { id: true, poolCredits: true } } } });
    const account = await creditAccount(tx, team?.poolCredits ? { teamId: team.id } : { userId: payer.userId });
    // running servers cached the payer with no account: their next call must find this one
    await bumpConfigVersion(tx);
    return account.id;
  });
}

/**
 * The account's Stripe customer, created once: cards saved for auto-recharge and invoices belong to
 * it. Two racing first purchases may each create one; the first stored wins and the other is unused.
 */
export async function stripeCustomer(accountId: string, email: string | null): Promise<string> {
  const account = await db().creditAccount.findUniqueOrThrow({ where: { id: accountId }, select: { stripeCustomerId: true } });
  if (account.stripeCustomerId) return account.stripeCustomerId;
  const customer = await stripe().customers.create({ ...(email ? { email } : {}), metadata: { accountId } }, { idempotencyKey: `customer:${accountId}` });
  await db().creditAccount.updateMany({ where: { id: accountId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  return (await db().creditAccount.findUniqueOrThrow({ where: { id: accountId }, select: { stripeCustomerId: true } })).stripeCustomerId!;
}

/** Where Stripe sends the customer back to. */
export const billingUrl = (origin: string, query: string) => `${env().HUB_PUBLIC_URL ?? origin}/billing?${query}`;

/** Opens a Checkout Session for a credit package; the customer pays on the returned URL. */
export async function createCheckout(principal: Payer, packageId: string, origin: string) {
  const pack = await db().creditPackage.findUnique({ where: { id: packageId } });
  if (!pack?.enabled) throw new ApiError({ status: 404, type: "not_found_error", code: "package_not_found", param: "packageId", message: `No credit package '${packageId}'.` });
  const client = stripe();
  const accountId = await payerAccount(principal);
  const user = await db().user.findUnique({ where: { id: principal.userId }, select: { email: true } });
  const customer = await stripeCustomer(accountId, user?.email ?? null);
  const session = await client.checkout.sessions.create({
    mode: "payment",
    customer,
    line_items: [{ quantity: 1, price_data: { currency: pack.currency, unit_amount: pack.priceCents, product_data: { name: pack.name } } }],
    // Stripe makes an invoice of every paid top-up; the billing page links it
    invoice_creation: { enabled: true },
    allow_promotion_codes: (await settings()).checkoutPromotionCodes,
    client_reference_id: accountId,
    metadata: { accountId, packageId: pack.id, userId: principal.userId },
    success_url: billingUrl(origin, "checkout=success&session_id={CHECKOUT_SESSION_ID}"),
    cancel_url: billingUrl(origin, "checkout=cancelled"),
  });
  await db().payment.create({
    data: {
      stripeSessionId: session.id,
      accountId,
      userId: principal.userId,
      packageId: pack.id,
      amountCents: pack.priceCents,
      currency: pack.currency,
      creditsMicrocredits: pack.creditsMicrocredits,
    },
  });
  return { id: session.id, url: session.url };
}

export type Fulfilment = "credited" | "already_fulfilled" | "unknown_session";

type PaymentRow = { id: string; accountId: string; amountCents: number; currency: string; creditsMicrocredits: bigint; user: { email: string } | null };

export const topUpData = (payment: PaymentRow) => ({
  paymentId: payment.id,
  accountId: payment.accountId,
  customer: payment.user?.email ?? null,
  amount: formatDecimal(BigInt(payment.amountCents), 2),
  currency: payment.currency,
  credits: formatCredits(payment.creditsMicrocredits),
});

/** The ledger reference of a payment's credits (and of the grant a refund takes them back from). */
export const topUpReference = (payment: { id: string; stripeSessionId: string | null }) => `topup:${payment.stripeSessionId ?? payment.id}`;

/**
 * Credits a payment once: it moves to paid in the same transaction that books its credits, so a
 * webhook delivered twice, or racing the job that retries it, credits once.
 */
export async function creditPayment(where: { stripeSessionId: string } | { id: string }, paymentIntentId: string | null): Promise<Fulfilment> {
  const { paidCreditExpiryDays } = await settings();
  const result = await transaction(async (tx) => {
    const payment = await tx.payment.findUnique({ where, include: { user: { select: { email: true } } } });
    if (!payment) return { outcome: "unknown_session" as const };
    const moved = await tx.payment.updateMany({
      where: { id: payment.id, status: { not: "paid" } },
      data: { status: "paid", paidAt: new Date(), openFor: null, failureMessage: null, ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}) },
    });
    if (moved.count === 0) return { outcome: "already_fulfilled" as const };
    await book(tx, {
      accountId: payment.accountId,
      kind: "topup",
      amountMicrocredits: payment.creditsMicrocredits,
      reference: topUpReference(payment),
      note: payment.kind === "recharge" ? "Auto-recharge" : `Stripe checkout ${payment.stripeSessionId}`,
      expiresAt: expiryAfter(paidCreditExpiryDays),
    });
    await afterPaid(tx, payment);
    await joinPackageGroup(tx, payment);
    // the customer's balance changed: running servers must see it now
    await bumpConfigVersion(tx);
    return { outcome: "credited" as const, payment };
  });
  if (result.outcome !== "credited") return result.outcome;
  if (redisEnabled()) await creditedInRedis(result.payment.accountId, result.payment.creditsMicrocredits);
  emit("topup.paid", topUpData(result.payment), { dedupKey: `topup:${result.payment.id}:paid` });
  await jobs.enqueue(RECEIPT_JOB, { paymentId: result.payment.id });
  return result.outcome;
}

/** What else a paid payment settles, in its transaction (an auto-recharge's state). */
async function afterPaid(tx: Tx, payment: { kind: string; accountId: string }): Promise<void> {
  if (payment.kind === "recharge") await tx.autoRecharge.updateMany({ where: { accountId: payment.accountId }, data: { failures: 0, lastError: null } });
}

/** Credits a paid checkout once. Safe to call any number of times, from the webhook or the job. */
export const fulfil = (sessionId: string, paymentIntentId: string | null = null) => creditPayment({ stripeSessionId: sessionId }, paymentIntentId);

export const RECEIPT_JOB = "stripe.receipt";

/** Stores the links to a paid top-up's Stripe receipt and invoice (a job: the webhook does not wait for Stripe). */
export async function fetchReceipt(paymentId: string): Promise<void> {
  const payment = await db().payment.findUnique({ where: { id: paymentId } });
  if (!payment || payment.status !== "paid") return;
  const client = stripe();
  let invoiceUrl: string | null = null;
  let paymentIntentId = payment.stripePaymentIntentId;
  if (payment.stripeSessionId) {
    const session = await client.checkout.sessions.retrieve(payment.stripeSessionId, { expand: ["invoice"] });
    const invoice = session.invoice;
    invoiceUrl = invoice && typeof invoice !== "string" ? (invoice.hosted_invoice_url ?? null) : null;
    paymentIntentId ??= stripeId(session.payment_intent);
  }
  let receiptUrl: string | null = null;
  if (paymentIntentId) {
    const intent = await client.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
    const charge = intent.latest_charge;
    receiptUrl = charge && typeof charge !== "string" ? (charge.receipt_url ?? null) : null;
  }
  await db().payment.update({ where: { id: paymentId }, data: { receiptUrl, invoiceUrl, ...(paymentIntentId ? { stripePaymentIntentId: paymentIntentId } : {}) } });
}
