"use client";

import { ActionForm, SubmitButton } from "@/components/action-form";
import { topUpAction } from "@/lib/ui/account-actions";

export function TopUpButton({ packageId, label }: { packageId: string; label: string }) {
  return (
    <ActionForm action={topUpAction} resetOnSuccess={false}>
      <input type="hidden" name="packageId" value={packageId} />
      <SubmitButton className="w-full">{label}</SubmitButton>
    </ActionForm>
  );
}
