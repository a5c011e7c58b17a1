"use server";

import { z } from "zod";
import { setEnabled, setWeight, SWITCHABLE } from "@/lib/admin/toggles";
import { adminAction } from "@/lib/ui/admin-action";

// Actions shared by several admin pages: switches and weights.

const bool = z.enum(["true", "false"]).transform((v) => v === "true");
const whole = (what: string) => z.coerce.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(0, `${what} must be 0 or more`);

export const toggleAction = adminAction(z.object({ kind: z.enum(SWITCHABLE), id: z.string().min(1), enabled: bool }), async ({ kind, id, enabled }, user) => {
  await setEnabled(kind, id, enabled, user.email);
  return `${kind[0]!.toUpperCase()}${kind.slice(1)} ${enabled ? "enabled" : "disabled"}`;
});

export const weightAction = adminAction(
  z.object({ kind: z.enum(["credential", "deployment"]), id: z.string().min(1), weight: whole("Weight"), priority: whole("Priority").optional() }),
  async ({ kind, id, ...values }, user) => {
    await setWeight(kind, id, values, user.email);
    return "Saved";
  },
);
