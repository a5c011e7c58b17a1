"use client";

import { Field, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { mintCodesAction } from "./actions";

export function MintCodesDialog({ maxBatch }: { maxBatch: number }) {
  return (
    <FormDialog
      trigger="Mint codes"
      title="Mint redemption codes"
      description="Customers redeem a code for credits on their billing page. The codes are shown once, now; the hub keeps only their hashes."
      action={mintCodesAction}
      secretLabel="Copy the codes now"
      secretsFileName="redemption-codes.csv"
    >
      <div className="grid grid-cols-2 gap-3">
        <Field name="amount" label="Credits per code" inputMode="decimal" placeholder="500" />
        <Field name="count" label="How many codes" inputMode="numeric" defaultValue="1" hint={`1 to ${maxBatch}`} />
        <Field name="maxUses" label="Uses of each code" inputMode="numeric" defaultValue="1" hint="By anyone, in all" />
        <Field name="perCustomerLimit" label="Uses per customer" inputMode="numeric" defaultValue="1" />
        <Field name="creditExpiryDays" label="Credits expire after (days)" inputMode="numeric" placeholder="never" hint="Counted from redemption" />
        <Field name="expiresAt" label="Code expires (optional)" type="date" />
      </div>
      <Field name="batch" label="Batch name (optional)" placeholder="spring-promo" />
      <Field name="note" label="Note (optional)" placeholder="Conference giveaway" />
      <SubmitButton>Mint</SubmitButton>
    </FormDialog>
  );
}
