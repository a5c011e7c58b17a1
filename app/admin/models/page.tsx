import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { adminPriceList, priceFindings, providerNames as listProviderNames } from "@/lib/dal/admin";
import { credits } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { checkPricesAction } from "./actions";
import { PriceFlags } from "./price-flags";
import { WeightInput } from "../weight-input";
import { AddModelDialog, AliasDialog, DeployDialog, PriceDialog } from "./model-forms";

export const metadata = { title: "Models & prices" };

export default async function ModelsPage() {
  const user = await requireAdmin();
  const [{ models, creditPriceUsd }, providerNames, findings] = await Promise.all([adminPriceList(user), listProviderNames(user), priceFindings(user)]);
  return (
    <>
      <PageHeader title="Models & prices" description={`Public models, where they are served and what they cost. 1 credit = $${creditPriceUsd}.`}>
        {models.length > 0 && (
          <ActionButton action={checkPricesAction} fields={{}} variant="outline">
            Check prices
          </ActionButton>
        )}
        {providerNames.length > 0 && <AddModelDialog providers={providerNames} />}
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Model</TableHead>
                <TableHead>Deployments (fallback order)</TableHead>
                <TableHead className="text-right">Cost in / out (USD per 1M)</TableHead>
                <TableHead className="text-right">Margin</TableHead>
                <TableHead className="text-right">Sells for in / out (credits per 1M)</TableHead>
                <TableHead>On</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {models.length === 0 && <TableEmpty colSpan={6}>{providerNames.length ? "No models yet: publish one." : "Add a provider first, then publish its models."}</TableEmpty>}
              {models.map((m) => (
                <TableRow key={m.id} data-testid={`model-${m.name}`}>
                  <TableCell className="min-w-48 align-top">
                    <div className="whitespace-nowrap font-medium">{m.name}</div>
                    <div className="mt-1 flex flex-wrap gap-1">
                      <Badge variant="outline">{m.type}</Badge>
                      {m.aliases.map((a) => (
                        <Badge key={a}>{a}</Badge>
                      ))}
                    </div>
                    <div className="mt-2 flex flex-wrap gap-1.5">
                      <PriceDialog model={m.name} current={m.price} />
                      <DeployDialog model={m.name} providers={providerNames} />
                      <AliasDialog model={m.name} />
                    </div>
                  </TableCell>
                  <TableCell className="align-top">
                    <ol className="flex flex-col gap-1.5 text-xs">
                      {m.deployments.map((d) => (
                        <li key={d.id} className="flex flex-wrap items-center gap-2">
                          <span className="font-medium">{d.provider}</span>
                          <code className="text-muted-foreground">{d.upstreamModel}</code>
                          {d.credential && <Badge variant="outline">key {d.credential}</Badge>}
                          <WeightInput kind="deployment" id={d.id} weight={d.weight} priority={d.priority} />
                          <Toggle action={toggleAction} fields={{ kind: "deployment", id: d.id }} enabled={d.enabled} label={`Enable deployment on ${d.provider}`} />
                        </li>
                      ))}
                    </ol>
                  </TableCell>
                  <TableCell className="text-right align-top tabular-nums" data-testid="model-cost">
                    {m.price ? `$${m.price.cost.inputUsdPer1M} / $${m.price.cost.outputUsdPer1M}` : <Badge variant="warning">no price</Badge>}
                    {m.price?.cost.imageUsd && <div className="text-xs text-muted-foreground">${m.price.cost.imageUsd} per image</div>}
                    <PriceFlags findings={findings.filter((f) => f.model === m.name)} />
                  </TableCell>
                  <TableCell className="text-right align-top tabular-nums">{m.price ? `${m.price.marginPercent}%` : "—"}</TableCell>
                  <TableCell className="text-right align-top tabular-nums" data-testid="model-sell">
                    {m.price ? `${credits(m.price.sell.inputCreditsPer1M)} / ${credits(m.price.sell.outputCreditsPer1M)}` : "—"}
                  </TableCell>
                  <TableCell className="align-top">
                    <Toggle action={toggleAction} fields={{ kind: "model", id: m.id }} enabled={m.enabled} label={`Enable ${m.name}`} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </>
  );
}
