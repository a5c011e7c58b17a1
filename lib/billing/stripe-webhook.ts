import type Stripe from "stripe";
import { db } from "../db/client";
import { env } from "../env";
import { ApiError } from "../http/api-error";
import { jobs } from "../jobs";
import { log } from "../log";
import { cardSaved, rechargeFailed, rechargeSucceeded } from "./auto-recharge";
import { chargeRefunded, disputeClosed, disputeOpened } from "./refunds";
import { emit } from "../alerts/emit";
import { fulfil, notConfigured, stripe, stripeId, topUpData, type Fulfilment } from "./stripe";

// POST /api/stripe/webhook: the signature is verified on the raw body, then each event type goes to
// the module that owns it. Every handler is idempotent (Stripe delivers at least once, in any order);
// a paid checkout whose fulfilment fails is handed to the job queue rather than lost.

export const FULFIL_JOB = "stripe.fulfil";

type Outcome = Fulfilment | "queued" | "ignored" | "applied";

/**
 * Refuses a delivery that cannot be accepted whatever its body says — before the body is read, so an
 * unconfigured hub or an unsigned request costs no bytes.
 */
export function checkWebhookDelivery(signature: string | null): void {
  if (!env().STRIPE_WEBHOOK_SECRET || !env().STRIPE_SECRET_KEY) throw notConfigured();
  if (!signature) throw new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_signature", message: "The webhook has no Stripe-Signature header." });
}

/** A delayed payment method (a bank debit) the customer chose did not pay: the payment fails, once. */
async function checkoutFailed(sessionId: string): Promise<void> {
  const moved = await db().payment.updateMany({ where: { stripeSessionId: sessionId, status: "pending" }, data: { status: "failed" } });
  if (!moved.count) return;
  const payment = await db().payment.findUniqueOrThrow({ where: { stripeSessionId: sessionId }, include: { user: { select: { email: true } } } });
  emit("topup.failed", topUpData(payment), { dedupKey: `topup:${sessionId}:failed` });
}

async function checkoutCompleted(session: Stripe.Checkout.Session): Promise<Outcome> {
  if (session.mode === "setup") return (await cardSaved(session)) ? "applied" : "ignored";
  if (session.payment_status !== "paid") return "ignored";
  const paymentIntentId = stripeId(session.payment_intent);
  try {
    return await fulfil(session.id, paymentIntentId);
  } catch (error) {
    log.error({ session: session.id, err: (error as Error).message }, "top-up fulfilment failed; queued for retry");
    await jobs.enqueue(FULFIL_JOB, { sessionId: session.id, paymentIntentId });
    return "queued";
  }
}

const applied = (done: boolean): Outcome => (done ? "applied" : "ignored");

async function dispatch(event: Stripe.Event): Promise<Outcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return checkoutCompleted(event.data.object);
    case "checkout.session.expired":
      await db().payment.updateMany({ where: { stripeSessionId: event.data.object.id, status: "pending" }, data: { status: "expired" } });
      return "ignored";
    case "checkout.session.async_payment_failed":
      await checkoutFailed(event.data.object.id);
      return "ignored";
    case "payment_intent.succeeded":
      return applied(await rechargeSucceeded(event.data.object));
    case "payment_intent.payment_failed":
      return applied(await rechargeFailed(event.data.object));
    case "charge.refunded":
      return applied(await chargeRefunded(event.data.object));
    case "charge.dispute.created":
      return applied(await disputeOpened(event.data.object));
    case "charge.dispute.closed":
      return applied(await disputeClosed(event.data.object));
    default:
      return "ignored";
  }
}

export async function handleWebhook(rawBody: string, signature: string | null): Promise<{ received: true; outcome: Outcome }> {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw notConfigured();
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(rawBody, signature ?? "", secret);
  } catch {
    throw new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_signature", message: "The Stripe signature of this webhook does not verify." });
  }
  return { received: true, outcome: await dispatch(event) };
}
