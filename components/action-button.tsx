"use client";

import { type ComponentProps } from "react";
import { Loader2Icon } from "lucide-react";
import { Button } from "./ui/button";
import { useRunAction, type FormAction } from "./use-run-action";

/** A button that runs a server action with fixed fields and toasts the outcome (a spinner meanwhile). */
export function ActionButton({
  action,
  fields,
  children,
  confirm,
  ...props
}: Omit<ComponentProps<typeof Button>, "action"> & { action: FormAction; fields: Record<string, string>; confirm?: string }) {
  const [pending, run] = useRunAction();
  return (
    <Button
      {...props}
      disabled={pending}
      aria-busy={pending}
      onClick={() => {
        if (confirm && !window.confirm(confirm)) return;
        run(action, fields);
      }}
    >
      {pending && <Loader2Icon className="animate-spin" />}
      {children}
    </Button>
  );
}
