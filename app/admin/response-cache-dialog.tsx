"use client";

import { useTranslations } from "next-intl";
import { SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { setResponseCacheAction } from "./actions";

/** Whether every call of a key, or to a model, is answered from the response cache when it can be. */
export function ResponseCacheDialog({ target, on, label }: { target: { keyId: string } | { modelName: string }; on: boolean; label: string }) {
  const t = useTranslations("admin.responseCache.dialog");
  const [name, value] = Object.entries(target)[0]!;
  return (
    <FormDialog trigger={on ? t("triggerOn") : t("triggerOff")} variant="ghost" size="sm" title={t("title", { label })} description={t("description")} action={setResponseCacheAction}>
      <input type="hidden" name={name} value={value} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="responseCache" defaultChecked={on} className="size-4" />
        {t("checkbox")}
      </label>
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}
