"use client";

import { useTranslations } from "next-intl";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { signInWithPassword } from "@/lib/ui/sign-in-actions";

export function SignInForm({ next }: { next?: string }) {
  const t = useTranslations("auth.signIn");
  return (
    <ActionForm action={signInWithPassword} resetOnSuccess={false} testId="sign-in-form">
      <Field name="email" label={t("email")} type="email" autoComplete="username" required autoFocus />
      <Field name="password" label={t("password")} type="password" autoComplete="current-password" required />
      <Field name="code" label={t("code")} inputMode="numeric" autoComplete="one-time-code" maxLength={6} hint={t("codeHint")} />
      {next && <input type="hidden" name="next" value={next} />}
      <SubmitButton className="w-full">{t("submit")}</SubmitButton>
    </ActionForm>
  );
}
