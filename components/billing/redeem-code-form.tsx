"use client";

import { useTranslations } from "next-intl";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { redeemCodeAction } from "@/lib/ui/redeem-code-action";

/** The billing page's "Redeem a code" card. */
export function RedeemCodeForm() {
  const t = useTranslations("billing.redeem");
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent>
        <ActionForm action={redeemCodeAction} className="flex-row flex-wrap items-end" testId="redeem-code-form">
          <Field name="code" label={t("code")} placeholder="HUB-XXXX-XXXX-XXXX" autoComplete="off" spellCheck={false} className="min-w-64 flex-1" />
          <SubmitButton>{t("submit")}</SubmitButton>
        </ActionForm>
      </CardContent>
    </Card>
  );
}
