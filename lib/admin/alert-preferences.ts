import { z } from "zod";
import type { Caller } from "../caller";
import { db } from "../db/client";
import { formatCredits, parseCredits } from "../money";
import { AdminError } from "./errors";

// A customer's own low-balance alert, set on their dashboard: below how many credits, and to which
// address (none: their sign-in address). Always the caller's own: whose row is never an argument.

export const lowBalanceAlertSchema = z.object({
  /** null turns the alert off */
  thresholdCredits: z
    .string()
    .trim()
    .refine((s) => /^\d+(\.\d{1,6})?$/.test(s), "must be a number of credits")
    .refine((s) => !/^\d+(\.\d{1,6})?$/.test(s) || parseCredits(s) > 0n, "must be above zero")
    .nullable(),
  /** null: the sign-in address */
  email: z.string().trim().toLowerCase().max(320).regex(/^[^\s@]+@[^\s@]+$/, "must be an e-mail address").nullable(),
});
export type LowBalanceAlertInput = z.input<typeof lowBalanceAlertSchema>;

export interface LowBalanceAlert {
  thresholdCredits: string | null;
  email: string | null;
  /** where it goes when `email` is null */
  signInEmail: string;
}

export async function myLowBalanceAlert(caller: Caller): Promise<LowBalanceAlert> {
  const user = await db().user.findUnique({ where: { id: caller.id }, select: { email: true, alertEmail: true, alertLowBalanceMicrocredits: true } });
  if (!user) throw new AdminError("no such account", "not_found");
  return { thresholdCredits: user.alertLowBalanceMicrocredits === null ? null : formatCredits(user.alertLowBalanceMicrocredits), email: user.alertEmail, signInEmail: user.email };
}

export async function setMyLowBalanceAlert(caller: Caller, input: LowBalanceAlertInput): Promise<LowBalanceAlert> {
  const parsed = lowBalanceAlertSchema.safeParse(input);
  if (!parsed.success) throw new AdminError(`${parsed.error.issues[0]?.path.join(".") || "input"} ${parsed.error.issues[0]?.message ?? "is not valid"}`);
  const { thresholdCredits, email } = parsed.data;
  const { count } = await db().user.updateMany({
    where: { id: caller.id },
    data: { alertLowBalanceMicrocredits: thresholdCredits === null ? null : parseCredits(thresholdCredits), alertEmail: email },
  });
  if (!count) throw new AdminError("no such account", "not_found");
  return myLowBalanceAlert(caller);
}
