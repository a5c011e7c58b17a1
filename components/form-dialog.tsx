"use client";

import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import type { FormState } from "@/lib/ui/form-state";
import { ActionForm } from "./action-form";
import { SecretList } from "./secret-list";
import { SecretReveal } from "./secret-reveal";
import { Button } from "./ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle, DialogTrigger } from "./ui/dialog";

/** A button that opens a form in a dialog; the dialog closes when the action succeeds. */
export function FormDialog({
  trigger,
  title,
  description,
  action,
  children,
  variant = "default",
  size,
  secretLabel,
  secretsFileName = "secrets.csv",
}: {
  trigger: ReactNode;
  title: string;
  description?: string;
  action: (state: FormState, form: FormData) => Promise<FormState>;
  children: ReactNode;
  variant?: "default" | "outline" | "ghost" | "secondary";
  size?: "default" | "sm";
  /** what a secret in the answer is (a new key, a generated password): shown once instead of closing */
  secretLabel?: string;
  /** the file several secrets in the answer (a batch of codes) download as */
  secretsFileName?: string;
}) {
  const t = useTranslations("common.secret");
  const [open, setOpen] = useState(false);
  const [revealed, setRevealed] = useState<Pick<FormState, "secret" | "secrets">>();
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setRevealed(undefined);
      }}
    >
      <DialogTrigger asChild>
        <Button variant={variant} size={size}>
          {trigger}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        {description && <DialogDescription>{description}</DialogDescription>}
        {revealed?.secret ? (
          <SecretReveal secret={revealed.secret} label={secretLabel ?? t("copyNow")} />
        ) : revealed?.secrets ? (
          <SecretList secrets={revealed.secrets} label={secretLabel ?? t("copyNow")} fileName={secretsFileName} />
        ) : (
          <ActionForm action={action} onDone={(state) => (state.secret || state.secrets ? setRevealed(state) : state.ok && setOpen(false))}>
            {children}
          </ActionForm>
        )}
      </DialogContent>
    </Dialog>
  );
}
