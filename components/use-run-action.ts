"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import type { FormState } from "@/lib/ui/form-state";
import { useRefreshAfterChange } from "./action-form";

export type FormAction = (state: FormState, form: FormData) => Promise<FormState>;

/**
 * For controls that run a server action without a form of their own (a button, a switch, a field
 * saved on blur): the fields go as a form, the outcome is toasted, the page refreshed after a change,
 * and `pending` is true meanwhile.
 */
export function useRunAction(): [pending: boolean, run: (action: FormAction, fields: Record<string, string>) => void] {
  const [pending, startTransition] = useTransition();
  const refreshAfter = useRefreshAfterChange();
  const run = (action: FormAction, fields: Record<string, string>) =>
    startTransition(async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      const result = await action({}, form);
      if (result.ok) toast.success(result.ok);
      else if (result.error || result.fieldErrors) toast.error(result.error ?? Object.values(result.fieldErrors ?? {})[0]?.[0] ?? "Not saved");
      refreshAfter(result);
    });
  return [pending, run];
}
