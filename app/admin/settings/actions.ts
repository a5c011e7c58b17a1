"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { saveChangedSettings, wholeIn } from "./save-changed";
import { adminAction } from "@/lib/ui/admin-action";

// The form's fields by their CLI setting names (lib/admin/settings.ts validates each value).
const FIELDS = {
  mode: "mode",
  creditPriceUsd: "credit-price-usd",
  starterCredits: "starter-credits",
  signUpEnabled: "sign-up",
  brandName: "brand-name",
  brandLogoUrl: "brand-logo-url",
  topUpUrl: "top-up-url",
  currency: "currency",
  directModelRouting: "direct-model-routing",
  checkoutPromotionCodes: "checkout-promotion-codes",
  starterCreditExpiryDays: "starter-credit-expiry-days",
  paidCreditExpiryDays: "paid-credit-expiry-days",
  autoRechargeMaxPerDay: "auto-recharge-max-per-day",
  autoRechargeMaxFailures: "auto-recharge-max-failures",
  priceSourceUrl: "price-source-url",
  refuseBelowCost: "refuse-below-cost",
} as const;

/** the form, its messages in the reader's language; the ranges are lib/settings.ts's */
async function settingsForm() {
  const t = await getTranslations("admin.settings.validation");
  const whole = (min: number, max: number) => wholeIn((range) => t("wholeIn", range), min, max);
  return z.object({
    mode: z.enum(["enterprise", "service_provider"]),
    creditPriceUsd: z.string().regex(/^\d+(\.\d+)?$/, t("usdAmount")),
    starterCredits: z.string().regex(/^\d+(\.\d+)?$/, t("credits")),
    signUpEnabled: z.literal("on").optional(),
    brandName: z.string().trim().min(1, t("brandName")).max(60),
    brandLogoUrl: z.url(t("notUrl")).optional(),
    topUpUrl: z.url(t("notUrl")).optional(),
    currency: z.string().regex(/^[A-Za-z]{3}$/, t("currency")),
    directModelRouting: z.enum(["auto", "on", "off"]),
    checkoutPromotionCodes: z.literal("on").optional(),
    // empty: the credits never expire
    starterCreditExpiryDays: whole(1, 3650).optional(),
    paidCreditExpiryDays: whole(1, 3650).optional(),
    // empty (or a form without them): left as they are
    autoRechargeMaxPerDay: whole(1, 100).optional(),
    autoRechargeMaxFailures: whole(1, 20).optional(),
    priceSourceUrl: z.url(t("notUrl")).optional(),
    refuseBelowCost: z.literal("on").optional(),
  });
}

export const saveSettingsAction = adminAction(settingsForm, async (input, admin) =>
  saveChangedSettings(
    FIELDS,
    (stored) => ({
      mode: input.mode,
      creditPriceUsd: input.creditPriceUsd,
      starterCredits: input.starterCredits,
      signUpEnabled: input.signUpEnabled ? "on" : "off",
      brandName: input.brandName,
      brandLogoUrl: input.brandLogoUrl ?? "none",
      topUpUrl: input.topUpUrl ?? "none",
      currency: input.currency,
      directModelRouting: input.directModelRouting,
      checkoutPromotionCodes: input.checkoutPromotionCodes ? "on" : "off",
      starterCreditExpiryDays: input.starterCreditExpiryDays ?? "none",
      paidCreditExpiryDays: input.paidCreditExpiryDays ?? "none",
      autoRechargeMaxPerDay: input.autoRechargeMaxPerDay ?? stored("autoRechargeMaxPerDay"),
      autoRechargeMaxFailures: input.autoRechargeMaxFailures ?? stored("autoRechargeMaxFailures"),
      priceSourceUrl: input.priceSourceUrl ?? "none",
      refuseBelowCost: input.refuseBelowCost ? "on" : "off",
    }),
    admin.email,
  ),
);
