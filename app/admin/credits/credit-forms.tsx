"use client";

import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { addPackageAction, grantAction, refundAction } from "./actions";

export function GrantDialog({ accounts }: { accounts: { value: string; label: string }[] }) {
  return (
    <FormDialog trigger="Grant or adjust" title="Grant or adjust credits" description="Each entry is kept in the ledger with its reason." action={grantAction}>
      <SelectField name="account" label="Account" options={accounts} />
      <SelectField
        name="kind"
        label="Kind"
        defaultValue="grant"
        options={[
          { value: "grant", label: "grant" },
          { value: "adjustment", label: "adjustment (may be negative)" },
          { value: "refund", label: "refund" },
        ]}
      />
      <Field name="amount" label="Credits" inputMode="decimal" placeholder="1000" />
      <Field name="note" label="Reason" placeholder="Welcome bonus" />
      <Field name="expiresInDays" label="Expires after (days; empty: never)" inputMode="numeric" placeholder="never" />
      <SubmitButton>Book it</SubmitButton>
    </FormDialog>
  );
}

export function AddPackageDialog({ currency, groups }: { currency: string; groups: { value: string; label: string }[] }) {
  return (
    <FormDialog trigger="Add package" variant="outline" title="Add a credit package" description="Sold through Stripe Checkout." action={addPackageAction}>
      <Field name="name" label="Name" placeholder="Starter pack" />
      <div className="grid grid-cols-2 gap-3">
        <Field name="price" label="Price" inputMode="decimal" placeholder="10.00" />
        <Field name="currency" label="Currency" defaultValue={currency} />
      </div>
      <Field name="credits" label="Credits" inputMode="decimal" placeholder="10000" />
      {groups.length > 0 && <SelectField name="groupId" label="Buying it moves the customer into" options={[{ value: "", label: "No group" }, ...groups]} />}
      <SubmitButton>Add package</SubmitButton>
    </FormDialog>
  );
}

/** Refunds a top-up through Stripe; its credits are taken back pro rata. */
export function RefundDialog({ paymentId, label, refundable }: { paymentId: string; label: string; refundable: string }) {
  return (
    <FormDialog trigger="Refund" variant="outline" size="sm" title={`Refund ${label}`} description={`Up to ${refundable} can still be refunded. The credits it bought are taken back in proportion.`} action={refundAction}>
      <input type="hidden" name="paymentId" value={paymentId} />
      <Field name="amount" label="Amount (empty: all that is left)" inputMode="decimal" placeholder={refundable.split(" ")[0]} />
      <SelectField
        name="reason"
        label="Reason"
        defaultValue="requested_by_customer"
        options={[
          { value: "requested_by_customer", label: "requested by the customer" },
          { value: "duplicate", label: "duplicate" },
          { value: "fraudulent", label: "fraudulent" },
        ]}
      />
      <Field name="note" label="Note (kept in the ledger and the audit log)" placeholder="Customer asked on 3 Dec" />
      <SubmitButton>Refund through Stripe</SubmitButton>
    </FormDialog>
  );
}
