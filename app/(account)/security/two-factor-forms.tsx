"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { confirmTotpAction, disableTotpAction, startTotpAction } from "@/lib/ui/security-actions";

export function TwoFactorForms({ status }: { status: "off" | "enrolling" | "on" }) {
  const t = useTranslations("account.security");
  // the new secret, shown once: the otpauth:// URI and the base32 text for apps without a camera
  const [enrolment, setEnrolment] = useState<{ uri: string; secret: string } | null>(null);
  if (status === "on") {
    return (
      <div className="flex flex-col gap-4" data-testid="totp-on">
        <p className="text-sm">{t("on")}</p>
        <ActionForm action={disableTotpAction}>
          <Field name="code" label={t("code")} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required />
          <SubmitButton variant="outline">{t("turnOff")}</SubmitButton>
        </ActionForm>
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-4" data-testid="totp-off">
      <p className="text-sm">{t("off")}</p>
      <ActionForm
        action={startTotpAction}
        onDone={(state) => {
          const [uri, secret] = (state.secret ?? "").split("\n");
          if (uri && secret) setEnrolment({ uri, secret });
        }}
      >
        <SubmitButton variant="outline">{status === "enrolling" || enrolment ? t("restart") : t("setUp")}</SubmitButton>
      </ActionForm>
      {enrolment && (
        <div className="flex flex-col gap-2 text-sm" data-testid="totp-enrolment">
          <p>{t("addToApp")}</p>
          <code className="break-all rounded bg-muted p-2">{enrolment.uri}</code>
          <code className="rounded bg-muted p-2" data-testid="totp-secret">
            {enrolment.secret}
          </code>
        </div>
      )}
      {(status === "enrolling" || enrolment) && (
        <ActionForm action={confirmTotpAction}>
          <Field name="code" label={t("codeFromApp")} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required />
          <SubmitButton>{t("turnOn")}</SubmitButton>
        </ActionForm>
      )}
    </div>
  );
}
