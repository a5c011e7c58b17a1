"use client";

import { useTranslations } from "next-intl";
import type { FormState } from "@/lib/ui/form-state";
import { Field, SelectField, SubmitButton } from "./action-form";
import { FormDialog } from "./form-dialog";

const SCOPES = ["read", "users_keys", "billing", "full"] as const;

/** Creates an admin token; its secret is shown once. */
export function AdminTokenDialog({ action }: { action: (state: FormState, form: FormData) => Promise<FormState> }) {
  const t = useTranslations("admin.tokens.create");
  return (
    <FormDialog trigger={t("trigger")} title={t("title")} description={t("description")} action={action} secretLabel={t("secretLabel")}>
      <Field name="name" label={t("name")} placeholder="terraform" />
      <SelectField name="scope" label={t("scope")} options={SCOPES.map((value) => ({ value, label: t(`scopes.${value}`) }))} />
      <Field name="expiresAt" label={t("expires")} type="date" />
      <Field name="allowedIps" label={t("allowedIps")} placeholder="10.0.0.0/8, 203.0.113.7" hint={t("allowedIpsHint")} />
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}
