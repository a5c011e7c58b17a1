import { z } from "zod";

// The UI's languages and how a request picks one. No locale in the URL: the hub's paths stay as they
// are; the choice is a cookie the switcher sets, else the browser's Accept-Language, else English.

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** the cookie the language switcher sets (lib/ui/locale-action.ts) */
export const LOCALE_COOKIE = "hub-locale";

/** how each language names itself in the switcher */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "简体中文" };

export const localeSchema = z.enum(LOCALES);

/** The hub's language for one language tag of a browser, or null when it has none close: any Chinese reads Simplified. */
function match(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase();
  if (lower === "zh" || lower.startsWith("zh-")) return "zh-CN";
  if (lower === "en" || lower.startsWith("en-")) return "en";
  return null;
}

/** The languages of an Accept-Language header, most wanted first (ties keep their order; q=0 means "not this"). */
function preferred(acceptLanguage: string): string[] {
  return acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((l) => l.tag && l.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((l) => l.tag);
}

/** The cookie when it names a language of the hub; else the browser's first language the hub has; else English. */
export function negotiateLocale({ cookie, acceptLanguage }: { cookie?: string | null; acceptLanguage?: string | null }): Locale {
  const chosen = localeSchema.safeParse(cookie);
  if (chosen.success) return chosen.data;
  for (const tag of preferred(acceptLanguage ?? "")) {
    const locale = match(tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
