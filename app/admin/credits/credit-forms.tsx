"use client";

import { useTranslations } from "next-intl";
import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { addPackageAction, grantAction, refundAction } from "./actions";

export function GrantDialog({ accounts }: { accounts: { value: string; label: string }[] }) {
  const t = useTranslations("adminBilling.grant");
  return (
    <FormDialog trigger={t("trigger")} title={t("title")} description={t("description")} action={grantAction}>
      <SelectField name="account" label={t("account")} options={accounts} />
      <SelectField
        name="kind"
        label={t("kind")}
        defaultValue="grant"
        options={[
          { value: "grant", label: t("kindGrant") },
          { value: "adjustment", label: t("kindAdjustment") },
          { value: "refund", label: t("kindRefund") },
        ]}
      />
      <Field name="amount" label={t("amount")} inputMode="decimal" placeholder="1000" />
      <Field name="note" label={t("note")} placeholder={t("notePlaceholder")} />
      <Field name="expiresInDays" label={t("expiresInDays")} inputMode="numeric" placeholder={t("expiresPlaceholder")} />
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}

export function AddPackageDialog({ currency, groups }: { currency: string; groups: { value: string; label: string }[] }) {
  const t = useTranslations("adminBilling.addPackage");
  return (
    <FormDialog trigger={t("trigger")} variant="outline" title={t("title")} description={t("description")} action={addPackageAction}>
      <Field name="name" label={t("name")} placeholder={t("namePlaceholder")} />
      <div className="grid grid-cols-2 gap-3">
        <Field name="price" label={t("price")} inputMode="decimal" placeholder="10.00" />
        <Field name="currency" label={t("currency")} defaultValue={currency} />
      </div>
      <Field name="credits" label={t("credits")} inputMode="decimal" placeholder="10000" />
      {groups.length > 0 && <SelectField name="groupId" label={t("group")} options={[{ value: "", label: t("noGroup") }, ...groups]} />}
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}

/** Refunds a top-up through Stripe; its credits are taken back pro rata. */
export function RefundDialog({ paymentId, label, refundable }: { paymentId: string; label: string; refundable: string }) {
  const t = useTranslations("adminBilling.refund");
  return (
    <FormDialog trigger={t("trigger")} variant="outline" size="sm" title={t("title", { label })} description={t("description", { refundable })} action={refundAction}>
      <input type="hidden" name="paymentId" value={paymentId} />
      <Field name="amount" label={t("amount")} inputMode="decimal" placeholder={refundable.split(" ")[0]} />
      <SelectField
        name="reason"
        label={t("reason")}
        defaultValue="requested_by_customer"
        options={[
          { value: "requested_by_customer", label: t("reasonRequested") },
          { value: "duplicate", label: t("reasonDuplicate") },
          { value: "fraudulent", label: t("reasonFraudulent") },
        ]}
      />
      <Field name="note" label={t("note")} placeholder={t("notePlaceholder")} />
      <SubmitButton>{t("submit")}</SubmitButton>
    </FormDialog>
  );
}
