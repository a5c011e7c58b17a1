import { Badge } from "@/components/ui/badge";
import type { PriceFindingView } from "@/lib/admin/price-findings";

const COMPONENT: Record<PriceFindingView["component"], string> = { input: "input", output: "output", cached_read: "cached input", cache_write: "cache write", image: "image" };

/** What the price guard found about one model: components sold below cost (to whom), and drift from the list prices. */
export function PriceFlags({ findings }: { findings: PriceFindingView[] }) {
  const belowCost = findings.filter((f) => f.kind === "below_cost");
  const drift = findings.filter((f) => f.kind === "drift");
  if (findings.length === 0) return null;
  return (
    <div className="mt-2 flex flex-col items-end gap-1 text-xs" data-testid="price-flags">
      {belowCost.length > 0 && <Badge variant="destructive">sells below cost</Badge>}
      {belowCost.map((f) => (
        <div key={`${f.source}:${f.component}:${f.group}`} className="text-destructive">
          {`${COMPONENT[f.component]} ${f.group ? `to group ${f.group}` : "at its margin"}: $${f.hubUsd} < ${f.source} cost $${f.referenceUsd}`}
        </div>
      ))}
      {drift.length > 0 && <Badge variant="warning">price drift</Badge>}
      {drift.map((f) => (
        <div key={`${f.source}:${f.component}`} className="text-muted-foreground">
          {`${COMPONENT[f.component]}: $${f.hubUsd} here, $${f.referenceUsd} in the ${f.source} list`}
        </div>
      ))}
    </div>
  );
}
