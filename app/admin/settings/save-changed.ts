import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { currentSettings, setSetting } from "@/lib/admin/settings";
import type { StoredSettings } from "@/lib/settings";

// What the settings forms share: a whole-number field in a range, and saving only what changed, each
// setting written as `hub settings set` takes it (so lib/admin/settings.ts validates and audits it).

/** A whole number from min to max, as the form sent it; its message in the reader's language. */
export const wholeIn = (message: (range: { min: number; max: number }) => string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, message({ min, max }))
    .refine((v) => Number(v) >= min && Number(v) <= max, message({ min, max }))
    .transform((v) => String(Number(v)));

/**
 * Writes the settings (keyed by their CLI names in `names`) whose wanted value differs from the stored
 * one; `wanted` may read a stored value (a field the form left out keeps it). Says how many changed.
 */
export async function saveChangedSettings<K extends keyof StoredSettings>(
  names: Record<K, string>,
  wanted: (stored: (key: K) => string) => Record<K, string>,
  actor: string,
): Promise<string> {
  const current = await currentSettings();
  const stored = (key: K) => {
    const value = current[key];
    return typeof value === "boolean" ? (value ? "on" : "off") : value === null ? "none" : String(value);
  };
  const values = wanted(stored);
  const changed = (Object.keys(names) as K[]).filter((key) => stored(key) !== values[key]);
  for (const key of changed) await setSetting(names[key], values[key], actor);
  const t = await getTranslations("admin.settings");
  return changed.length ? t("saved", { count: changed.length }) : t("nothingChanged");
}
