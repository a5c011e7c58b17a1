"use client";

import { useTranslations } from "next-intl";
import type { FormState } from "@/lib/ui/form-state";
import { Field, SelectField, SubmitButton } from "./action-form";
import { FormDialog } from "./form-dialog";

/**
 * Creates a key; its secret is shown once, with a copy button. Admins pick the owner, and may opt the
 * key's calls into the response cache (`cacheOption`).
 */
export function CreateKeyDialog({ action, users, cacheOption = false }: { action: (state: FormState, form: FormData) => Promise<FormState>; users?: string[]; cacheOption?: boolean }) {
  const t = useTranslations("keys.create");
  return (
    <FormDialog trigger={t("trigger")} title={t("title")} action={action} secretLabel={t("secretLabel")}>
      {users && <SelectField name="userEmail" label={t("owner")} options={users} />}
      <Field name="name" label={t("name")} placeholder={t("namePlaceholder")} />
      <Field name="models" label={t("models")} placeholder={t("modelsPlaceholder")} hint={t("modelsHint")} />
      <Field name="expiresAt" label={t("expires")} type="date" />
      {cacheOption && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="responseCache" className="size-4" />
          {t("responseCache")}
        </label>
      )}
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}
