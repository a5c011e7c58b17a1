import { randomUUID } from "node:crypto";
import type { Tx } from "../db/client";

// The credit ledger: every change of a balance is a CreditTransaction with a unique reference, and
// the balance moves in the same database transaction. A reference seen before is not applied again,
// so retries, replayed webhooks and double clicks cannot double-credit. The balance is always the sum
// of the account's transactions.

export type CreditKind = "grant" | "starter" | "topup" | "usage" | "refund" | "adjustment";

export type AccountOwner = { userId: string } | { teamId: string };

/** The owner's credit account, created empty on first use. */
export async function creditAccount(tx: Tx, owner: AccountOwner) {
  return "userId" in owner
    ? tx.creditAccount.upsert({ where: { userId: owner.userId }, create: { userId: owner.userId }, update: {} })
    : tx.creditAccount.upsert({ where: { teamId: owner.teamId }, create: { teamId: owner.teamId }, update: {} });
}

/** Books a credit movement once per reference; returns false when the reference was already booked. */
export async function book(
  tx: Tx,
  entry: { accountId: string; kind: CreditKind; amountMicrocredits: bigint; reference: string; note?: string | null; createdById?: string | null },
): Promise<boolean> {
  const inserted = await tx.$executeRaw`INSERT INTO "CreditTransaction" ("id", "accountId", "kind", "amountMicrocredits", "reference", "note", "createdById", "createdAt")
    VALUES (${randomUUID()}, ${entry.accountId}, ${entry.kind}, ${entry.amountMicrocredits}, ${entry.reference}, ${entry.note ?? null}, ${entry.createdById ?? null}, ${new Date()})
    ON CONFLICT ("reference") DO NOTHING`;
  if (inserted === 0) return false;
  await tx.$executeRaw`UPDATE "CreditAccount" SET "balanceMicrocredits" = "balanceMicrocredits" + ${entry.amountMicrocredits}, "updatedAt" = ${new Date()} WHERE "id" = ${entry.accountId}`;
  return true;
}
