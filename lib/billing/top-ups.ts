import { db } from "../db/client";
import { formatMinorUnits } from "../money";

/** An account's latest top-ups and auto-recharges, with Stripe's receipt and invoice (the customer's billing page). */
export async function accountTopUps(accountId: string, take = 10) {
  const rows = await db().payment.findMany({ where: { accountId, status: { not: "pending" } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
  return rows.map((p) => ({
    id: p.id,
    at: p.paidAt ?? p.createdAt,
    kind: p.kind,
    status: p.status,
    amount: formatMinorUnits(p.amountCents, p.currency),
    creditsMicrocredits: p.creditsMicrocredits,
    refunded: p.refundedCents ? formatMinorUnits(p.refundedCents, p.currency) : null,
    failureMessage: p.failureMessage,
    receiptUrl: p.receiptUrl,
    invoiceUrl: p.invoiceUrl,
  }));
}
