"use client";

import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { signInWithPassword } from "@/lib/ui/sign-in-actions";

export function SignInForm({ next }: { next?: string }) {
  return (
    <ActionForm action={signInWithPassword} resetOnSuccess={false} testId="sign-in-form">
      <Field name="email" label="Email" type="email" autoComplete="username" required autoFocus />
      <Field name="password" label="Password" type="password" autoComplete="current-password" required />
      <Field name="code" label="Two-factor code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} hint="Only if you turned on two-factor sign-in" />
      {next && <input type="hidden" name="next" value={next} />}
      <SubmitButton className="w-full">Sign in</SubmitButton>
    </ActionForm>
  );
}
