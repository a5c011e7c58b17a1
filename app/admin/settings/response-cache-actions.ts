"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { saveChangedSettings, wholeIn } from "./save-changed";
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
  const whole = (min: number, max: number) => wholeIn((range) => t("wholeIn", range), min, max);
  return z.object({
    responseCacheEnabled: z.literal("on").optional(),
    responseCacheShared: z.literal("on").optional(),
    responseCacheTtlSeconds: whole(1, 7 * 24 * 3600),
    responseCacheBilledFraction: z
      .string()
      .regex(/^\d+(\.\d+)?$/, t("fraction"))
      .refine((v) => Number(v) <= 1, t("fraction")),
    responseCacheMaxEntryBytes: whole(256, 16 * 1024 * 1024),
  });
}

export const saveResponseCacheAction = adminAction(responseCacheForm, async (input, admin) =>
  saveChangedSettings(
    FIELDS,
    () => ({
      responseCacheEnabled: input.responseCacheEnabled ? "on" : "off",
      responseCacheShared: input.responseCacheShared ? "on" : "off",
      responseCacheTtlSeconds: input.responseCacheTtlSeconds,
      // "0.50" and "0.5" are the same share: compared as numbers
      responseCacheBilledFraction: String(Number(input.responseCacheBilledFraction)),
      responseCacheMaxEntryBytes: input.responseCacheMaxEntryBytes,
    }),
    admin.email,
  ),
);
