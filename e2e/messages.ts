import { readFileSync } from "node:fs";
import path from "node:path";
import { createTranslator } from "next-intl";
import { NAMESPACES } from "../i18n/messages";
import type { Locale } from "../lib/ui/locale";

// The UI's own texts in each language, so one walk through the pages runs in English and in Chinese:
// a label the test looks for is the one the page renders from the same message file (paths from the repo root,
// where Playwright runs).

export type T = (key: string, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): T {
  const root = path.resolve("messages", locale);
  const messages = Object.fromEntries(NAMESPACES.map((ns) => [ns, JSON.parse(readFileSync(path.join(root, `${ns}.json`), "utf8"))]));
  const t = createTranslator({ locale, messages, timeZone: "UTC" }) as unknown as T;
  return (key, values) => t(key, values);
}

/** A message as a pattern, for texts with a part the test cannot know (a date): each `*` value matches anything. */
export function pattern(t: T, key: string, values: Record<string, string | number>): RegExp {
  const text = t(key, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === "*" ? "\u0000" : v])));
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("\u0000", ".+")}$`);
}

/** What next-intl renders for a key missing from the messages ("namespace.key"): a page showing one lost a text. */
export const MISSING_MESSAGE = new RegExp(`\\b(${NAMESPACES.join("|")})\\.[A-Za-z]+(\\.[A-Za-z]+)*\\b`);
