import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, negotiateLocale } from "@/lib/ui/locale";
import { loadMessages } from "./messages";

// next-intl's per-request configuration (next.config.ts points its plugin here): the language from the
// switcher's cookie or the browser, with no locale in the URL. Times read in UTC, as the ledger keeps them.
export default getRequestConfig(async () => {
  const [jar, head] = await Promise.all([cookies(), headers()]);
  const locale = negotiateLocale({ cookie: jar.get(LOCALE_COOKIE)?.value, acceptLanguage: head.get("accept-language") });
  return { locale, messages: await loadMessages(locale), timeZone: "UTC" };
});
