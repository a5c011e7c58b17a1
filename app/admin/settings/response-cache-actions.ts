"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { currentSettings, setSetting } from "@/lib/admin/settings";
import { adminAction } from "@/lib/ui/admin-action";

// The response cache's settings by their CLI names (lib/admin/settings.ts validates each value; the
// ranges below are lib/settings.ts's, so that a mistake is shown next to its field).
const FIELDS = {
  responseCacheEnabled: "response-cache",
  responseCacheShared: "response-cache-shared",
  responseCacheTtlSeconds: "response-cache-ttl-seconds",
  responseCacheBilledFraction: "response-cache-billed-fraction",
  responseCacheMaxEntryBytes: "response-cache-max-entry-bytes",
} as const;

async function responseCacheForm() {
  const t = await getTranslations("admin.responseCache.validation");
  const wholeIn = (min: number, max: number) =>
    z
      .string()
      .regex(/^\d+$/, t("wholeIn", { min, max }))
      .refine((v) => Number(v) >= min && Number(v) <= max, t("wholeIn", { min, max }))
      .transform((v) => String(Number(v)));
  return z.object({
    responseCacheEnabled: z.literal("on").optional(),
    responseCacheShared: z.literal("on").optional(),
    responseCacheTtlSeconds: wholeIn(1, 7 * 24 * 3600),
    responseCacheBilledFraction: z
      .string()
      .regex(/^\d+(\.\d+)?$/, t("fraction"))
      .refine((v) => Number(v) <= 1, t("fraction")),
    responseCacheMaxEntryBytes: wholeIn(256, 16 * 1024 * 1024),
  });
}

export const saveResponseCacheAction = adminAction(responseCacheForm, async (input, admin) => {
  const current = await currentSettings();
  const stored = (key: keyof typeof FIELDS) => {
    const value = current[key];
    return typeof value === "boolean" ? (value ? "on" : "off") : String(value);
  };
  const wanted: Record<keyof typeof FIELDS, string> = {
    responseCacheEnabled: input.responseCacheEnabled ? "on" : "off",
    responseCacheShared: input.responseCacheShared ? "on" : "off",
    responseCacheTtlSeconds: input.responseCacheTtlSeconds,
    // "0.50" and "0.5" are the same share: compared as numbers
    responseCacheBilledFraction: String(Number(input.responseCacheBilledFraction)),
    responseCacheMaxEntryBytes: input.responseCacheMaxEntryBytes,
  };
  const changed = (Object.keys(FIELDS) as Array<keyof typeof FIELDS>).filter((key) => stored(key) !== wanted[key]);
  for (const key of changed) await setSetting(FIELDS[key], wanted[key], admin.email);
  const t = await getTranslations("admin.settings");
  return changed.length ? t("saved", { count: changed.length }) : t("nothingChanged");
});
