import { useLocale, useTranslations } from "next-intl";
import { formats } from "@/lib/ui/format";
import { unitParts, type MeteredUnits } from "@/lib/ui/units";

/**
 * What a call or a model was metered in, every unit that is not zero: "1,234 tokens · 12.5 s audio".
 * Renders on the server and inside client components alike (no "use client": it is neither).
 */
export function UsageUnits({ usage }: { usage: MeteredUnits }) {
  const t = useTranslations("usage.units");
  const { number } = formats(useLocale());
  const parts = unitParts(usage);
  return <span className="tabular-nums" data-testid="usage-units">{parts.length === 0 ? "—" : parts.map((p) => t(p.unit, { n: p.count, count: number(p.count) })).join(" · ")}</span>;
}
