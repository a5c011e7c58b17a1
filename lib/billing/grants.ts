import type { Tx } from "../db/client";
import { uuidv7 } from "../ids";

// Grants: the credits that arrived together (a top-up, a code, starter credits) and what is left of
// them. The ledger (ledger.ts) calls these in the transaction that moves a balance, after the
// account's row is updated — so the row lock orders concurrent writers on Postgres, and SQLite has
// one writer anyway. Invariant: an account's grants' remainders add up to max(balance, 0).

export interface GrantMove {
  accountId: string;
  kind: string;
  reference: string;
  amountMicrocredits: bigint;
  expiresAt?: Date | null;
  /** a debit drawn from this grant (by its reference) before any other: a refund takes back its own top-up */
  drawFrom?: string | null;
}

type GrantRow = { id: string; reference: string; remainingMicrocredits: bigint | number };

/** Adds a grant. While the balance was negative, the credit pays that debt first and only the rest remains. */
async function addGrant(tx: Tx, move: GrantMove, balanceBefore: bigint, now: Date): Promise<void> {
  const debt = balanceBefore < 0n ? -balanceBefore : 0n;
  const remaining = move.amountMicrocredits > debt ? move.amountMicrocredits - debt : 0n;
  await tx.$executeRaw`INSERT INTO "CreditGrant" ("id", "accountId", "kind", "amountMicrocredits", "remainingMicrocredits", "expiresAt", "reference", "createdAt")
    VALUES (${uuidv7()}, ${move.accountId}, ${move.kind}, ${move.amountMicrocredits}, ${remaining}, ${move.expiresAt ?? null}, ${move.reference}, ${now})
    ON CONFLICT ("reference") DO NOTHING`;
}

/**
 * Takes `amount` from the account's grants: the named one first, then the soonest to expire (grants
 * that never expire last, older before newer). What the grants cannot cover is debt: the balance
 * goes below zero and the grants stay empty.
 */
async function drawGrants(tx: Tx, accountId: string, amount: bigint, drawFrom: string | null | undefined): Promise<void> {
  let left = amount;
  const rows = await tx.$queryRaw<GrantRow[]>`SELECT "id", "reference", "remainingMicrocredits" FROM "CreditGrant"
    WHERE "accountId" = ${accountId} AND "remainingMicrocredits" > 0
    ORDER BY CASE WHEN "reference" = ${drawFrom ?? ""} THEN 0 ELSE 1 END, CASE WHEN "expiresAt" IS NULL THEN 1 ELSE 0 END, "expiresAt", "createdAt", "id"`;
  for (const row of rows) {
    if (left <= 0n) break;
    const remaining = BigInt(row.remainingMicrocredits);
    const take = remaining < left ? remaining : left;
    await tx.$executeRaw`UPDATE "CreditGrant" SET "remainingMicrocredits" = "remainingMicrocredits" - ${take} WHERE "id" = ${row.id}`;
    left -= take;
  }
}

/**
 * Applies one account's booked moves, in order, to its grants: credits add grants, debits draw them
 * down. `balanceBefore` is the balance before the first of them.
 */
export async function applyToGrants(tx: Tx, moves: readonly GrantMove[], balanceBefore: bigint, now: Date): Promise<void> {
  let balance = balanceBefore;
  let i = 0;
  while (i < moves.length) {
    const move = moves[i]!;
    if (move.amountMicrocredits > 0n) {
      await addGrant(tx, move, balance, now);
      balance += move.amountMicrocredits;
      i += 1;
      continue;
    }
    // a run of debits (a batch of calls) draws once
    let debit = 0n;
    const drawFrom = move.drawFrom;
    while (i < moves.length && moves[i]!.amountMicrocredits <= 0n && moves[i]!.drawFrom === drawFrom) debit -= moves[i++]!.amountMicrocredits;
    if (debit > 0n && balance > 0n) await drawGrants(tx, move.accountId, debit, drawFrom);
    balance -= debit;
  }
}
