"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { userByEmail } from "../admin/users";
import { signIn, signOut, type SignInThrottled } from "../auth/auth";
import { clientAddress } from "../auth/client-address";
import { registerSignUp, signUpClosedReason } from "../auth/sign-up";
import { consume, Throttled } from "../auth/throttle";
import type { FormState } from "./form-state";
import { throttledText } from "./throttled-text";

// Server actions of the sign-in and sign-up pages (and of the shell's sign-out button). Auth.js checks its own CSRF token on sign-in
// and sign-out; Next.js refuses server actions posted from another origin.

// Answers are in the reader's language (messages/*/auth.json). One answer (auth.signIn.failed) for every
// refused sign-in: unknown address, wrong password or code, unconfirmed or disabled account.

type AuthT = Awaited<ReturnType<typeof getTranslations<"auth">>>;

const signInSchema = (t: AuthT) =>
  z.object({
    email: z.string().trim().min(1, t("signIn.enterEmail")),
    password: z.string().min(1, t("signIn.enterPassword")),
    /** the six digits of an authenticator app, for accounts with two-factor sign-in */
    code: z.string().trim().max(10).optional(),
    next: z.string().optional(),
  });

/** Only a path on this hub, so a crafted link cannot send people elsewhere after signing in. */
const localPath = (next: string | undefined) => (next && next.startsWith("/") && !next.startsWith("//") ? next : undefined);

export async function signInWithPassword(_state: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations("auth");
  const parsed = signInSchema(t).safeParse(Object.fromEntries(form));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const { email, password, code, next } = parsed.data;
  const user = await userByEmail(email);
  try {
    await signIn("credentials", { email, password, code: code ?? "", redirectTo: localPath(next) ?? (user?.role === "admin" ? "/admin" : "/dashboard") });
  } catch (error) {
    // success is a redirect, thrown; only an authentication failure is answered here
    // by code, not instanceof: Next may bundle lib/auth/auth.ts twice (see lib/singleton.ts)
    if (error instanceof AuthError && (error as Partial<SignInThrottled>).code === "throttled") {
      return { error: await throttledText((error as SignInThrottled).retryAfterSeconds) };
    }
    if (error instanceof AuthError) return { error: t("signIn.failed") };
    throw error;
  }
  return {};
}

export async function signInWithSso(): Promise<void> {
  await signIn("oidc", { redirectTo: "/dashboard" });
}

const signUpSchema = (t: AuthT) =>
  z.object({
    email: z.email(t("signUp.invalidEmail")).max(320),
    password: z.string().min(8, t("signUp.shortPassword")).max(1024),
    name: z.string().trim().max(100).optional(),
  });

/** Counts a sign-up against the client's address; the message when over the limit. */
async function signUpThrottled(): Promise<string | null> {
  try {
    await consume("signUpAddress", clientAddress(await headers()));
    return null;
  } catch (error) {
    if (error instanceof Throttled) return throttledText(error.retryAfterSeconds);
    throw error;
  }
}

export async function signUp(_state: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations("auth");
  const closed = await signUpClosedReason();
  if (closed) return { error: closed === "closed" ? t("signUp.closed") : t("signUp.noMail") };
  const parsed = signUpSchema(t).safeParse(Object.fromEntries(form));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const throttled = await signUpThrottled();
  if (throttled) return { error: throttled };
  await registerSignUp({ email: parsed.data.email, password: parsed.data.password, name: parsed.data.name || undefined });
  // the same answer for a new address and one with an account (lib/auth/sign-up.ts)
  return { ok: t("signUp.answer") };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirect: false });
  redirect("/sign-in");
}
