"use client";

import { useTranslations } from "next-intl";
import { Button } from "./ui/button";

/** A page that failed to load: say so, without internals, and offer to retry. */
export function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("common.pageError");
  return (
    <div className="flex flex-col items-start gap-3 rounded-xl border border-destructive/40 bg-destructive/5 p-6" role="alert">
      <h1 className="text-lg font-semibold">{t("title")}</h1>
      <p className="text-sm text-muted-foreground">
        {error.digest ? t("bodyWithReference", { digest: error.digest }) : t("body")}
      </p>
      <Button variant="outline" onClick={reset}>
        {t("retry")}
      </Button>
    </div>
  );
}
