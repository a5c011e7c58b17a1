"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { setResponseCache } from "@/lib/admin/response-cache";
import { setEnabled, setWeight, SWITCHABLE } from "@/lib/admin/toggles";
import { adminAction } from "@/lib/ui/admin-action";

// Actions shared by several admin pages: switches, weights and the response cache of keys and models.

const bool = z.enum(["true", "false"]).transform((v) => v === "true");

/** the weight form, its messages in the reader's language */
async function weightForm() {
  const t = await getTranslations("admin.weight");
  const whole = (what: string) => z.coerce.number({ error: t("notNumber", { what }) }).int(t("notWhole", { what })).min(0, t("negative", { what }));
  return z.object({ kind: z.enum(["credential", "deployment"]), id: z.string().min(1), weight: whole(t("weightName")), priority: whole(t("priorityName")).optional() });
}

export const toggleAction = adminAction(z.object({ kind: z.enum(SWITCHABLE), id: z.string().min(1), enabled: bool }), async ({ kind, id, enabled }, user) => {
  await setEnabled(kind, id, enabled, user.email);
  const t = await getTranslations("admin.toggle");
  return t(enabled ? "enabled" : "disabled", { kind: t(`kinds.${kind}`) });
});

export const weightAction = adminAction(weightForm, async ({ kind, id, ...values }, user) => {
  await setWeight(kind, id, values, user.email);
  return (await getTranslations("admin.weight"))("saved");
});

const cacheForm = z.union([
  z.object({ keyId: z.string().min(1), responseCache: z.literal("on").optional() }),
  z.object({ modelName: z.string().min(1), responseCache: z.literal("on").optional() }),
]);

export const setResponseCacheAction = adminAction(cacheForm, async (input, user) => {
  const on = input.responseCache === "on";
  const { name } = await setResponseCache("keyId" in input ? { keyId: input.keyId } : { modelName: input.modelName }, on, user.email);
  return (await getTranslations("admin.responseCache.dialog"))(on ? "savedOn" : "savedOff", { name });
});
