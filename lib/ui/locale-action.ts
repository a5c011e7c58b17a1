"use server";

import { cookies } from "next/headers";
import { LOCALE_COOKIE, localeSchema } from "./locale";

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The language switcher: remembers the caller's choice in their own cookie. Anyone may call it (it
 * touches nothing but that cookie); setting a cookie in an action makes Next re-render the page.
 */
export async function setLocaleAction(form: FormData): Promise<void> {
  const locale = localeSchema.safeParse(form.get("locale"));
  if (!locale.success) return;
  (await cookies()).set(LOCALE_COOKIE, locale.data, { path: "/", sameSite: "lax", maxAge: YEAR_SECONDS, httpOnly: true });
}
