"use client";

import type { FormState } from "@/lib/ui/form-state";
import { Field, SelectField, SubmitButton } from "./action-form";
import { FormDialog } from "./form-dialog";

const SCOPES = [
  { value: "read", label: "read: every GET" },
  { value: "users_keys", label: "users_keys: read, users, teams and API keys" },
  { value: "billing", label: "billing: read, credits, prices, budgets and limits" },
  { value: "full", label: "full: everything" },
];

/** Creates an admin token; its secret is shown once. */
export function AdminTokenDialog({ action }: { action: (state: FormState, form: FormData) => Promise<FormState> }) {
  return (
    <FormDialog trigger="Create admin token" title="Create an admin token" description="For the admin API (/api/admin/v1): CI, Terraform, your signup flow." action={action} secretLabel="Your new admin token: copy it now">
      <Field name="name" label="Name" placeholder="terraform" />
      <SelectField name="scope" label="Scope" options={SCOPES} />
      <Field name="expiresAt" label="Expires (optional)" type="date" />
      <Field name="allowedIps" label="Allowed addresses (optional)" placeholder="10.0.0.0/8, 203.0.113.7" hint="Comma-separated addresses or CIDR ranges; empty allows any address" />
      <SubmitButton>Create token</SubmitButton>
    </FormDialog>
  );
}
