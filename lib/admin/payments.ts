import type { z } from "zod";
import { assertAdmin, type Caller } from "../caller";
import { refundPayment, type refundSchema } from "../billing/refunds";
import { db } from "../db/client";
import { formatCredits, formatMinorUnits } from "../money";
import { ApiError } from "../http/api-error";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

// Top-ups as the operator sees them (the credits page) and the refund an admin makes from there.

/** The newest payments of every account: status, refunds, disputes, Stripe's receipt and invoice. */
export async function recentPayments(caller: Caller, take = 50) {
  assertAdmin(caller, "the payments");
  const rows = await db().payment.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    include: { account: { select: { id: true, user: { select: { email: true } }, team: { select: { name: true } } } } },
  });
  return rows.map((p) => ({
    id: p.id,
    createdAt: p.createdAt,
    accountId: p.account.id,
    account: p.account.user?.email ?? (p.account.team ? `team ${p.account.team.name}` : p.accountId),
    kind: p.kind,
    status: p.status,
    amount: formatMinorUnits(p.amountCents, p.currency),
    credits: formatCredits(p.creditsMicrocredits),
    refunded: p.refundedCents ? formatMinorUnits(p.refundedCents, p.currency) : null,
    disputed: p.disputedCents ? formatMinorUnits(p.disputedCents, p.currency) : null,
    refundableCents: p.status === "paid" && p.stripePaymentIntentId ? p.amountCents - p.refundedCents : 0,
    currency: p.currency,
    failureMessage: p.failureMessage,
    receiptUrl: p.receiptUrl,
    invoiceUrl: p.invoiceUrl,
  }));
}

/** Refunds a top-up through Stripe (its credits are taken back) and records who did it and why. */
export async function refundTopUp(input: z.infer<typeof refundSchema>, actor: Actor) {
  const result = await refundPayment(input).catch((error: unknown) => {
    // a refusal (amount, state) reads as the operator's mistake; Stripe's own errors stay in the log
    if (error instanceof ApiError && error.status < 500) throw new AdminError(error.message, error.status === 404 ? "not_found" : "invalid");
    throw error;
  });
  const payment = await db().payment.findUniqueOrThrow({ where: { id: input.paymentId }, select: { currency: true, accountId: true } });
  await audit(db(), actor, "payment.refund", input.paymentId, { accountId: payment.accountId, amount: formatMinorUnits(result.amountCents, payment.currency), reason: input.reason, note: input.note ?? null });
  return result;
}
