"use client";

import { useTranslations } from "next-intl";
import { ActionForm, Field, FieldError, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/input";
import type { StoredSettings } from "@/lib/settings";
import { logLevelAction, saveLoggingSettingsAction } from "./logging-actions";

type Logging = Pick<StoredSettings, "requestLogging" | "logRedactPatterns" | "logBodiesRetentionDays" | "logMetadataRetentionDays">;

/** The hub's request logging: default level, admin redact patterns (one per line) and retention. */
export function LoggingSettingsForm({ settings }: { settings: Logging }) {
  const t = useTranslations("requestLogging.settings");
  return (
    <ActionForm action={saveLoggingSettingsAction} resetOnSuccess={false} testId="logging-settings-form">
      <SelectField
        name="requestLogging"
        label={t("level")}
        defaultValue={settings.requestLogging}
        options={[
          { value: "off", label: t("levelOff") },
          { value: "metadata", label: t("levelMetadata") },
          { value: "bodies", label: t("levelBodies") },
        ]}
      />
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="field-logRedactPatterns">{t("redactPatterns")}</Label>
        <Textarea id="field-logRedactPatterns" name="logRedactPatterns" rows={4} className="font-mono" defaultValue={settings.logRedactPatterns.join("\n")} spellCheck={false} />
        <p className="text-xs text-muted-foreground">{t("redactPatternsHint")}</p>
        <FieldError name="logRedactPatterns" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="logBodiesRetentionDays" label={t("bodiesRetentionDays")} defaultValue={settings.logBodiesRetentionDays} inputMode="numeric" />
        <Field name="logMetadataRetentionDays" label={t("metadataRetentionDays")} defaultValue={settings.logMetadataRetentionDays ?? ""} inputMode="numeric" hint={t("metadataRetentionDaysHint")} />
      </div>
      <SubmitButton className="self-start">{t("save")}</SubmitButton>
    </ActionForm>
  );
}

/** A key's or a team's log level; "inherit" follows the team, then the hub. */
export function LogLevelDialog({ target, label, level }: { target: { keyId: string } | { teamName: string }; label: string; level: string | null }) {
  const t = useTranslations("requestLogging.level");
  const [name, value] = Object.entries(target)[0]!;
  return (
    <FormDialog trigger={`${t("label")}: ${t(level === "off" || level === "metadata" || level === "bodies" ? level : "inherit")}`} variant="ghost" size="sm" title={label} action={logLevelAction}>
      <input type="hidden" name={name} value={value} />
      <SelectField
        name="level"
        label={t("label")}
        defaultValue={level ?? "inherit"}
        options={(["inherit", "off", "metadata", "bodies"] as const).map((option) => ({ value: option, label: t(option) }))}
      />
      <SubmitButton>{t("set")}</SubmitButton>
    </FormDialog>
  );
}
