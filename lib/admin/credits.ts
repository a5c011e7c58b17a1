import { randomUUID } from "node:crypto";
import { expiryAfter } from "../billing/expiry";
import { creditedInRedis } from "../billing/holds-redis";
import { book, creditAccount, type AccountOwner } from "../billing/ledger";
import { redisEnabled } from "../redis";
import { formatCredits, MoneyFormatError, parseCredits } from "../money";
import { bumpConfigVersion } from "../db/change-feed";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { audit, actorId, type Actor } from "./audit";
import { AdminError } from "./errors";
import { findUserByEmail } from "./users";

export interface GrantInput {
  /** a user, or a team that pools its members' credits */
  userEmail?: string;
  teamName?: string;
  /** credits as a decimal string; negative only for adjustments */
  amount: string;
  kind?: "grant" | "adjustment" | "refund";
  note?: string;
  /** idempotency: a grant with a reference already in the ledger is not applied again */
  reference?: string;
  /** promotional credits: they expire this many days after the grant (absent: never) */
  expiresInDays?: number;
}

async function ownerOf(input: GrantInput): Promise<{ owner: AccountOwner; label: string }> {
  if (input.userEmail && input.teamName) throw new AdminError("give a user or a team, not both");
  if (input.teamName) {
    const team = await db().team.findUnique({ where: { name: input.teamName } });
    if (!team) throw new AdminError(`no team named ${input.teamName}`, "not_found");
    return { owner: { teamId: team.id }, label: `team ${team.name}` };
  }
  if (!input.userEmail) throw new AdminError("give the user (or team) to credit");
  const user = await findUserByEmail(input.userEmail);
  return { owner: { userId: user.id }, label: user.email };
}

/** The credit account of a user or team, to read (a statement); an owner with none is not found. */
export async function findCreditAccount(input: Pick<GrantInput, "userEmail" | "teamName">) {
  const { owner, label } = await ownerOf({ ...input, amount: "" });
  const account = await db().creditAccount.findUnique({ where: "userId" in owner ? { userId: owner.userId } : { teamId: owner.teamId } });
  if (!account) throw new AdminError(`${label} has no credit account`, "not_found");
  return { id: account.id, label };
}

/** Adds (or, as an adjustment, removes) credits: one ledger transaction and the balance, atomically. */
export async function grantCredits(input: GrantInput, actor: Actor) {
  const kind = input.kind ?? "grant";
  const negative = input.amount.trim().startsWith("-");
  if (negative && kind !== "adjustment") throw new AdminError("amount must be greater than zero (use an adjustment to remove credits)");
  let amount: bigint;
  try {
    amount = parseCredits(negative ? input.amount.trim().slice(1) : input.amount);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
  if (amount <= 0n) throw new AdminError("amount must be greater than zero");
  if (negative) amount = -amount;
  if (input.expiresInDays !== undefined && (amount < 0n || !Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 3650)) {
    throw new AdminError("expiry must be a whole number of days from 1 to 3650, on credits given (not taken)");
  }
  const { owner, label } = await ownerOf(input);
  const reference = input.reference ?? `${kind}:${randomUUID()}`;

  const result = await transaction(async (tx) => {
    const account = await creditAccount(tx, owner);
    const expiresAt = expiryAfter(input.expiresInDays ?? null);
    const applied = await book(tx, { accountId: account.id, kind, amountMicrocredits: amount, reference, note: input.note ?? null, createdById: actorId(actor), expiresAt });
    if (!applied) {
      const existing = await tx.creditTransaction.findUniqueOrThrow({ where: { reference } });
      if (existing.accountId !== account.id) throw new AdminError(`reference ${reference} was used for another account`, "conflict");
    } else {
      await audit(tx, actor, `credits.${kind}`, account.id, { account: label, amount: input.amount, reference, expiresAt });
      // a new balance must reach running servers at once (it may unblock a customer)
      await bumpConfigVersion(tx);
    }
    const balance = (await tx.creditAccount.findUniqueOrThrow({ where: { id: account.id } })).balanceMicrocredits;
    return { applied, balance: formatCredits(balance), reference, accountId: account.id };
  });
  if (result.applied && redisEnabled()) await creditedInRedis(result.accountId, amount);
  return result;
}
