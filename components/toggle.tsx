"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import type { FormState } from "@/lib/ui/form-state";
import { Switch } from "./ui/switch";

/** An on/off switch that saves at once through a server action. */
export function Toggle({ action, fields, enabled, label }: { action: (state: FormState, form: FormData) => Promise<FormState>; fields: Record<string, string>; enabled: boolean; label: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <Switch
      checked={enabled}
      disabled={pending}
      aria-label={label}
      onCheckedChange={(checked) =>
        startTransition(async () => {
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.set(name, value);
          form.set("enabled", String(checked));
          const result = await action({}, form);
          if (result.error) toast.error(result.error);
          else if (result.ok) toast.success(result.ok);
        })
      }
    />
  );
}
