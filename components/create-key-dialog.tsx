"use client";

import type { FormState } from "@/lib/ui/form-state";
import { Field, SelectField, SubmitButton } from "./action-form";
import { FormDialog } from "./form-dialog";

/** Creates a key; its secret is shown once, with a copy button. Admins pick the owner. */
export function CreateKeyDialog({ action, users }: { action: (state: FormState, form: FormData) => Promise<FormState>; users?: string[] }) {
  return (
    <FormDialog trigger="Create key" title="Create an API key" action={action} secretLabel="Your new API key: copy it now">
      {users && <SelectField name="userEmail" label="Owner" options={users} />}
      <Field name="name" label="Name" placeholder="my-app" />
      <Field name="models" label="Models (optional)" placeholder="gpt-4o-mini, openai/*" hint="Comma-separated names or * patterns; empty allows every model" />
      <Field name="expiresAt" label="Expires (optional)" type="date" />
      <SubmitButton>Create key</SubmitButton>
    </FormDialog>
  );
}
