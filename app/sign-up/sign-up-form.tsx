"use client";

import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { signUp } from "@/lib/auth/actions";

export function SignUpForm() {
  return (
    <ActionForm action={signUp} resetOnSuccess={false} testId="sign-up-form">
      <Field name="name" label="Name" autoComplete="name" />
      <Field name="email" label="Email" type="email" autoComplete="email" required />
      <Field name="password" label="Password" type="password" autoComplete="new-password" hint="At least 8 characters" required />
      <SubmitButton className="w-full">Create account</SubmitButton>
    </ActionForm>
  );
}
