import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { PriceFindingView } from "@/lib/admin/price-findings";

/** What the price guard found about one model: components sold below cost (to whom), and drift from the list prices. */
export function PriceFlags({ findings }: { findings: PriceFindingView[] }) {
  const t = useTranslations("adminCatalog.models.flags");
  const belowCost = findings.filter((f) => f.kind === "below_cost");
  const drift = findings.filter((f) => f.kind === "drift");
  if (findings.length === 0) return null;
  const line = (f: PriceFindingView) => ({
    component: t("component", { component: f.component }),
    source: t("source", { source: f.source }),
    hub: f.hubUsd,
    reference: f.referenceUsd,
  });
  return (
    <div className="mt-2 flex flex-col items-end gap-1 text-xs" data-testid="price-flags">
      {belowCost.length > 0 && <Badge variant="destructive">{t("belowCost")}</Badge>}
      {belowCost.map((f) => (
        <div key={`${f.source}:${f.component}:${f.group}`} className="text-destructive">
          {f.group ? t("belowCostGroup", { ...line(f), group: f.group }) : t("belowCostMargin", line(f))}
        </div>
      ))}
      {drift.length > 0 && <Badge variant="warning">{t("drift")}</Badge>}
      {drift.map((f) => (
        <div key={`${f.source}:${f.component}`} className="text-muted-foreground">
          {t("driftLine", line(f))}
        </div>
      ))}
    </div>
  );
}
