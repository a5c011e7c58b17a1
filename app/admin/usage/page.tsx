import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { UsageChart } from "@/components/usage-chart";
import { CacheRateChartCard, ErrorRateChartCard, LatencyChartCard } from "@/components/usage-charts";
import { UsageExplorer } from "@/components/usage-explorer";
import { requireAdmin } from "@/lib/auth/session";
import { explorerCharts, explorerPage, explorerQuery } from "@/lib/dal/admin";
import { formats } from "@/lib/ui/format";
import { settings } from "@/lib/settings";

export async function generateMetadata() {
  return { title: (await getTranslations("adminOps.usage"))("metaTitle") };
}

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const { query, invalid } = explorerQuery(params);
  const [data, charts, { mode }, t, tc, locale] = await Promise.all([
    explorerPage(user, query),
    explorerCharts(user, query),
    settings(),
    getTranslations("adminOps.usage"),
    getTranslations("usage.chart"),
    getLocale(),
  ]);
  const { dateTime } = formats(locale);
  const range = tc("range", { from: dateTime(charts.from), to: dateTime(charts.to) });
  const pick = (name: string) => (typeof params[name] === "string" ? (params[name] as string) : undefined);
  // the export gets the query as the page ran it (a date-only "to" already includes its day)
  const { page: _page, pageSize: _size, from, to, ...filters } = query;
  const exportQuery = new URLSearchParams(
    Object.entries({ ...filters, from: from?.toISOString(), to: to?.toISOString() }).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {invalid && <p className="text-sm text-destructive">{t("invalidFilters")}</p>}
      <div className="grid gap-4 lg:grid-cols-2" data-testid="usage-charts">
        {(
          [
            ["calls", tc("callsByModel"), tc("callsSeries"), "count", (p: (typeof charts.byModel)[number]) => p.calls],
            ["cost", tc("costByModel"), tc("costSeries"), "usd", (p: (typeof charts.byModel)[number]) => Number(p.costUsd)],
          ] as const
        ).map(([key, title, label, unit, value]) => (
          <Card key={key}>
            <CardHeader>
              <CardTitle>{title}</CardTitle>
              <CardDescription>{range}</CardDescription>
            </CardHeader>
            <CardContent>
              <UsageChart label={label} unit={unit} bucket={charts.bucket} points={charts.byModel.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: value(p) }))} />
            </CardContent>
          </Card>
        ))}
        <ErrorRateChartCard series={charts.errorRate} bucket={charts.bucket} />
        <LatencyChartCard latency={charts.latency} bucket={charts.bucket} />
        <CacheRateChartCard series={charts.cacheRate} bucket={charts.bucket} className="lg:col-span-2" />
      </div>
      <Card>
        <CardContent className="pt-4">
          <UsageExplorer
            rows={data.rows}
            total={data.total}
            page={query.page}
            pageSize={query.pageSize}
            sort={query.sort}
            order={query.order}
            filters={{ from: pick("from"), to: pick("to"), userId: query.userId, teamId: query.teamId, keyId: query.keyId, model: query.model, provider: query.provider, status: query.status }}
            options={data.options}
            showCharge={mode === "service_provider"}
            exportHref={`/admin/usage/export?${exportQuery.toString()}`}
          />
        </CardContent>
      </Card>
    </>
  );
}
