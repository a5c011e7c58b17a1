"use client";

import { useTranslations } from "next-intl";
import { Button } from "../ui/button";

export function PrintButton() {
  const t = useTranslations("billing.statement");
  return (
    <Button type="button" variant="outline" size="sm" onClick={() => window.print()}>
      {t("print")}
    </Button>
  );
}
