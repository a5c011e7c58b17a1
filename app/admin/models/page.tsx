import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { adminPriceList, modelRouting, priceFindings, providerNames as listProviderNames } from "@/lib/dal/admin";
import { formats } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { checkPricesAction } from "./actions";
import { PriceFlags } from "./price-flags";
import { WeightInput } from "../weight-input";
import { AddModelDialog, AliasDialog, DeployDialog, PriceDialog, RoutingDialog } from "./model-forms";
import { RoutingDecisions } from "./routing-decisions";
import { ResponseCacheDialog } from "../response-cache-dialog";

export async function generateMetadata() {
  return { title: (await getTranslations("adminCatalog.models"))("metaTitle") };
}

export default async function ModelsPage() {
  const user = await requireAdmin();
  const [{ models, creditPriceUsd }, providerNames, findings, routing, t, locale] = await Promise.all([
    adminPriceList(user),
    listProviderNames(user),
    priceFindings(user),
    modelRouting(user),
    getTranslations("adminCatalog.models"),
    getLocale(),
  ]);
  const { credits } = formats(locale);
  return (
    <>
      <PageHeader title={t("title")} description={t("description", { price: creditPriceUsd })}>
        {models.length > 0 && (
          <ActionButton action={checkPricesAction} fields={{}} variant="outline">
            {t("checkPrices")}
          </ActionButton>
        )}
        {providerNames.length > 0 && <AddModelDialog providers={providerNames} />}
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("model")}</TableHead>
                <TableHead>{t("deployments")}</TableHead>
                <TableHead className="text-right">{t("cost")}</TableHead>
                <TableHead className="text-right">{t("margin")}</TableHead>
                <TableHead className="text-right">{t("sells")}</TableHead>
                <TableHead>{t("on")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {models.length === 0 && <TableEmpty colSpan={6}>{providerNames.length ? t("emptyNoModels") : t("emptyNoProviders")}</TableEmpty>}
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
                      <RoutingDialog model={m.name} strategy={routing.get(m.id)?.strategy ?? "priority"} />
                      <ResponseCacheDialog target={{ modelName: m.name }} on={routing.get(m.id)?.responseCache ?? false} label={m.name} />
                    </div>
                  </TableCell>
                  <TableCell className="align-top">
                    <ol className="flex flex-col gap-1.5 text-xs">
                      {m.deployments.map((d) => (
                        <li key={d.id} className="flex flex-wrap items-center gap-2">
                          <span className="font-medium">{d.provider}</span>
                          <code className="text-muted-foreground">{d.upstreamModel}</code>
                          {d.credential && <Badge variant="outline">{t("pinnedKey", { name: d.credential })}</Badge>}
                          <WeightInput kind="deployment" id={d.id} weight={d.weight} priority={d.priority} />
                          <Toggle action={toggleAction} fields={{ kind: "deployment", id: d.id }} enabled={d.enabled} label={t("enableDeployment", { provider: d.provider })} />
                        </li>
                      ))}
                    </ol>
                    <RoutingDecisions routing={routing.get(m.id)} />
                  </TableCell>
                  <TableCell className="text-right align-top tabular-nums" data-testid="model-cost">
                    {m.price ? `$${m.price.cost.inputUsdPer1M} / $${m.price.cost.outputUsdPer1M}` : <Badge variant="warning">{t("noPrice")}</Badge>}
                    {m.price?.cost.imageUsd && <div className="text-xs text-muted-foreground">{t("perImage", { price: m.price.cost.imageUsd })}</div>}
                    {m.price?.cost.audioUsdPerMinute && <div className="text-xs text-muted-foreground">{t("perAudioMinute", { price: m.price.cost.audioUsdPerMinute })}</div>}
                    {m.price?.cost.charactersUsdPer1M && <div className="text-xs text-muted-foreground">{t("perMillionCharacters", { price: m.price.cost.charactersUsdPer1M })}</div>}
                    {m.price?.cost.videoUsdPerSecond && <div className="text-xs text-muted-foreground">{t("perVideoSecond", { price: m.price.cost.videoUsdPerSecond })}</div>}
                    <PriceFlags findings={findings.filter((f) => f.model === m.name)} />
                  </TableCell>
                  <TableCell className="text-right align-top tabular-nums">{m.price ? `${m.price.marginPercent}%` : "—"}</TableCell>
                  <TableCell className="text-right align-top tabular-nums" data-testid="model-sell">
                    {m.price ? `${credits(m.price.sell.inputCreditsPer1M)} / ${credits(m.price.sell.outputCreditsPer1M)}` : "—"}
                  </TableCell>
                  <TableCell className="align-top">
                    <Toggle action={toggleAction} fields={{ kind: "model", id: m.id }} enabled={m.enabled} label={t("enable", { name: m.name })} />
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
