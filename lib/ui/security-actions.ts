"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { consume, accountKey, Throttled } from "../auth/throttle";
import { confirmEnrolment, disableWithCode, startEnrolment } from "../auth/totp";
import { userAction } from "./admin-action";
import type { SessionUser } from "../auth/session";
import type { FormState } from "./form-state";
import { throttledText } from "./throttled-text";

// The security page: a signed-in person turns two-factor sign-in on or off for their own account.
// Codes typed here count against the same per-account throttle as sign-in codes.

// Answers in the reader's language (messages/*/account.json, "security"); the code's format is checked in
// the action so its error can be translated.
const codeSchema = z.object({ code: z.string().trim().max(20) });

/** The form's error when the code is not six digits, or null. */
async function badCode(code: string): Promise<FormState | null> {
  return /^\d{6}$/.test(code) ? null : { fieldErrors: { code: [(await getTranslations("account.security"))("sixDigits")] } };
}

async function guessAllowed(user: SessionUser): Promise<string | null> {
  try {
    await consume("signInAccount", accountKey(user.email));
    return null;
  } catch (error) {
    if (error instanceof Throttled) return throttledText(error.retryAfterSeconds);
    throw error;
  }
}

export const startTotpAction = userAction(z.object({}), async (_input, user) => {
  const { uri, secret } = await startEnrolment(user.id, user.email);
  return { ok: (await getTranslations("account.security"))("started"), secret: `${uri}\n${secret}` };
});

export const confirmTotpAction = userAction(codeSchema, async ({ code }, user) => {
  const bad = await badCode(code);
  if (bad) return bad;
  const throttled = await guessAllowed(user);
  if (throttled) return { error: throttled };
  await confirmEnrolment(user.id, code, user.email);
  return (await getTranslations("account.security"))("enabled");
});

export const disableTotpAction = userAction(codeSchema, async ({ code }, user) => {
  const bad = await badCode(code);
  if (bad) return bad;
  const throttled = await guessAllowed(user);
  if (throttled) return { error: throttled };
  await disableWithCode(user.id, code, user.email);
  return (await getTranslations("account.security"))("disabled");
});
