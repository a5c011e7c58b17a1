"use server";

import { redeemAsCustomer } from "../auth/code-redemption";
import { redeemSchema } from "../billing/codes";
import { ApiError } from "../http/api-error";
import { date } from "./format";
import { userAction } from "./admin-action";

/** Redeems a code into the signed-in customer's credit account (the account is never the form's to choose). */
export const redeemCodeAction = userAction(redeemSchema, async ({ code }, user) => {
  try {
    const { credits, creditsExpireAt } = await redeemAsCustomer(user.id, code);
    return `Redeemed ${credits} credits${creditsExpireAt ? `; they expire on ${date(creditsExpireAt)}` : ""}`;
  } catch (error) {
    // the customer's refusals (not valid, expired, used up, throttled) read as they are
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
});
