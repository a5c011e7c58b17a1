"use client";

import { useState } from "react";
import { ActionForm, Field, SelectField, SubmitButton } from "@/components/action-form";
import type { StoredSettings } from "@/lib/settings";
import { saveSettingsAction } from "./actions";

export function SettingsForm({ settings }: { settings: StoredSettings }) {
  const [mode, setMode] = useState(settings.mode);
  return (
    <ActionForm action={saveSettingsAction} resetOnSuccess={false} testId="settings-form">
      <SelectField
        name="mode"
        label="Mode"
        value={mode}
        onChange={(e) => setMode(e.target.value as StoredSettings["mode"])}
        options={[
          { value: "enterprise", label: "Enterprise: showback and budgets, no money" },
          { value: "service_provider", label: "Service Provider: customers buy credits" },
        ]}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="creditPriceUsd" label="Price of one credit, USD" defaultValue={settings.creditPriceUsd} inputMode="decimal" hint="0.000001 means 1,000,000 credits = $1" />
        <Field name="starterCredits" label="Starter credits for new customers" defaultValue={settings.starterCredits} inputMode="decimal" />
        <Field name="currency" label="Top-up currency" defaultValue={settings.currency} />
        <Field name="topUpUrl" label="Top-up URL (optional)" defaultValue={settings.topUpUrl ?? ""} hint="Where a 402 sends customers; default is this hub's /billing" />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="signUpEnabled" defaultChecked={settings.signUpEnabled} className="size-4" disabled={mode !== "service_provider"} />
        Anyone may sign up at /sign-up (Service Provider mode only)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="checkoutPromotionCodes" defaultChecked={settings.checkoutPromotionCodes} className="size-4" />
        Customers may enter Stripe promotion codes at Checkout (codes and coupons are made in the Stripe dashboard)
      </label>
      <SelectField
        name="directModelRouting"
        label="Direct provider/model names"
        defaultValue={settings.directModelRouting}
        options={[
          { value: "auto", label: "Automatic: allowed in Enterprise mode, refused in Service Provider mode" },
          { value: "on", label: "Allowed: any enabled model of a provider (in Service Provider mode only models priced here)" },
          { value: "off", label: "Refused: only registered model names and aliases" },
        ]}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="brandName" label="Hub name" defaultValue={settings.brandName} />
        <Field name="brandLogoUrl" label="Logo URL (optional)" defaultValue={settings.brandLogoUrl ?? ""} />
      </div>
      <SubmitButton className="self-start">Save settings</SubmitButton>
    </ActionForm>
  );
}
