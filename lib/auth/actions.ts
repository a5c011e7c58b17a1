"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { AdminError } from "../admin/errors";
import { createUser, userByEmail } from "../admin/users";
import { settings } from "../settings";
import { signIn, signOut } from "./auth";
import type { FormState } from "../ui/form-state";

// Server actions of the sign-in and sign-up pages. Auth.js checks its own CSRF token on sign-in
// and sign-out; Next.js refuses server actions posted from another origin.

const signInSchema = z.object({ email: z.string().trim().min(1, "Enter your email"), password: z.string().min(1, "Enter your password"), next: z.string().optional() });

/** Only a path on this hub, so a crafted link cannot send people elsewhere after signing in. */
const localPath = (next: string | undefined) => (next && next.startsWith("/") && !next.startsWith("//") ? next : undefined);

export async function signInWithPassword(_state: FormState, form: FormData): Promise<FormState> {
  const parsed = signInSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const { email, password, next } = parsed.data;
  const user = await userByEmail(email);
  try {
    await signIn("credentials", { email, password, redirectTo: localPath(next) ?? (user?.role === "admin" ? "/admin" : "/dashboard") });
  } catch (error) {
    // success is a redirect, thrown; only an authentication failure is answered here
    if (error instanceof AuthError) return { error: "Wrong email or password, or the account is disabled." };
    throw error;
  }
  return {};
}

export async function signInWithSso(): Promise<void> {
  await signIn("oidc", { redirectTo: "/dashboard" });
}

const signUpSchema = z.object({
  email: z.email("Enter a valid email address"),
  password: z.string().min(8, "At least 8 characters"),
  name: z.string().trim().max(100).optional(),
});

export async function signUp(_state: FormState, form: FormData): Promise<FormState> {
  const { mode, signUpEnabled } = await settings();
  if (mode !== "service_provider" || !signUpEnabled) return { error: "Sign-up is closed on this hub." };
  const parsed = signUpSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  try {
    await createUser({ email: parsed.data.email, password: parsed.data.password, name: parsed.data.name || undefined, role: "member" }, "sign-up");
  } catch (error) {
    if (error instanceof AdminError && error.code === "conflict") return { fieldErrors: { email: ["An account with this email exists; sign in instead."] } };
    throw error;
  }
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: "/dashboard?welcome=1" });
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirect: false });
  redirect("/sign-in");
}
