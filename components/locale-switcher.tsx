import { useLocale, useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES } from "@/lib/ui/locale";
import { setLocaleAction } from "@/lib/ui/locale-action";
import { cn } from "./ui/cn";

/** English / 简体中文: each a submit button of a form posting to the switcher action (works without JavaScript). */
export function LocaleSwitcher({ className }: { className?: string }) {
  const current = useLocale();
  const t = useTranslations("common.locale");
  return (
    <form action={setLocaleAction} role="group" aria-label={t("label")} className={cn("flex items-center rounded-md border border-border p-0.5 text-xs", className)} data-testid="locale-switcher">
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="submit"
          name="locale"
          value={locale}
          lang={locale}
          aria-pressed={locale === current}
          className={cn("rounded px-2 py-1 text-muted-foreground hover:text-foreground", locale === current && "bg-muted font-medium text-foreground")}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </form>
  );
}
