"use server";

import { z } from "zod";
import { grantCredits } from "@/lib/admin/credits";
import { addPackage } from "@/lib/admin/packages";
import { refundTopUp } from "@/lib/admin/payments";
import { REFUND_REASONS } from "@/lib/billing/refunds";
import { translatedAdminAction, type Translator } from "@/lib/ui/admin-action";

// Field errors and answers read in the admin's language (messages/*/adminBilling.json), so each
// schema is built per request with the translator; refusals from lib/admin stay English.

type T = Translator<"adminBilling.actions">;

const grantSchema = (t: T) =>
  z.object({
    account: z.string({ error: t("pickAccount") }).min(1),
    amount: z.string({ error: t("giveAmount") }).regex(/^-?\d+(\.\d+)?$/, t("amountFormat")),
    kind: z.enum(["grant", "adjustment", "refund"]).default("grant"),
    note: z.string({ error: t("sayWhy") }).trim().min(1, t("sayWhyLedger")).max(200),
    expiresInDays: z.coerce.number().int(t("wholeDays")).min(1, t("atLeastOneDay")).max(3650).optional(),
  });

export const grantAction = translatedAdminAction("adminBilling.actions", async (t) => grantSchema(t), async ({ account, amount, kind, note, expiresInDays }, admin, t) => {
  const [type, name] = [account.slice(0, account.indexOf(":")), account.slice(account.indexOf(":") + 1)];
  const result = await grantCredits({ ...(type === "team" ? { teamName: name } : { userEmail: name }), amount, kind, note, expiresInDays }, admin.email);
  return t("granted", { kind, amount, balance: result.balance });
});

const packageSchema = (t: T) =>
  z.object({
    name: z.string({ error: t("giveName") }).trim().min(1),
    price: z.string({ error: t("givePrice") }).regex(/^\d+(\.\d{1,2})?$/, t("priceFormat")),
    currency: z.string().regex(/^[A-Za-z]{3}$/, t("currencyFormat")).optional(),
    credits: z.string({ error: t("giveCredits") }).regex(/^\d+(\.\d+)?$/, t("creditsFormat")),
    groupId: z.string().optional(),
  });

export const addPackageAction = translatedAdminAction("adminBilling.actions", async (t) => packageSchema(t), async (input, admin, t) => {
  const pack = await addPackage(input, admin.email);
  return t("packageAdded", { name: pack.name });
});

const refundSchema = (t: T) =>
  z.object({
    paymentId: z.string().min(1),
    amount: z.string().regex(/^\d+(\.\d{1,2})?$/, t("refundAmountFormat")).optional(),
    reason: z.enum(REFUND_REASONS),
    note: z.string().trim().max(500).optional(),
  });

export const refundAction = translatedAdminAction("adminBilling.actions", async (t) => refundSchema(t), async ({ paymentId, amount, reason, note }, admin, t) => {
  const amountCents = amount === undefined ? undefined : Math.round(Number(amount) * 100);
  const result = await refundTopUp({ paymentId, amountCents, reason, note }, admin.email);
  return t("refunded", { amount: (result.amountCents / 100).toFixed(2) });
});
