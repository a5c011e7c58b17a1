"use server";

import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { AdminError } from "../admin/errors";
import { createApiKey, revokeApiKey } from "../admin/keys";
import { setMyLowBalanceAlert } from "../admin/alert-preferences";
import { userPrincipal } from "../gateway/authenticate";
import { ApiError } from "../http/api-error";
import { createCheckout } from "../billing/stripe";
import { autoRechargeSchema, createCardSetup, setAutoRecharge } from "../billing/auto-recharge";
import { db } from "../db/client";
import { publicBaseUrl } from "../public-url";
import { userAction } from "./admin-action";
import type { FormState } from "./form-state";
import { keyFormSchema } from "./key-input";
import { requireUser } from "../auth/session";
import { consume, Throttled } from "../auth/throttle";
import { throttledText } from "./throttled-text";

// What signed-in people do to their own account: keys, top-ups and their low-balance alert.

export const createOwnKeyAction = userAction(keyFormSchema, async (input, user) => {
  // a member minting keys by the thousand (to spread rate limits, or to fill the table) is stopped here
  try {
    await consume("keyCreation", user.id);
  } catch (error) {
    if (error instanceof Throttled) return { error: await throttledText(error.retryAfterSeconds) };
    throw error;
  }
  const { secret, key } = await createApiKey({ userEmail: user.email, ...input }, user.email);
  return { ok: (await getTranslations("keys"))("created", { name: key.name }), secret };
});

export const revokeOwnKeyAction = userAction(z.object({ id: z.string().min(1) }), async ({ id }, user) => {
  // only one's own keys: someone else's id reads as unknown
  const key = await db().apiKey.findFirst({ where: { id, userId: user.id } });
  if (!key) throw new AdminError("no such key", "not_found");
  await revokeApiKey(key.id, user.email);
  return (await getTranslations("keys"))("revokedToast", { name: key.name });
});

export const lowBalanceAlertAction = userAction(
  z.object({ thresholdCredits: z.string().trim().max(40).optional(), email: z.string().trim().max(320).optional() }),
  async ({ thresholdCredits, email }, user) => {
    const alert = await setMyLowBalanceAlert(user, { thresholdCredits: thresholdCredits ?? null, email: email ?? null });
    const t = await getTranslations("account.dashboard");
    return alert.thresholdCredits ? t("alertOn", { email: alert.email ?? alert.signInEmail, credits: alert.thresholdCredits }) : t("alertOff");
  },
);

/** Opens Stripe Checkout in setup mode (a card saved for auto-recharge, nothing charged) and sends the browser there. */
export async function saveCardAction(_state: FormState): Promise<FormState> {
  const user = await requireUser();
  const principal = await userPrincipal(user.id);
  const t = await getTranslations();
  if (!principal) return { error: t("common.accountDisabled") };
  let url: string | null;
  try {
    ({ url } = await createCardSetup(principal, publicBaseUrl(await headers())));
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
  if (!url) return { error: t("billing.actions.noCardPage") };
  redirect(url);
}

export const autoRechargeAction = userAction(
  z.object({ enabled: z.stringbool().default(false), thresholdCredits: z.string().trim().max(40).default(""), packageId: z.string().max(100).default("") }),
  async (input, user) => {
    const principal = await userPrincipal(user.id);
    const t = await getTranslations();
    if (!principal) return { error: t("common.accountDisabled") };
    try {
      const saved = await setAutoRecharge(principal, autoRechargeSchema.parse(input));
      return saved.enabled ? t("billing.actions.autoRechargeOn", { credits: input.thresholdCredits }) : t("billing.actions.autoRechargeOff");
    } catch (error) {
      if (error instanceof ApiError) return { error: error.message };
      if (error instanceof z.ZodError) return { fieldErrors: z.flattenError(error).fieldErrors as FormState["fieldErrors"] };
      throw error;
    }
  },
);

/** Opens Stripe Checkout for a credit package and sends the browser there. */
export async function topUpAction(_state: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const principal = await userPrincipal(user.id);
  const packageId = form.get("packageId");
  const t = await getTranslations();
  if (!principal || typeof packageId !== "string") return { error: t("billing.actions.pickPackage") };
  let url: string | null;
  try {
    ({ url } = await createCheckout(principal, packageId, publicBaseUrl(await headers())));
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
  if (!url) return { error: t("billing.actions.noCheckout") };
  redirect(url);
}
