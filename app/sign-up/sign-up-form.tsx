"use client";

import { useState } from "react";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { signUp } from "@/lib/ui/sign-in-actions";

export function SignUpForm() {
  // the answer stays on the page: the next step is in the person's inbox
  const [sent, setSent] = useState<string | null>(null);
  return (
    <ActionForm action={signUp} resetOnSuccess={false} testId="sign-up-form" onDone={(state) => setSent(state.ok ?? null)}>
      <Field name="name" label="Name" autoComplete="name" />
      <Field name="email" label="Email" type="email" autoComplete="email" required />
      <Field name="password" label="Password" type="password" autoComplete="new-password" hint="At least 8 characters" required />
      {sent && (
        <p role="status" className="text-sm" data-testid="sign-up-sent">
          {sent}
        </p>
      )}
      <SubmitButton className="w-full">Create account</SubmitButton>
    </ActionForm>
  );
}
