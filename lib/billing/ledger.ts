import type { Tx } from "../db/client";
import { insertNew } from "../db/insert-new";
import { uuidv7 } from "../ids";
import { applyToGrants } from "./grants";
import { Totals } from "./totals";

// The credit ledger: every change of a balance is a CreditTransaction with a unique reference, and
// the balance moves in the same database transaction. A reference seen before is not applied again,
// so retries, replayed webhooks and double clicks cannot double-credit. The balance is always the sum
// of the account's transactions, and credits arrive as grants that spending draws down (grants.ts).

export type CreditKind =
  | "grant"
  | "starter"
  | "topup"
  | "code"
  | "usage"
  | "expiry"
  /** credits given back to a customer (a bad call) */
  | "refund"
  /** a top-up refunded through Stripe: its credits taken back */
  | "topup_refund"
  /** a top-up's payment disputed: its credits taken back until the dispute is won */
  | "dispute"
  | "dispute_won"
  | "adjustment";

export type AccountOwner = { userId: string } | { teamId: string };

/** The owner's credit account, created empty on first use. */
export async function creditAccount(tx: Tx, owner: AccountOwner) {
  return "userId" in owner
    ? tx.creditAccount.upsert({ where: { userId: owner.userId }, create: { userId: owner.userId }, update: {} })
    : tx.creditAccount.upsert({ where: { teamId: owner.teamId }, create: { teamId: owner.teamId }, update: {} });
}

export interface LedgerEntry {
  accountId: string;
  kind: CreditKind;
  amountMicrocredits: bigint;
  reference: string;
  note?: string | null;
  createdById?: string | null;
  /** credits (a positive amount) that expire at this time; null or absent: never */
  expiresAt?: Date | null;
  /** a debit drawn from this grant (the reference that brought it) before the soonest-expiring ones */
  drawFrom?: string | null;
}

/** An account's balance before and after a booking (what low-balance alerts compare with thresholds). */
export interface BalanceMove {
  accountId: string;
  beforeMicrocredits: bigint;
  afterMicrocredits: bigint;
}

/** Books a credit movement once per reference; returns false when the reference was already booked. */
export async function book(tx: Tx, entry: LedgerEntry): Promise<boolean> {
  return (await bookMany(tx, [entry])).booked.length === 1;
}

/**
 * Books many movements in one INSERT and one balance update per account (the usage writer books a
 * whole batch of calls at once). Returns the entries booked — those whose reference was new: a
 * reference repeated within the list counts once, like one already in the ledger — and each touched
 * account's balance before and after.
 */
export async function bookMany(tx: Tx, entries: readonly LedgerEntry[]): Promise<{ booked: LedgerEntry[]; balances: BalanceMove[] }> {
  const byReference = new Map<string, LedgerEntry>();
  for (const entry of entries) if (!byReference.has(entry.reference)) byReference.set(entry.reference, entry);
  const unique = [...byReference.values()];
  if (!unique.length) return { booked: [], balances: [] };
  const now = new Date();
  const fresh = await insertNew(
    tx,
    "CreditTransaction",
    ["id", "accountId", "kind", "amountMicrocredits", "reference", "note", "createdById", "createdAt"],
    "reference",
    unique.map((e) => [uuidv7(), e.accountId, e.kind, e.amountMicrocredits, e.reference, e.note ?? null, e.createdById ?? null, now]),
  );
  const booked = unique.filter((entry) => fresh.has(entry.reference));
  const deltas = new Totals<string>();
  const byAccount = new Map<string, LedgerEntry[]>();
  for (const entry of booked) {
    deltas.add(entry.accountId, entry.accountId, entry.amountMicrocredits);
    const moves = byAccount.get(entry.accountId);
    if (moves) moves.push(entry);
    else byAccount.set(entry.accountId, [entry]);
  }
  const balances: BalanceMove[] = [];
  for (const { item: accountId, amount } of deltas.entries()) {
    const [row] = await tx.$queryRaw<Array<{ balanceMicrocredits: bigint | number }>>`UPDATE "CreditAccount" SET "balanceMicrocredits" = "balanceMicrocredits" + ${amount}, "updatedAt" = ${now} WHERE "id" = ${accountId} RETURNING "balanceMicrocredits"`;
    if (!row) continue;
    const after = BigInt(row.balanceMicrocredits);
    balances.push({ accountId, beforeMicrocredits: after - amount, afterMicrocredits: after });
    await applyToGrants(tx, byAccount.get(accountId)!, after - amount, now);
  }
  return { booked, balances };
}
