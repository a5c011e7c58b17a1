"use client";

import { useTranslations } from "next-intl";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import type { StoredSettings } from "@/lib/settings";
import { saveResponseCacheAction } from "./response-cache-actions";

type CacheSettings = Pick<StoredSettings, "responseCacheEnabled" | "responseCacheShared" | "responseCacheTtlSeconds" | "responseCacheBilledFraction" | "responseCacheMaxEntryBytes">;

/** The response cache's five settings; which calls use it is set on keys and models. */
export function ResponseCacheForm({ settings }: { settings: CacheSettings }) {
  const t = useTranslations("admin.responseCache.form");
  return (
    <ActionForm action={saveResponseCacheAction} resetOnSuccess={false} testId="response-cache-form">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="responseCacheEnabled" defaultChecked={settings.responseCacheEnabled} className="size-4" />
        {t("enabled")}
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="responseCacheShared" defaultChecked={settings.responseCacheShared} className="size-4" />
        {t("shared")}
      </label>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field name="responseCacheTtlSeconds" label={t("ttlSeconds")} defaultValue={settings.responseCacheTtlSeconds} inputMode="numeric" hint={t("ttlSecondsHint")} />
        <Field name="responseCacheBilledFraction" label={t("billedFraction")} defaultValue={settings.responseCacheBilledFraction} inputMode="decimal" hint={t("billedFractionHint")} />
        <Field name="responseCacheMaxEntryBytes" label={t("maxEntryBytes")} defaultValue={settings.responseCacheMaxEntryBytes} inputMode="numeric" hint={t("maxEntryBytesHint")} />
      </div>
      <SubmitButton className="self-start">{t("save")}</SubmitButton>
    </ActionForm>
  );
}
