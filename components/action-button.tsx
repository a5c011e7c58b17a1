"use client";

import { useTransition, type ComponentProps } from "react";
import { Loader2Icon } from "lucide-react";
import { toast } from "sonner";
import type { FormState } from "@/lib/ui/form-state";
import { Button } from "./ui/button";

/** A button that runs a server action with fixed fields and toasts the outcome (a spinner meanwhile). */
export function ActionButton({
  action,
  fields,
  children,
  confirm,
  ...props
}: Omit<ComponentProps<typeof Button>, "action"> & { action: (state: FormState, form: FormData) => Promise<FormState>; fields: Record<string, string>; confirm?: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      {...props}
      disabled={pending}
      aria-busy={pending}
      onClick={() => {
        if (confirm && !window.confirm(confirm)) return;
        startTransition(async () => {
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.set(name, value);
          const result = await action({}, form);
          if (result.error) toast.error(result.error);
          else if (result.ok) toast.success(result.ok);
        });
      }}
    >
      {pending && <Loader2Icon className="animate-spin" />}
      {children}
    </Button>
  );
}
