"use client";

import { Switch } from "./ui/switch";
import { useRunAction, type FormAction } from "./use-run-action";

/** An on/off switch that saves at once through a server action. */
export function Toggle({ action, fields, enabled, label }: { action: FormAction; fields: Record<string, string>; enabled: boolean; label: string }) {
  const [pending, run] = useRunAction();
  return (
    <Switch
      checked={enabled}
      disabled={pending}
      aria-label={label}
      onCheckedChange={(checked) => run(action, { ...fields, enabled: String(checked) })}
    />
  );
}
