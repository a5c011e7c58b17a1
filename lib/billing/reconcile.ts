import { db } from "../db/client";

// The ledger's own audit: every balance equals the sum of its account's transactions, and the
// remainders of its grants add up to the balance when it is positive (to zero when it is not).
// The tests run it after every money flow; `hub credits reconcile` runs it on a live hub.

export interface Discrepancy {
  accountId: string;
  balanceMicrocredits: bigint;
  ledgerMicrocredits: bigint;
  grantsMicrocredits: bigint;
}

type SumRow = { accountId: string; total: bigint | number | string | null };

const sums = (rows: SumRow[]) => new Map(rows.map((r) => [r.accountId, BigInt(r.total ?? 0)]));

/** Accounts whose balance, ledger and grants disagree (none, on a healthy hub). */
export async function reconcileLedger(accountIds?: string[]): Promise<Discrepancy[]> {
  const where = accountIds ? { id: { in: accountIds } } : {};
  const [accounts, ledger, grants] = await Promise.all([
    db().creditAccount.findMany({ where, select: { id: true, balanceMicrocredits: true } }),
    db().$queryRaw<SumRow[]>`SELECT "accountId", CAST(SUM("amountMicrocredits") AS BIGINT) AS "total" FROM "CreditTransaction" GROUP BY "accountId"`,
    db().$queryRaw<SumRow[]>`SELECT "accountId", CAST(SUM("remainingMicrocredits") AS BIGINT) AS "total" FROM "CreditGrant" GROUP BY "accountId"`,
  ]);
  const ledgerSums = sums(ledger);
  const grantSums = sums(grants);
  const wrong: Discrepancy[] = [];
  for (const account of accounts) {
    const balance = account.balanceMicrocredits;
    const inLedger = ledgerSums.get(account.id) ?? 0n;
    const inGrants = grantSums.get(account.id) ?? 0n;
    if (inLedger !== balance || inGrants !== (balance > 0n ? balance : 0n)) {
      wrong.push({ accountId: account.id, balanceMicrocredits: balance, ledgerMicrocredits: inLedger, grantsMicrocredits: inGrants });
    }
  }
  return wrong;
}
