import type Stripe from "stripe";
import { z } from "zod";
import { bumpConfigVersion } from "../db/change-feed";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { ApiError } from "../http/api-error";
import { log } from "../log";
import { formatMinorUnits } from "../money";
import { redisEnabled } from "../redis";
import { creditedInRedis } from "./holds-redis";
import { book, type CreditKind } from "./ledger";
import { stripe, stripeId, topUpReference } from "./stripe";

// Refunds and disputes take a top-up's credits back, pro rata: a payment's credits times the share of
// its amount refunded or disputed (never more than the credits). Each change books the difference
// from what was taken back before, drawn from the top-up's own grant first; the balance may go
// negative, and the customer is then refused until it is positive again. Stripe's events and the
// admin's refund button meet here, and whichever comes second books nothing.

type PaymentState = { id: string; accountId: string; stripeSessionId: string | null; amountCents: number; creditsMicrocredits: bigint; refundedCents: number; disputedCents: number };

/** The credits taken back from a payment with so much refunded and disputed. */
function takenBack(p: Pick<PaymentState, "amountCents" | "creditsMicrocredits">, refundedCents: number, disputedCents: number): bigint {
  const cents = BigInt(Math.min(p.amountCents, refundedCents + disputedCents));
  return p.amountCents > 0 ? (p.creditsMicrocredits * cents) / BigInt(p.amountCents) : 0n;
}

class AlreadyBooked extends Error {}

/**
 * Moves a payment to new refunded/disputed amounts and books the credits that changes, once per
 * reference. The payment's row is updated only where it still holds what was read, so two events
 * racing each other apply one after the other (the loser reads again).
 */
async function moveTo(paymentId: string, next: (p: PaymentState) => { refundedCents: number; disputedCents: number; kind: CreditKind; reference: string; note: string } | null): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await transaction(async (tx) => {
      const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
      const change = next(payment);
      if (!change) return { done: true as const, moved: null };
      if (await tx.creditTransaction.findUnique({ where: { reference: change.reference }, select: { id: true } })) return { done: true as const, moved: null };
      const updated = await tx.payment.updateMany({
        where: { id: payment.id, refundedCents: payment.refundedCents, disputedCents: payment.disputedCents },
        data: { refundedCents: change.refundedCents, disputedCents: change.disputedCents },
      });
      if (updated.count === 0) return { done: false as const, moved: null };
      const delta = takenBack(payment, payment.refundedCents, payment.disputedCents) - takenBack(payment, change.refundedCents, change.disputedCents);
      const booked = await book(tx, { accountId: payment.accountId, kind: change.kind, amountMicrocredits: delta, reference: change.reference, note: change.note, drawFrom: topUpReference(payment) });
      // the same event in another transaction booked it first: undo this one's update
      if (!booked) throw new AlreadyBooked();
      await bumpConfigVersion(tx);
      return { done: true as const, moved: { accountId: payment.accountId, delta } };
    }).catch((error: unknown) => {
      if (error instanceof AlreadyBooked) return { done: true as const, moved: null };
      throw error;
    });
    if (!outcome.done) continue;
    if (outcome.moved && redisEnabled()) await creditedInRedis(outcome.moved.accountId, outcome.moved.delta);
    return outcome.moved !== null;
  }
  throw new Error(`payment ${paymentId} kept changing under its refund`);
}

/** Applies a charge's cumulative refunded amount (Stripe's `charge.refunded`, or after an admin's refund). */
async function applyRefundTotal(paymentId: string, amountRefunded: number, currency: string, reason?: string): Promise<boolean> {
  return moveTo(paymentId, (p) =>
    amountRefunded <= p.refundedCents
      ? null
      : {
          refundedCents: Math.min(amountRefunded, p.amountCents),
          disputedCents: p.disputedCents,
          kind: "topup_refund",
          reference: `topup_refund:${p.id}:${amountRefunded}`,
          note: `Refunded ${formatMinorUnits(amountRefunded, currency)} of ${formatMinorUnits(p.amountCents, currency)}${reason ? ` (${reason})` : ""}`,
        },
  );
}

