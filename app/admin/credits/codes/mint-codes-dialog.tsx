"use client";

import { useTranslations } from "next-intl";
import { Field, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { mintCodesAction } from "./actions";

export function MintCodesDialog({ maxBatch }: { maxBatch: number }) {
  const t = useTranslations("adminBilling.codes.mint");
  return (
    <FormDialog
      trigger={t("trigger")}
      title={t("title")}
      description={t("description")}
      action={mintCodesAction}
      secretLabel={t("secretLabel")}
      secretsFileName="redemption-codes.csv"
    >
      <div className="grid grid-cols-2 gap-3">
        <Field name="amount" label={t("amount")} inputMode="decimal" placeholder="500" />
        <Field name="count" label={t("count")} inputMode="numeric" defaultValue="1" hint={t("countHint", { max: maxBatch })} />
        <Field name="maxUses" label={t("maxUses")} inputMode="numeric" defaultValue="1" hint={t("maxUsesHint")} />
        <Field name="perCustomerLimit" label={t("perCustomerLimit")} inputMode="numeric" defaultValue="1" />
        <Field name="creditExpiryDays" label={t("creditExpiryDays")} inputMode="numeric" placeholder={t("creditExpiryPlaceholder")} hint={t("creditExpiryHint")} />
        <Field name="expiresAt" label={t("expiresAt")} type="date" />
      </div>
      <Field name="batch" label={t("batch")} placeholder="spring-promo" />
      <Field name="note" label={t("note")} placeholder={t("notePlaceholder")} />
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}
