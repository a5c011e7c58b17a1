"use client";

import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { redeemCodeAction } from "@/lib/ui/redeem-code-action";

/** The billing page's "Redeem a code" card. */
export function RedeemCodeForm() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Redeem a code</CardTitle>
        <CardDescription>A code from a voucher or a promotion adds its credits to your balance.</CardDescription>
      </CardHeader>
      <CardContent>
        <ActionForm action={redeemCodeAction} className="flex-row flex-wrap items-end" testId="redeem-code-form">
          <Field name="code" label="Code" placeholder="HUB-XXXX-XXXX-XXXX" autoComplete="off" spellCheck={false} className="min-w-64 flex-1" />
          <SubmitButton>Redeem</SubmitButton>
        </ActionForm>
      </CardContent>
    </Card>
  );
}
