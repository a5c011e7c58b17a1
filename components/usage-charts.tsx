"use client";

import { useTranslations } from "next-intl";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { UsageChart, type ChartPoint } from "@/components/usage-chart";

// The charts every usage page shows the same way, whoever's calls they read: latency, error rate and cache hits.

export interface LatencyData {
  /** true: p50/p95 from the calls; false: the rollups' averages (the range held too many calls) */
  percentiles: boolean;
  series: Array<{ bucketStart: string; latencyP50: number | null; latencyP95: number | null; ttfbP50: number | null; ttfbP95: number | null }>;
}

/** p50 and p95 of latency and of time to first byte per bucket (or their averages), as lines. */
export function LatencyChartCard({ latency, bucket = "day", className }: { latency: LatencyData; bucket?: "hour" | "day"; className?: string }) {
  const t = useTranslations("usage.chart");
  const lines = latency.percentiles
    ? ([
        ["latencyP50", t("latencyP50")],
        ["latencyP95", t("latencyP95")],
        ["ttfbP50", t("ttfbP50")],
        ["ttfbP95", t("ttfbP95")],
      ] as const)
    : ([
        ["latencyP50", t("latencyAverage")],
        ["ttfbP50", t("ttfbAverage")],
      ] as const);
  const points: ChartPoint[] = lines.flatMap(([key, group]) => latency.series.map((p) => ({ bucketStart: p.bucketStart, group, value: p[key] })));
  return (
    <Card className={className} data-testid="latency-chart">
      <CardHeader>
        <CardTitle>{t("latencyTitle", { bucket })}</CardTitle>
        <CardDescription>{latency.percentiles ? t("latencyHint", { bucket }) : t("latencyAveragesHint", { bucket })}</CardDescription>
      </CardHeader>
      <CardContent>
        <UsageChart kind="line" unit="ms" bucket={bucket} label={t("latencyTitle", { bucket })} points={points} />
      </CardContent>
    </Card>
  );
}

/** The share of failed calls per bucket, as a line (a gap where nobody called). */
export function ErrorRateChartCard({ series, bucket = "day", className }: { series: Array<{ bucketStart: string; errorRate: number | null }>; bucket?: "hour" | "day"; className?: string }) {
  const t = useTranslations("usage.chart");
  return (
    <Card className={className} data-testid="error-rate-chart">
      <CardHeader>
        <CardTitle>{t("errorRateTitle", { bucket })}</CardTitle>
      </CardHeader>
      <CardContent>
        <UsageChart kind="line" unit="percent" bucket={bucket} label={t("errorRateSeries")} points={series.map((p) => ({ bucketStart: p.bucketStart, value: p.errorRate }))} />
      </CardContent>
    </Card>
  );
}

/** The prompt-cache share of input tokens and the response-cache share of calls per bucket, as lines. */
export function CacheRateChartCard({ series, bucket = "day", className }: { series: Array<{ bucketStart: string; promptCacheRate: number | null; responseCacheRate: number | null }>; bucket?: "hour" | "day"; className?: string }) {
  const t = useTranslations("usage.chart");
  const lines = [
    ["promptCacheRate", t("promptCacheSeries")],
    ["responseCacheRate", t("responseCacheSeries")],
  ] as const;
  return (
    <Card className={className} data-testid="cache-rate-chart">
      <CardHeader>
        <CardTitle>{t("cacheRateTitle", { bucket })}</CardTitle>
        <CardDescription>{t("cacheRateHint")}</CardDescription>
      </CardHeader>
      <CardContent>
        <UsageChart kind="line" unit="percent" bucket={bucket} label={t("cacheRateTitle", { bucket })} points={lines.flatMap(([key, group]) => series.map((p) => ({ bucketStart: p.bucketStart, group, value: p[key] })))} />
      </CardContent>
    </Card>
  );
}
