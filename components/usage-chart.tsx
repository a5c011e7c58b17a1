"use client";

import { useLocale, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartPoint {
  bucketStart: string;
  group?: string;
  value: number;
}

const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

/**
 * Stacked bars per day (or hour), one colour per group; groups past the top five are summed into
 * "other" so the chart stays readable.
 */
export function UsageChart({
  points,
  label,
  bucket = "day",
  unit = "count",
  height = 260,
}: {
  points: ChartPoint[];
  label: string;
  bucket?: "day" | "hour";
  /** how values read on the axis and in the tooltip */
  unit?: "count" | "usd";
  height?: number;
}) {
  const t = useTranslations("usage.chart");
  const locale = useLocale();
  const OTHER = t("other");
  const format = unit === "usd" ? (v: number) => (v === 0 ? "$0" : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`) : (v: number) => v.toLocaleString(locale);
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.group ?? label, (totals.get(p.group ?? label) ?? 0) + p.value);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, COLORS.length - 1).map(([g]) => g);
  const groups = totals.size > top.length ? [...top, OTHER] : top;
  const rows = new Map<string, Record<string, number | string>>();
  for (const p of points) {
    const key = p.bucketStart;
    // "11-27" for a day, "11-27 14h" for an hour
    const row = rows.get(key) ?? { bucket: bucket === "day" ? key.slice(5, 10) : `${key.slice(5, 13).replace("T", " ")}h` };
    const group = top.includes(p.group ?? label) ? (p.group ?? label) : OTHER;
    row[group] = ((row[group] as number | undefined) ?? 0) + p.value;
    rows.set(key, row);
  }
  if (rows.size === 0) {
    return (
      <div className="flex items-center justify-center rounded-lg border border-dashed border-border text-sm text-muted-foreground" style={{ height }}>
        {t("empty")}
      </div>
    );
  }
  return (
    <div role="img" aria-label={t("label", { label })} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...rows.values()]} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="bucket" tickLine={false} axisLine={false} fontSize={12} stroke="var(--muted-foreground)" />
          <YAxis tickLine={false} axisLine={false} fontSize={12} width={56} stroke="var(--muted-foreground)" tickFormatter={format} />
          <Tooltip
            formatter={(value) => format(Number(value))}
            contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12 }}
            cursor={{ fill: "var(--muted)" }}
          />
          {groups.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {groups.map((g, i) => (
            <Bar key={g} dataKey={g} stackId="a" fill={COLORS[i % COLORS.length]} radius={i === groups.length - 1 ? [3, 3, 0, 0] : 0} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
