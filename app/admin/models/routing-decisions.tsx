import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { ModelRouting } from "@/lib/admin/routing";
import type { DecisionCandidate } from "@/lib/gateway/route-stats";

/** A model's strategy and the last routing decisions of this process, newest first. */
export function RoutingDecisions({ routing }: { routing: ModelRouting | undefined }) {
  const t = useTranslations("adminCatalog.models.routing");
  if (!routing) return null;
  const name = (c: DecisionCandidate, names: Record<string, string>) =>
    `${c.providerName} · ${c.upstreamModel}${c.credentialId ? ` · ${names[c.credentialId] ?? c.credentialId}` : ""}`;
  return (
    <details className="mt-2 text-xs" data-testid="routing-decisions">
      <summary className="cursor-pointer text-muted-foreground">
        <Badge variant="outline">{t(`strategies.${routing.strategy as "priority"}`)}</Badge> {t("decisions", { count: routing.decisions.length })}
      </summary>
      <p className="mt-1 text-muted-foreground">{t("perProcess")}</p>
      <ol className="mt-1 flex flex-col gap-1">
        {routing.decisions.map((d, i) => (
          <li key={i}>
            <span className="tabular-nums text-muted-foreground">{d.at.toISOString().slice(11, 19)}</span>{" "}
            <span className="font-medium">{d.chosen ? name(d.chosen, d.credentialNames) : t("none")}</span> — {d.reason}
            <div className="text-muted-foreground">{d.candidates.map((c) => `${name(c, d.credentialNames)}: ${c.metric}`).join("; ")}</div>
          </li>
        ))}
      </ol>
    </details>
  );
}
