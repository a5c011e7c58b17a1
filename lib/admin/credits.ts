import { randomUUID } from "node:crypto";
import { formatCredits, MoneyFormatError, parseCredits } from "../billing/money";
import { bumpConfigVersion } from "../config/change-feed";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { findUserByEmail } from "./users";
import { transaction } from "../db/transaction";

export interface GrantInput {
  userEmail: string;
  /** credits as a decimal string */
  amount: string;
  note?: string;
  /** idempotency: a grant with a reference already in the ledger is not applied again */
  reference?: string;
}

/** Adds credits to a user's account: one ledger transaction and the balance, atomically. */
export async function grantCredits(input: GrantInput, actor: Actor) {
  let amount: bigint;
  try {
    amount = parseCredits(input.amount);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
  if (amount <= 0n) throw new AdminError("amount must be greater than zero");
  const user = await findUserByEmail(input.userEmail);
  const reference = input.reference ?? `grant:${randomUUID()}`;

  return transaction(async (tx) => {
    const existing = await tx.creditTransaction.findUnique({ where: { reference } });
    const account = await tx.creditAccount.upsert({ where: { userId: user.id }, create: { userId: user.id }, update: {} });
    if (existing) {
      if (existing.accountId !== account.id) throw new AdminError(`reference ${reference} was used for another account`, "conflict");
      return { applied: false, balance: formatCredits(account.balanceMicrocredits), reference };
    }
    await tx.creditTransaction.create({ data: { accountId: account.id, kind: "grant", amountMicrocredits: amount, reference, note: input.note ?? null } });
    const updated = await tx.creditAccount.update({ where: { id: account.id }, data: { balanceMicrocredits: { increment: amount } } });
    await audit(tx, actor, "credits.grant", account.id, { user: user.email, amount: input.amount, reference });
    await bumpConfigVersion(tx);
    return { applied: true, balance: formatCredits(updated.balanceMicrocredits), reference };
  });
}
