"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { ActionForm, Field, SelectField, SubmitButton } from "@/components/action-form";
import type { StoredSettings } from "@/lib/settings";
import { saveSettingsAction } from "./actions";

export function SettingsForm({ settings }: { settings: StoredSettings }) {
  const t = useTranslations("admin.settings.form");
  const [mode, setMode] = useState(settings.mode);
  return (
    <ActionForm action={saveSettingsAction} resetOnSuccess={false} testId="settings-form">
      <SelectField
        name="mode"
        label={t("mode")}
        value={mode}
        onChange={(e) => setMode(e.target.value as StoredSettings["mode"])}
        options={[
          { value: "enterprise", label: t("modeEnterprise") },
          { value: "service_provider", label: t("modeServiceProvider") },
        ]}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="creditPriceUsd" label={t("creditPriceUsd")} defaultValue={settings.creditPriceUsd} inputMode="decimal" hint={t("creditPriceUsdHint")} />
        <Field name="starterCredits" label={t("starterCredits")} defaultValue={settings.starterCredits} inputMode="decimal" />
        <Field name="currency" label={t("currency")} defaultValue={settings.currency} />
        <Field name="topUpUrl" label={t("topUpUrl")} defaultValue={settings.topUpUrl ?? ""} hint={t("topUpUrlHint")} />
        <Field name="starterCreditExpiryDays" label={t("starterCreditExpiryDays")} defaultValue={settings.starterCreditExpiryDays ?? ""} inputMode="numeric" hint={t("starterCreditExpiryDaysHint")} />
        <Field name="paidCreditExpiryDays" label={t("paidCreditExpiryDays")} defaultValue={settings.paidCreditExpiryDays ?? ""} inputMode="numeric" hint={t("paidCreditExpiryDaysHint")} />
        <Field name="autoRechargeMaxPerDay" label={t("autoRechargeMaxPerDay")} defaultValue={settings.autoRechargeMaxPerDay} inputMode="numeric" hint={t("autoRechargeMaxPerDayHint")} />
        <Field name="autoRechargeMaxFailures" label={t("autoRechargeMaxFailures")} defaultValue={settings.autoRechargeMaxFailures} inputMode="numeric" hint={t("autoRechargeMaxFailuresHint")} />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="signUpEnabled" defaultChecked={settings.signUpEnabled} className="size-4" disabled={mode !== "service_provider"} />
        {t("signUpEnabled")}
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="checkoutPromotionCodes" defaultChecked={settings.checkoutPromotionCodes} className="size-4" />
        {t("checkoutPromotionCodes")}
      </label>
      <SelectField
        name="directModelRouting"
        label={t("directModelRouting")}
        defaultValue={settings.directModelRouting}
        options={[
          { value: "auto", label: t("directAuto") },
          { value: "on", label: t("directOn") },
          { value: "off", label: t("directOff") },
        ]}
      />
      <Field name="priceSourceUrl" label={t("priceSourceUrl")} defaultValue={settings.priceSourceUrl ?? ""} hint={t("priceSourceUrlHint")} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="refuseBelowCost" defaultChecked={settings.refuseBelowCost} className="size-4" />
        {t("refuseBelowCost")}
      </label>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="brandName" label={t("brandName")} defaultValue={settings.brandName} />
        <Field name="brandLogoUrl" label={t("brandLogoUrl")} defaultValue={settings.brandLogoUrl ?? ""} />
      </div>
      <SubmitButton className="self-start">{t("save")}</SubmitButton>
    </ActionForm>
  );
}
