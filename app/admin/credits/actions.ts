"use server";

import { z } from "zod";
import { grantCredits } from "@/lib/admin/credits";
import { addPackage } from "@/lib/admin/packages";
import { refundTopUp } from "@/lib/admin/payments";
import { REFUND_REASONS } from "@/lib/billing/refunds";
import { adminAction } from "@/lib/ui/admin-action";

export const grantAction = adminAction(
  z.object({
    account: z.string({ error: "Pick whose credits" }).min(1),
    amount: z.string({ error: "Give an amount" }).regex(/^-?\d+(\.\d+)?$/, "A number of credits like 1000 (negative only for an adjustment)"),
    kind: z.enum(["grant", "adjustment", "refund"]).default("grant"),
    note: z.string({ error: "Say why" }).trim().min(1, "Say why (it is kept in the ledger)").max(200),
    expiresInDays: z.coerce.number().int("Whole days").min(1, "At least 1 day").max(3650).optional(),
  }),
  async ({ account, amount, kind, note, expiresInDays }, admin) => {
    const [type, name] = [account.slice(0, account.indexOf(":")), account.slice(account.indexOf(":") + 1)];
    const result = await grantCredits({ ...(type === "team" ? { teamName: name } : { userEmail: name }), amount, kind, note, expiresInDays }, admin.email);
    return `${kind === "grant" ? "Granted" : "Booked"} ${amount} credits; balance now ${result.balance}`;
  },
);

export const addPackageAction = adminAction(
  z.object({
    name: z.string({ error: "Give it a name" }).trim().min(1),
    price: z.string({ error: "Give the price" }).regex(/^\d+(\.\d{1,2})?$/, "A price like 10 or 9.99"),
    currency: z.string().regex(/^[A-Za-z]{3}$/, "A three-letter code like usd").optional(),
    credits: z.string({ error: "Give the credits" }).regex(/^\d+(\.\d+)?$/, "A number of credits"),
    groupId: z.string().optional(),
  }),
  async (input, admin) => {
    const pack = await addPackage(input, admin.email);
    return `Added package ${pack.name}`;
  },
);

export const refundAction = adminAction(
  z.object({
    paymentId: z.string().min(1),
    amount: z.string().regex(/^\d+(\.\d{1,2})?$/, "An amount like 5 or 4.99").optional(),
    reason: z.enum(REFUND_REASONS),
    note: z.string().trim().max(500).optional(),
  }),
  async ({ paymentId, amount, reason, note }, admin) => {
    const amountCents = amount === undefined ? undefined : Math.round(Number(amount) * 100);
    const result = await refundTopUp({ paymentId, amountCents, reason, note }, admin.email);
    return `Refunded ${(result.amountCents / 100).toFixed(2)}; the credits were taken back`;
  },
);
