"use server";

import { getLocale, getTranslations } from "next-intl/server";
import { redeemAsCustomer } from "../auth/code-redemption";
import { redeemSchema } from "../billing/codes";
import { ApiError } from "../http/api-error";
import { formats } from "./format";
import { userAction } from "./admin-action";

/** Redeems a code into the signed-in customer's credit account (the account is never the form's to choose). */
export const redeemCodeAction = userAction(redeemSchema, async ({ code }, user) => {
  try {
    const { credits, creditsExpireAt } = await redeemAsCustomer(user.id, code);
    const [t, locale] = await Promise.all([getTranslations("billing.redeem"), getLocale()]);
    return creditsExpireAt ? t("redeemedExpiring", { credits, date: formats(locale).date(creditsExpireAt) }) : t("redeemed", { credits });
  } catch (error) {
    // the customer's refusals (not valid, expired, used up, throttled) read as they are
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
});
