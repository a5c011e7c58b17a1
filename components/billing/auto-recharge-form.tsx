"use client";

import { useTranslations } from "next-intl";
import { ActionForm, Field, SelectField, SubmitButton } from "@/components/action-form";
import { autoRechargeAction, saveCardAction } from "@/lib/ui/account-actions";

export interface AutoRechargeView {
  enabled: boolean;
  threshold: string;
  packageId: string | null;
  card: string | null;
  lastError: string | null;
}

/** The customer's auto-recharge: the saved card (or a button to save one) and when to charge it for which package. */
export function AutoRechargeForm({ current, packages }: { current: AutoRechargeView | null; packages: Array<{ value: string; label: string }> }) {
  const card = current?.card ?? null;
  const t = useTranslations("billing.autoRechargeForm");
  return (
    <div className="flex flex-col gap-4" data-testid="auto-recharge">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span>
          {t("card")} <span className="font-medium" data-testid="saved-card">{card ?? t("noCard")}</span>
        </span>
        <ActionForm action={saveCardAction} resetOnSuccess={false}>
          <SubmitButton variant="outline" size="sm">
            {card ? t("replaceCard") : t("saveCard")}
          </SubmitButton>
        </ActionForm>
      </div>
      {current?.lastError && (
        <p className="rounded-lg border border-destructive/30 bg-destructive/5 p-3 text-sm" data-testid="auto-recharge-error">
          {current.lastError}
        </p>
      )}
      <ActionForm action={autoRechargeAction} resetOnSuccess={false} className="grid gap-4 sm:grid-cols-4">
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input type="checkbox" name="enabled" value="true" defaultChecked={current?.enabled ?? false} disabled={!card} />
          {t("enabled")}
        </label>
        <Field name="thresholdCredits" label={t("threshold")} defaultValue={current?.threshold ?? ""} placeholder="1000" />
        <SelectField name="packageId" label={t("buy")} options={packages} defaultValue={current?.packageId ?? packages[0]?.value} />
        <div className="flex items-end">
          <SubmitButton>{t("save")}</SubmitButton>
        </div>
      </ActionForm>
    </div>
  );
}