async function paymentOfCharge(charge: { payment_intent: string | { id: string } | null }) {
  const intent = stripeId(charge.payment_intent);
  const payment = intent ? await db().payment.findUnique({ where: { stripePaymentIntentId: intent }, select: { id: true } }) : null;
  if (!payment) log.warn({ paymentIntent: intent }, "a Stripe refund or dispute names no payment of this hub; ignored");
  return payment;
}

/** Stripe's `charge.refunded`: the charge's refunded total, whoever refunded it. */
export async function chargeRefunded(charge: Stripe.Charge): Promise<boolean> {
  const payment = await paymentOfCharge(charge);
  return payment ? applyRefundTotal(payment.id, charge.amount_refunded, charge.currency) : false;
}

/** Stripe's `charge.dispute.created`: the disputed amount's credits are taken back while it is open. */
export async function disputeOpened(dispute: Stripe.Dispute): Promise<boolean> {
  const payment = await paymentOfCharge(dispute);
  if (!payment) return false;
  return moveTo(payment.id, (p) => ({
    refundedCents: p.refundedCents,
    disputedCents: p.disputedCents + dispute.amount,
    kind: "dispute",
    reference: `dispute:${dispute.id}`,
    note: `Payment disputed (${dispute.reason}): ${formatMinorUnits(dispute.amount, dispute.currency)}`,
  }));
}

/** Stripe's `charge.dispute.closed`: a won dispute gives the credits back; a lost one keeps them taken. */
export async function disputeClosed(dispute: Stripe.Dispute): Promise<boolean> {
  if (dispute.status !== "won") return false;
  const payment = await paymentOfCharge(dispute);
  if (!payment) return false;
  // only a dispute whose opening was booked is given back
  if (!(await db().creditTransaction.findUnique({ where: { reference: `dispute:${dispute.id}` }, select: { id: true } }))) return false;
  return moveTo(payment.id, (p) => ({
    refundedCents: p.refundedCents,
    disputedCents: Math.max(0, p.disputedCents - dispute.amount),
    kind: "dispute_won",
    reference: `dispute_won:${dispute.id}`,
    note: `Dispute won: ${formatMinorUnits(dispute.amount, dispute.currency)} restored`,
  }));
}

export const REFUND_REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;

export const refundSchema = z.object({
  paymentId: z.string().min(1),
  /** in the payment's minor unit; absent: everything not refunded yet */
  amountCents: z.coerce.number().int().positive().optional(),
  reason: z.enum(REFUND_REASONS),
  note: z.string().trim().max(500).optional(),
});

const refundError = (message: string, code = "refund_refused") => new ApiError({ status: 400, type: "invalid_request_error", code, message, param: "amountCents" });

/**
 * An admin refunds a top-up through Stripe; its credits are taken back at once (Stripe's
 * `charge.refunded` that follows books nothing more). The idempotency key names the refunded total
 * it starts from, so a double click refunds once.
 */
export async function refundPayment(input: z.infer<typeof refundSchema>) {
  const payment = await db().payment.findUnique({ where: { id: input.paymentId } });
  if (!payment) throw new ApiError({ status: 404, type: "not_found_error", code: "payment_not_found", message: "No such payment.", param: "paymentId" });
  if (payment.status !== "paid" || !payment.stripePaymentIntentId) throw refundError("Only a paid top-up can be refunded.");
  const left = payment.amountCents - payment.refundedCents;
  if (left <= 0) throw refundError("This payment was refunded in full already.");
  const amount = input.amountCents ?? left;
  if (amount > left) throw refundError(`At most ${formatMinorUnits(left, payment.currency)} of this payment can still be refunded.`);
  const client = stripe();
  await client.refunds.create(
    { payment_intent: payment.stripePaymentIntentId, amount, reason: input.reason, metadata: { paymentId: payment.id, ...(input.note ? { note: input.note } : {}) } },
    { idempotencyKey: `refund:${payment.id}:${payment.refundedCents}:${amount}` },
  );
  const intent = await client.paymentIntents.retrieve(payment.stripePaymentIntentId, { expand: ["latest_charge"] });
  const charge = intent.latest_charge;
  const refunded = charge && typeof charge !== "string" ? charge.amount_refunded : payment.refundedCents + amount;
  await applyRefundTotal(payment.id, refunded, payment.currency, input.note ?? input.reason.replaceAll("_", " "));
  return { paymentId: payment.id, refundedCents: refunded, amountCents: amount };
}
