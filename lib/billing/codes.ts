import { z } from "zod";
import { bumpConfigVersion } from "../db/change-feed";
import type { Tx } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { transaction } from "../db/transaction";
import { ApiError } from "../http/api-error";
import { redisEnabled } from "../redis";
import { codePrefix, hashCode } from "./code-secret";
import { creditedInRedis } from "./holds-redis";
import { book, creditAccount, type AccountOwner } from "./ledger";

// Redeeming a code: one transaction claims a use of the code, records the redemption and books its
// credits, so a redemption is all of these or none. Races are settled by the database, not by reads
// done before: the claim is a conditional UPDATE (of two customers after the last use, one gets it),
// and a redemption's ordinal per account is unique (of two redemptions by one customer past their
// limit, one is refused by the index). The ledger reference is the redemption's (code, account,
// ordinal), so nothing can book the same redemption twice.

const DAY_MS = 86_400_000;
/** a redemption that lost a race on the ordinal counts again once; losing twice is answered as a conflict */
const ATTEMPTS = 2;

export const redeemSchema = z.object({ code: z.string().trim().min(1, "Enter a code").max(64, "Codes are shorter than that") });

const REFUSALS = {
  // an unknown and a disabled code read the same, so guessing learns nothing from the answer
  invalid: { code: "invalid_code", message: "This code is not valid." },
  expired: { code: "code_expired", message: "This code has expired." },
  used_up: { code: "code_used_up", message: "This code has already been used up." },
  already_redeemed: { code: "code_already_redeemed", message: "You have already redeemed this code." },
} as const;

const refused = (why: keyof typeof REFUSALS) => new ApiError({ status: 400, type: "invalid_request_error", param: "code", ...REFUSALS[why] });

export interface Redemption {
  accountId: string;
  amountMicrocredits: bigint;
  /** when the credits it brought expire (null: never) */
  creditsExpireAt: Date | null;
}

type CodeRow = { disabledAt: Date | null; expiresAt: Date | null };

/** Why a code whose use could not be claimed is unusable. */
const unusable = (code: CodeRow, now: Date): keyof typeof REFUSALS =>
  code.disabledAt ? "invalid" : code.expiresAt && code.expiresAt <= now ? "expired" : "used_up";

/** The account a user's credits go to: their team's when the team pools credits, else their own. */
async function spendingAccount(tx: Tx, userId: string) {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, team: { select: { id: true, poolCredits: true } } } });
  const owner: AccountOwner = user.team?.poolCredits ? { teamId: user.team.id } : { userId };
  return { account: await creditAccount(tx, owner), email: user.email };
}

const expiryNote = (expiresAt: Date | null) => (expiresAt ? `; credits expire ${expiresAt.toISOString().slice(0, 10)}` : "");

async function redeemOnce(tx: Tx, userId: string, typed: string, now: Date): Promise<Redemption> {
  const code = await tx.redemptionCode.findUnique({ where: { hash: hashCode(typed) } });
  if (!code || code.disabledAt) throw refused("invalid");
  const { account, email } = await spendingAccount(tx, userId);
  // counted before the claim, so a customer who used up a one-use code hears that they redeemed it;
  // two of their redemptions racing past this count meet at the unique ordinal below
  const earlier = await tx.codeRedemption.count({ where: { codeId: code.id, accountId: account.id } });
  if (earlier >= code.perCustomerLimit) throw refused("already_redeemed");
  // Postgres evaluates the condition on the row as the UPDATE locks it: racing claims of the last use
  // queue on the row lock and the later ones find none left (SQLite runs one writer at a time)
  const claimed = await tx.redemptionCode.updateMany({
    where: { id: code.id, disabledAt: null, uses: { lt: tx.redemptionCode.fields.maxUses }, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    data: { uses: { increment: 1 } },
  });
  if (claimed.count === 0) throw refused(unusable(await tx.redemptionCode.findUniqueOrThrow({ where: { id: code.id } }), now));
  const ordinal = earlier + 1;
  await tx.codeRedemption.create({ data: { codeId: code.id, accountId: account.id, userId, ordinal } });

  const creditsExpireAt = code.creditExpiryDays === null ? null : new Date(now.getTime() + code.creditExpiryDays * DAY_MS);
  await book(tx, {
    accountId: account.id,
    kind: "code",
    amountMicrocredits: code.amountMicrocredits,
    reference: `code:${code.id}:${account.id}:${ordinal}`,
    note: `Code ${codePrefix(typed)}…${expiryNote(creditsExpireAt)}`,
    createdById: email,
    expiresAt: creditsExpireAt,
  });
  // a new balance must reach running servers at once (it may unblock the customer's calls)
  await bumpConfigVersion(tx);
  return { accountId: account.id, amountMicrocredits: code.amountMicrocredits, creditsExpireAt };
}

/**
 * Redeems a code for a user into the account they spend from. Refusals are ApiErrors a customer may
 * read (REFUSALS); the caller has authenticated the user and throttles their attempts.
 */
export async function redeemCode(userId: string, typed: string): Promise<Redemption> {
  for (let attempt = 1; ; attempt++) {
    try {
      const redemption = await transaction((tx) => redeemOnce(tx, userId, typed, new Date()));
      if (redisEnabled()) await creditedInRedis(redemption.accountId, redemption.amountMicrocredits);
      return redemption;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // the same customer's concurrent redemption took this ordinal: counting again finds it
      if (attempt >= ATTEMPTS) throw refused("already_redeemed");
    }
  }
}
