"use server";

import { z } from "zod";
import { currentSettings, setSetting } from "@/lib/admin/settings";
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
} as const;

export const saveSettingsAction = adminAction(
  z.object({
    mode: z.enum(["enterprise", "service_provider"]),
    creditPriceUsd: z.string().regex(/^\d+(\.\d+)?$/, "A USD amount like 0.000001"),
    starterCredits: z.string().regex(/^\d+(\.\d+)?$/, "A number of credits"),
    signUpEnabled: z.literal("on").optional(),
    brandName: z.string().trim().min(1, "Give the hub a name").max(60),
    brandLogoUrl: z.url("Not a URL").optional(),
    topUpUrl: z.url("Not a URL").optional(),
    currency: z.string().regex(/^[A-Za-z]{3}$/, "A three-letter code like usd"),
    directModelRouting: z.enum(["auto", "on", "off"]),
    checkoutPromotionCodes: z.literal("on").optional(),
  }),
  async (input, admin) => {
    const current = await currentSettings();
    const wanted: Record<keyof typeof FIELDS, string> = {
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
    };
    const stored = (key: keyof typeof FIELDS) => {
      const value = current[key];
      return typeof value === "boolean" ? (value ? "on" : "off") : (value ?? "none");
    };
    const changed = (Object.keys(FIELDS) as Array<keyof typeof FIELDS>).filter((key) => stored(key) !== wanted[key]);
    for (const key of changed) await setSetting(FIELDS[key], wanted[key], admin.email);
    return changed.length ? `Saved ${changed.length} setting${changed.length === 1 ? "" : "s"}` : "Nothing changed";
  },
);
