import { bumpConfigVersion } from "../db/change-feed";
import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { log } from "../log";
import { redisEnabled } from "../redis";
import { creditedInRedis } from "./holds-redis";
import { book } from "./ledger";

// Expiring credits: a grant past its expiry loses what is left of it, booked off the ledger as its
// own entry (kind "expiry", reference expiry:<grant id>), so the balance and the grants stay equal.

const BATCH = 200;
const DAY_MS = 86_400_000;

/** When credits granted now for `days` days expire (null: never). */
export const expiryAfter = (days: number | null, from = new Date()): Date | null => (days === null ? null : new Date(from.getTime() + days * DAY_MS));

/** Takes the account's row lock first, so a usage batch drawing the same grants waits (Postgres). */
async function lockAccount(tx: Tx, accountId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "CreditAccount" SET "updatedAt" = "updatedAt" WHERE "id" = ${accountId}`;
}

async function expireGrant(grantId: string): Promise<{ accountId: string; amount: bigint } | null> {
  return transaction(async (tx) => {
    const found = await tx.creditGrant.findUnique({ where: { id: grantId }, select: { accountId: true } });
    if (!found) return null;
    await lockAccount(tx, found.accountId);
    const grant = await tx.creditGrant.findUniqueOrThrow({ where: { id: grantId } });
    if (grant.remainingMicrocredits <= 0n) return null;
    const amount = grant.remainingMicrocredits;
    const when = grant.expiresAt!.toISOString().slice(0, 10);
    const booked = await book(tx, { accountId: grant.accountId, kind: "expiry", amountMicrocredits: -amount, reference: `expiry:${grant.id}`, drawFrom: grant.reference, note: `${grant.kind} credits expired ${when}` });
    if (!booked) return null;
    // a lower balance must reach running servers' holds
    await bumpConfigVersion(tx);
    return { accountId: grant.accountId, amount };
  });
}

/** Books off what is left of every grant that expired by `now`. Returns how many grants expired. */
export async function expireGrants(now = new Date()): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await db().creditGrant.findMany({ where: { expiresAt: { lte: now }, remainingMicrocredits: { gt: 0n } }, select: { id: true }, orderBy: { expiresAt: "asc" }, take: BATCH });
    for (const { id } of due) {
      const done = await expireGrant(id);
      if (!done) continue;
      expired += 1;
      if (redisEnabled()) await creditedInRedis(done.accountId, -done.amount);
    }
    if (due.length < BATCH) break;
  }
  if (expired) log.info({ expired }, "expired credit grants booked off");
  return expired;
}

/** What of an account's credits will expire, soonest first (the customer's billing page). */
export async function expiringCredits(accountId: string, limit = 20) {
  const grants = await db().creditGrant.findMany({
    where: { accountId, expiresAt: { not: null }, remainingMicrocredits: { gt: 0n } },
    orderBy: [{ expiresAt: "asc" }, { createdAt: "asc" }],
    take: limit,
    select: { id: true, kind: true, amountMicrocredits: true, remainingMicrocredits: true, expiresAt: true, createdAt: true },
  });
  return grants.map((g) => ({ ...g, expiresAt: g.expiresAt! }));
}
