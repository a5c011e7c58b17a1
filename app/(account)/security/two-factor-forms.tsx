"use client";

import { useState } from "react";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { confirmTotpAction, disableTotpAction, startTotpAction } from "@/lib/ui/security-actions";

export function TwoFactorForms({ status }: { status: "off" | "enrolling" | "on" }) {
  // the new secret, shown once: the otpauth:// URI and the base32 text for apps without a camera
  const [enrolment, setEnrolment] = useState<{ uri: string; secret: string } | null>(null);
  if (status === "on") {
    return (
      <div className="flex flex-col gap-4" data-testid="totp-on">
        <p className="text-sm">Two-factor sign-in is on. To turn it off, enter a current code.</p>
        <ActionForm action={disableTotpAction}>
          <Field name="code" label="Code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required />
          <SubmitButton variant="outline">Turn off</SubmitButton>
        </ActionForm>
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-4" data-testid="totp-off">
      <p className="text-sm">Two-factor sign-in is off.</p>
      <ActionForm
        action={startTotpAction}
        onDone={(state) => {
          const [uri, secret] = (state.secret ?? "").split("\n");
          if (uri && secret) setEnrolment({ uri, secret });
        }}
      >
        <SubmitButton variant="outline">{status === "enrolling" || enrolment ? "Start again with a new secret" : "Set up an authenticator app"}</SubmitButton>
      </ActionForm>
      {enrolment && (
        <div className="flex flex-col gap-2 text-sm" data-testid="totp-enrolment">
          <p>Add this to your authenticator app (most accept the link; otherwise type the key):</p>
          <code className="break-all rounded bg-muted p-2">{enrolment.uri}</code>
          <code className="rounded bg-muted p-2" data-testid="totp-secret">
            {enrolment.secret}
          </code>
        </div>
      )}
      {(status === "enrolling" || enrolment) && (
        <ActionForm action={confirmTotpAction}>
          <Field name="code" label="Code from the app" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required />
          <SubmitButton>Turn on</SubmitButton>
        </ActionForm>
      )}
    </div>
  );
}
