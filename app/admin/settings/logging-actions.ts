"use server";

import { z } from "zod";
import { setLogLevel } from "@/lib/admin/limits";
import { currentSettings, redactPatternLines, setSetting } from "@/lib/admin/settings";
import { redactPatternsSchema, REQUEST_LOG_LEVELS } from "@/lib/settings";
import { translatedAdminAction } from "@/lib/ui/admin-action";

// Request logging's forms: the hub-wide settings (a card of the settings page) and the log level of
// a key or a team (a dialog beside their limits). lib/ validates again; these schemas word the errors.

const MAX_DAYS = 3650;

export const saveLoggingSettingsAction = translatedAdminAction("requestLogging.settings",
  async (t) => {
    const days = z
      .string()
      .regex(/^\d+$/, t("wholeIn", { min: 1, max: MAX_DAYS }))
      .refine((v) => Number(v) >= 1 && Number(v) <= MAX_DAYS, t("wholeIn", { min: 1, max: MAX_DAYS }));
    return z.object({
      requestLogging: z.enum(REQUEST_LOG_LEVELS),
      // one per line; each must be a regex that cannot backtrack without bound (its message names the line's pattern)
      logRedactPatterns: z.string().max(20_000).default("").transform(redactPatternLines).pipe(redactPatternsSchema),
      logBodiesRetentionDays: days,
      // empty: the HUB_USAGE_RETENTION_DAYS default
      logMetadataRetentionDays: days.optional(),
    });
  },
  async (input, admin, t) => {
    const current = await currentSettings();
    // each setting as `hub settings set` takes it, beside the value stored now
    const changes: Array<[name: string, wanted: string, stored: string]> = [
      ["request-logging", input.requestLogging, current.requestLogging],
      ["log-redact-patterns", input.logRedactPatterns.join("\n"), current.logRedactPatterns.join("\n")],
      ["log-bodies-retention-days", String(Number(input.logBodiesRetentionDays)), String(current.logBodiesRetentionDays)],
      ["log-metadata-retention-days", input.logMetadataRetentionDays ? String(Number(input.logMetadataRetentionDays)) : "none", String(current.logMetadataRetentionDays ?? "none")],
    ];
    const changed = changes.filter(([, wanted, stored]) => wanted !== stored);
    for (const [name, wanted] of changed) await setSetting(name, wanted, admin.email);
    return changed.length ? t("saved", { count: changed.length }) : t("nothingChanged");
  },
);

const target = z.union([z.object({ keyId: z.string().min(1) }), z.object({ teamName: z.string().min(1) })]);

export const logLevelAction = translatedAdminAction("requestLogging.level",
  async () => z.object({ keyId: z.string().optional(), teamName: z.string().optional(), level: z.enum([...REQUEST_LOG_LEVELS, "inherit"]) }),
  async ({ level, ...who }, admin, t) => {
    const result = await setLogLevel(target.parse(Object.fromEntries(Object.entries(who).filter(([, v]) => v))), level, admin.email);
    return result.logLevel === null ? t("inherited", { target: result.target }) : t("saved", { target: result.target, level: t(result.logLevel as (typeof REQUEST_LOG_LEVELS)[number]) });
  },
);

