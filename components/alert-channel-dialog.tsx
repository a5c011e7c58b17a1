"use client";

import { useTranslations } from "next-intl";
import type { FormState } from "@/lib/ui/form-state";
import { Field, FieldError, SelectField, SubmitButton } from "./action-form";
import { FormDialog } from "./form-dialog";

/** Adds an alert channel; a webhook's signing secret is shown once. */
export function AlertChannelDialog({ action, events }: { action: (state: FormState, form: FormData) => Promise<FormState>; events: readonly string[] }) {
  const t = useTranslations("adminOps.alerts.dialog");
  return (
    <FormDialog trigger={t("trigger")} title={t("title")} description={t("description")} action={action} secretLabel={t("secretLabel")}>
      <Field name="name" label={t("name")} placeholder={t("namePlaceholder")} />
      <SelectField
        name="kind"
        label={t("kind")}
        options={[
          { value: "webhook", label: t("webhook") },
          { value: "email", label: t("email") },
        ]}
      />
      <Field name="target" label={t("target")} placeholder="https://ops.example.com/hooks/hub" />
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1 text-sm font-medium">{t("events")}</legend>
        <div className="grid grid-cols-2 gap-1 text-sm">
          {events.map((event) => (
            <label key={event} className="flex items-center gap-2">
              <input type="checkbox" name="events" value={event} />
              <code className="text-xs">{event}</code>
            </label>
          ))}
        </div>
        <FieldError name="events" />
      </fieldset>
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}
