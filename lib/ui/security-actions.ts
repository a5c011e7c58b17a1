"use server";

import { z } from "zod";
import { consume, accountKey, Throttled } from "../auth/throttle";
import { confirmEnrolment, disableWithCode, startEnrolment } from "../auth/totp";
import { userAction } from "./admin-action";
import type { SessionUser } from "../auth/session";

// The security page: a signed-in person turns two-factor sign-in on or off for their own account.
// Codes typed here count against the same per-account throttle as sign-in codes.

const codeSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, "The six digits the app shows") });

async function guessAllowed(user: SessionUser): Promise<string | null> {
  try {
    await consume("signInAccount", accountKey(user.email));
    return null;
  } catch (error) {
    if (error instanceof Throttled) return error.message;
    throw error;
  }
}

export const startTotpAction = userAction(z.object({}), async (_input, user) => {
  const { uri, secret } = await startEnrolment(user.id, user.email);
  return { ok: "Add the hub to your authenticator app, then enter the code it shows.", secret: `${uri}\n${secret}` };
});

export const confirmTotpAction = userAction(codeSchema, async ({ code }, user) => {
  const throttled = await guessAllowed(user);
  if (throttled) return { error: throttled };
  await confirmEnrolment(user.id, code, user.email);
  return "Two-factor sign-in is on: sign-in now asks for a code.";
});

export const disableTotpAction = userAction(codeSchema, async ({ code }, user) => {
  const throttled = await guessAllowed(user);
  if (throttled) return { error: throttled };
  await disableWithCode(user.id, code, user.email);
  return "Two-factor sign-in is off.";
});
