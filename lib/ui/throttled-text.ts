import { getTranslations } from "next-intl/server";

/** "Too many attempts; try again in 3 minutes." in the reader's language (lib/auth/throttle.ts says it in English for APIs). */
export async function throttledText(retryAfterSeconds: number): Promise<string> {
  const t = await getTranslations("auth");
  return retryAfterSeconds < 60 ? t("throttledSeconds", { seconds: retryAfterSeconds }) : t("throttledMinutes", { minutes: Math.ceil(retryAfterSeconds / 60) });
}
