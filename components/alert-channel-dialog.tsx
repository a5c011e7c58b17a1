"use client";

import type { FormState } from "@/lib/ui/form-state";
import { Field, FieldError, SelectField, SubmitButton } from "./action-form";
import { FormDialog } from "./form-dialog";

/** Adds an alert channel; a webhook's signing secret is shown once. */
export function AlertChannelDialog({ action, events }: { action: (state: FormState, form: FormData) => Promise<FormState>; events: readonly string[] }) {
  return (
    <FormDialog trigger="Add channel" title="Add an alert channel" description="Alerts go to an e-mail address or to a webhook signed with HMAC-SHA256 (Standard Webhooks)." action={action} secretLabel="The webhook's signing secret: copy it now">
      <Field name="name" label="Name" placeholder="on-call" />
      <SelectField name="kind" label="Kind" options={[{ value: "webhook", label: "Signed webhook" }, { value: "email", label: "E-mail" }]} />
      <Field name="target" label="Webhook URL or e-mail address" placeholder="https://ops.example.com/hooks/hub" />
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1 text-sm font-medium">Events (none ticked: all)</legend>
        <div className="grid grid-cols-2 gap-1 text-sm">
          {events.map((event) => (
            <label key={event} className="flex items-center gap-2">
              <input type="checkbox" name="events" value={event} />
              <code className="text-xs">{event}</code>
            </label>
          ))}
        </div>
        <FieldError name="events" />
      </fieldset>
      <SubmitButton>Add channel</SubmitButton>
    </FormDialog>
  );
}
