"use client";

import { useTranslations } from "next-intl";
import { Input } from "@/components/ui/input";
import { useRunAction } from "@/components/use-run-action";
import { weightAction } from "./actions";

/** Weight (and, for deployments, priority) edited in place; saved when the field loses focus. */
export function WeightInput({ kind, id, weight, priority }: { kind: "credential" | "deployment"; id: string; weight: number; priority?: number }) {
  const t = useTranslations("admin.weight");
  const [pending, run] = useRunAction();
  const save = (field: "weight" | "priority", value: string) => {
    const current = field === "weight" ? weight : priority;
    if (value === String(current)) return;
    run(weightAction, {
      kind,
      id,
      weight: field === "weight" ? value : String(weight),
      ...(priority !== undefined && { priority: field === "priority" ? value : String(priority) }),
    });
  };
  return (
    <span className="inline-flex items-center gap-1.5">
      {priority !== undefined && (
        <label className="inline-flex items-center gap-1">
          {t("priority")}
          <Input className="h-7 w-14 px-2 text-xs" defaultValue={priority} inputMode="numeric" disabled={pending} onBlur={(e) => save("priority", e.target.value)} aria-label={t("priorityName")} />
        </label>
      )}
      <label className="inline-flex items-center gap-1">
        {t("weight")}
        <Input className="h-7 w-14 px-2 text-xs" defaultValue={weight} inputMode="numeric" disabled={pending} onBlur={(e) => save("weight", e.target.value)} aria-label={t("weightName")} />
      </label>
    </span>
  );
}
