import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Stat } from "@/components/stat";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { UsageChart } from "@/components/usage-chart";
import { CacheRateChartCard, ErrorRateChartCard, LatencyChartCard } from "@/components/usage-charts";
import { UsageUnits } from "@/components/usage-units";
import { requireAdmin } from "@/lib/auth/session";
import { overview } from "@/lib/dal/admin";
import { settings } from "@/lib/settings";
import { formats } from "@/lib/ui/format";

export async function generateMetadata() {
  return { title: (await getTranslations("admin.overview"))("metaTitle") };
}

export default async function OverviewPage() {
  const user = await requireAdmin();
  const [data, { mode }, t, locale] = await Promise.all([overview(user), settings(), getTranslations("admin.overview"), getLocale()]);
  const { credits, ms, number, percent, usd } = formats(locale);
  const { today } = data;
  const money = mode === "service_provider";
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-6">
        <Stat label={t("calls")} value={number(today.calls)} testId="stat-calls" />
        <Stat label={t("tokens")} value={number(today.tokens)} />
        <Stat label={t("providerCost")} value={usd(today.costUsd)} />
        <Stat label={money ? t("revenueCredits") : t("chargedCredits")} value={credits(today.chargeCredits)} />
        <Stat label={t("errorRate")} value={percent(today.errorRate)} hint={t("failed", { count: number(today.errors) })} />
        <Stat label={t("latency")} value={`${ms(today.p50LatencyMs)}`} hint={t("p95", { latency: ms(today.p95LatencyMs) })} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>{t("callsByModel")}</CardTitle>
          </CardHeader>
          <CardContent>
            <UsageChart label={t("callsSeries")} points={data.days.byModel.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: p.calls }))} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("costByModel")}</CardTitle>
          </CardHeader>
          <CardContent>
            <UsageChart label={t("costSeries")} unit="usd" points={data.days.byModel.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: Number(p.costUsd) }))} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("costByProvider")}</CardTitle>
          </CardHeader>
          <CardContent>
            <UsageChart label={t("costSeries")} unit="usd" points={data.days.byProvider.map((p) => ({ bucketStart: p.bucketStart, group: p.group || t("none"), value: Number(p.costUsd) }))} />
          </CardContent>
        </Card>
        <ErrorRateChartCard series={data.days.errorRate} />
        <LatencyChartCard latency={data.days.latency} className="lg:col-span-2" />
        <CacheRateChartCard series={data.days.cacheRate} className="lg:col-span-2" />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {(
          [
            ["models", t("modelsTitle"), t("model"), data.models],
            ["providers", t("providersTitle"), t("provider"), data.providers],
          ] as const
        ).map(([key, title, column, rows]) => (
          <Card key={key}>
            <CardHeader>
              <CardTitle>{title}</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{column}</TableHead>
                    <TableHead className="text-right">{t("calls")}</TableHead>
                    <TableHead className="text-right">{t("errors")}</TableHead>
                    <TableHead className="text-right">{t("metered")}</TableHead>
                    <TableHead className="text-right">{t("cost")}</TableHead>
                    <TableHead className="text-right">{t("avgLatency")}</TableHead>
                    <TableHead className="text-right" title={t("cacheHitRateHint")}>
                      {t("cacheHitRate")}
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.length === 0 && <TableEmpty colSpan={7}>{t("empty")}</TableEmpty>}
                  {rows.map((r) => (
                    <TableRow key={r.group}>
                      <TableCell className="font-medium">{r.group || t("none")}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(r.calls)}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(r.errors)}</TableCell>
                      <TableCell className="text-right">
                        <UsageUnits usage={r} />
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{usd(r.costUsd)}</TableCell>
                      <TableCell className="text-right tabular-nums">{ms(r.averageLatencyMs)}</TableCell>
                      <TableCell className="text-right tabular-nums" data-testid="cache-hit-rate">
                        {r.promptTokens ? percent(r.cachedTokens / r.promptTokens) : "—"}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        ))}
      </div>
    </>
  );
}
