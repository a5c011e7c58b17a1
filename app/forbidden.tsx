import Link from "next/link";
import { useTranslations } from "next-intl";

export default function Forbidden() {
  const t = useTranslations("common.forbidden");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-semibold text-primary">403</p>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="max-w-sm text-sm text-muted-foreground">{t("body")}</p>
      <Link href="/dashboard" className="text-sm text-primary hover:underline">
        {t("dashboard")}
      </Link>
    </main>
  );
}
