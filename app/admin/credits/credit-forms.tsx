"use client";

import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { addPackageAction, grantAction } from "./actions";

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
