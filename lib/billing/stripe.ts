import Stripe from "stripe";
import { z } from "zod";
import { emit } from "../alerts/emit";
import { bumpConfigVersion } from "../db/change-feed";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { env } from "../env";
import { ApiError } from "../http/api-error";
import { jobs } from "../jobs";
import { log } from "../log";
import { formatCredits, formatDecimal } from "../money";
import { redisEnabled } from "../redis";
import { processSingleton } from "../singleton";
import { creditedInRedis } from "./holds-redis";
import { book, creditAccount } from "./ledger";
import { joinPackageGroup } from "./package-group";

// Stripe top-ups: a customer picks a credit package, the hub opens a Checkout Session and records a
// pending Payment; Stripe's signed `checkout.session.completed` webhook fulfils it — exactly once,
// however often the event is delivered, because the payment moves pending → paid in the same
// transaction that books the credits (reference topup:<session id>).

const notConfigured = () =>
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

/** Opens a Checkout Session for a credit package; the customer pays on the returned URL. */
export async function createCheckout(principal: Payer, packageId: string, origin: string) {
  const pack = await db().creditPackage.findUnique({ where: { id: packageId } });
  if (!pack?.enabled) throw new ApiError({ status: 404, type: "not_found_error", code: "package_not_found", param: "packageId", message: `No credit package '${packageId}'.` });
  const client = stripe();
  const account = principal.creditAccountId
    ? { id: principal.creditAccountId }
    : await transaction((tx) => creditAccount(tx, { userId: principal.userId }));
  const base = env().HUB_PUBLIC_URL ?? origin;
  const session = await client.checkout.sessions.create({
    mode: "payment",
    line_items: [{ quantity: 1, price_data: { currency: pack.currency, unit_amount: pack.priceCents, product_data: { name: pack.name } } }],
    client_reference_id: account.id,
    metadata: { accountId: account.id, packageId: pack.id, userId: principal.userId },
    success_url: `${base}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${base}/billing?checkout=cancelled`,
  });
  await db().payment.create({
    data: {
      stripeSessionId: session.id,
      accountId: account.id,
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

const topUpData = (payment: PaymentRow) => ({
  paymentId: payment.id,
  accountId: payment.accountId,
  customer: payment.user?.email ?? null,
  amount: formatDecimal(BigInt(payment.amountCents), 2),
  currency: payment.currency,
  credits: formatCredits(payment.creditsMicrocredits),
});

/** Credits a paid checkout once. Safe to call any number of times, from the webhook or the job. */
export async function fulfil(sessionId: string): Promise<Fulfilment> {
  const result = await transaction(async (tx) => {
    const payment = await tx.payment.findUnique({ where: { stripeSessionId: sessionId }, include: { user: { select: { email: true } } } });
    if (!payment) return { outcome: "unknown_session" as const };
    const moved = await tx.payment.updateMany({ where: { id: payment.id, status: { not: "paid" } }, data: { status: "paid", paidAt: new Date() } });
    if (moved.count === 0) return { outcome: "already_fulfilled" as const };
    await book(tx, { accountId: payment.accountId, kind: "topup", amountMicrocredits: payment.creditsMicrocredits, reference: `topup:${sessionId}`, note: `Stripe checkout ${sessionId}` });
    await joinPackageGroup(tx, payment);
    // the customer's balance changed: running servers must see it now
    await bumpConfigVersion(tx);
    return { outcome: "credited" as const, payment };
  });
  if (result.outcome !== "credited") return result.outcome;
  if (redisEnabled()) await creditedInRedis(result.payment.accountId, result.payment.creditsMicrocredits);
  emit("topup.paid", topUpData(result.payment), { dedupKey: `topup:${sessionId}:paid` });
  return result.outcome;
}

/** A delayed payment method (a bank debit) the customer chose did not pay: the payment fails, once. */
async function paymentFailed(sessionId: string): Promise<void> {
  const moved = await db().payment.updateMany({ where: { stripeSessionId: sessionId, status: "pending" }, data: { status: "failed" } });
  if (!moved.count) return;
  const payment = await db().payment.findUniqueOrThrow({ where: { stripeSessionId: sessionId }, include: { user: { select: { email: true } } } });
  emit("topup.failed", topUpData(payment), { dedupKey: `topup:${sessionId}:failed` });
}

/**
 * POST /api/stripe/webhook: verifies the signature on the raw body, then fulfils paid checkouts.
 * A fulfilment that fails is handed to the job queue (retried there) rather than lost.
 */
/**
 * Refuses a delivery that cannot be accepted whatever its body says — before the body is read, so an
 * unconfigured hub or an unsigned request costs no bytes.
 */
export function checkWebhookDelivery(signature: string | null): void {
  if (!env().STRIPE_WEBHOOK_SECRET || !env().STRIPE_SECRET_KEY) throw notConfigured();
  if (!signature) throw new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_signature", message: "The webhook has no Stripe-Signature header." });
}

export async function handleWebhook(rawBody: string, signature: string | null): Promise<{ received: true; outcome?: Fulfilment | "queued" | "ignored" }> {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw notConfigured();
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(rawBody, signature ?? "", secret);
  } catch {
    throw new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_signature", message: "The Stripe signature of this webhook does not verify." });
  }
  if (event.type === "checkout.session.expired") {
    await db().payment.updateMany({ where: { stripeSessionId: event.data.object.id, status: "pending" }, data: { status: "expired" } });
    return { received: true, outcome: "ignored" };
  }
  if (event.type === "checkout.session.async_payment_failed") {
    await paymentFailed(event.data.object.id);
    return { received: true, outcome: "ignored" };
  }
  if (event.type !== "checkout.session.completed" && event.type !== "checkout.session.async_payment_succeeded") return { received: true, outcome: "ignored" };
  const session = event.data.object;
  if (session.payment_status !== "paid") return { received: true, outcome: "ignored" };
  try {
    return { received: true, outcome: await fulfil(session.id) };
  } catch (error) {
    log.error({ session: session.id, err: (error as Error).message }, "top-up fulfilment failed; queued for retry");
    await jobs.enqueue("stripe.fulfil", { sessionId: session.id });
    return { received: true, outcome: "queued" };
  }
}
