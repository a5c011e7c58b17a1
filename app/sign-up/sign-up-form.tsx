"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { signUp } from "@/lib/ui/sign-in-actions";

export function SignUpForm() {
  const t = useTranslations("auth.signUp");
  // the answer stays on the page: the next step is in the person's inbox
  const [sent, setSent] = useState<string | null>(null);
  return (
    <ActionForm action={signUp} resetOnSuccess={false} testId="sign-up-form" onDone={(state) => setSent(state.ok ?? null)}>
      <Field name="name" label={t("name")} autoComplete="name" />
      <Field name="email" label={t("email")} type="email" autoComplete="email" required />
      <Field name="password" label={t("password")} type="password" autoComplete="new-password" hint={t("passwordHint")} required />
      {sent && (
        <p role="status" className="text-sm" data-testid="sign-up-sent">
          {sent}
        </p>
      )}
      <SubmitButton className="w-full">{t("submit")}</SubmitButton>
    </ActionForm>
  );
}
