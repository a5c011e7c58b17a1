"use client";

import { useLocale, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartPoint {
  bucketStart: string;
  group?: string;
  /** null: nothing to measure in this bucket (a gap in a line, not a zero) */
  value: number | null;
}

export type ChartUnit = "count" | "usd" | "credits" | "ms" | "percent";

const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];
// a legend entry longer than this is cut (the tooltip keeps the whole name)
const LEGEND_CHARS = 28;
// the axis font is 12px: a character is at most ~7px wide, plus the tick's margin
const CHAR_PX = 7;

/** How a value reads on an axis: short ("1.2K", "$3.4M", "1.5 s", "12%"), so labels fit their room. */
export function compactFormat(unit: ChartUnit, locale: string): (v: number) => string {
  const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  switch (unit) {
    case "usd":
      return (v) => (v === 0 ? "$0" : Math.abs(v) < 0.01 ? `$${v.toPrecision(1)}` : Math.abs(v) < 1000 ? `$${v.toFixed(v < 10 ? 2 : 0)}` : `$${compact.format(v)}`);
    case "ms":
      return (v) => (v < 1000 ? `${Math.round(v)} ms` : `${compact.format(v / 1000)} s`);
    case "percent":
      return (v) => `${compact.format(v * 100)}%`;
    default:
      return (v) => compact.format(v);
  }
}

/** How a value reads in the tooltip: exact enough to copy down. */
function fullFormat(unit: ChartUnit, locale: string): (v: number) => string {
  switch (unit) {
    case "usd":
      return (v) => (v === 0 ? "$0" : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    case "ms":
      return (v) => `${Math.round(v).toLocaleString(locale)} ms`;
    case "percent":
      return (v) => `${(v * 100).toFixed(v && v < 0.01 ? 2 : 1)}%`;
    default:
      return (v) => v.toLocaleString(locale, { maximumFractionDigits: 2 });
  }
}

const clip = (name: string) => (name.length > LEGEND_CHARS ? `${name.slice(0, LEGEND_CHARS - 1)}…` : name);

/**
 * A series over time: stacked bars (counts, money: one colour per group, the groups past the top
 * five summed into "other") or lines (latencies, rates: nulls are gaps). The points cover every
 * bucket of the range, so the axis spans the range even where nobody called.
 */
export function UsageChart({
  points,
  label,
  bucket = "day",
  unit = "count",
  kind = "bar",
  height = 260,
}: {
  points: ChartPoint[];
  label: string;
  bucket?: "day" | "hour";
  /** how values read on the axis and in the tooltip */
  unit?: ChartUnit;
  kind?: "bar" | "line";
  height?: number;
}) {
  const t = useTranslations("usage.chart");
  const locale = useLocale();
  const OTHER = t("other");
  const axis = compactFormat(unit, locale);
  const full = fullFormat(unit, locale);
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.group ?? label, (totals.get(p.group ?? label) ?? 0) + (p.value ?? 0));
  // bars stack the largest groups; lines keep the order they were given in (p50 before p95)
  const ordered = kind === "bar" ? [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g) : [...totals.keys()];
  const top = ordered.slice(0, COLORS.length - (ordered.length > COLORS.length ? 1 : 0));
  const groups = ordered.length > top.length ? [...top, OTHER] : top;
  const rows = new Map<string, Record<string, number | string | null>>();
  for (const p of points) {
    const key = p.bucketStart;
    // "11-27" for a day, "11-27 14h" for an hour
    const row = rows.get(key) ?? { bucket: bucket === "day" ? key.slice(5, 10) : `${key.slice(5, 13).replace("T", " ")}h` };
    const group = top.includes(p.group ?? label) ? (p.group ?? label) : OTHER;
    const before = row[group] as number | null | undefined;
    row[group] = p.value === null ? (before ?? null) : (before ?? 0) + p.value;
    rows.set(key, row);
  }
  const values = points.map((p) => p.value ?? 0);
  // nothing to draw: no bar above zero, or no point on a line (a 0% error rate is a point)
  if (kind === "bar" ? !values.some((v) => v !== 0) : points.every((p) => p.value === null)) {
    return (
      <div className="flex items-center justify-center rounded-lg border border-dashed border-border text-sm text-muted-foreground" style={{ height }}>
        {t("empty")}
      </div>
    );
  }
  // the y axis is as wide as its longest label: the largest bar (stacked) or point, formatted
  const peak = kind === "bar" ? Math.max(...[...rows.values()].map((r) => groups.reduce((sum, g) => sum + Number(r[g] ?? 0), 0))) : Math.max(...values);
  const yWidth = Math.max(40, Math.max(axis(peak).length, axis(peak / 2).length) * CHAR_PX + 12);
  const common = {
    data: [...rows.values()],
    margin: { top: 8, right: 12, bottom: 0, left: 0 },
  };
  const children = [
    <CartesianGrid key="grid" vertical={false} stroke="var(--border)" />,
    <XAxis key="x" dataKey="bucket" tickLine={false} axisLine={false} fontSize={12} stroke="var(--muted-foreground)" interval="preserveStartEnd" minTickGap={16} />,
    <YAxis key="y" tickLine={false} axisLine={false} fontSize={12} width={yWidth} stroke="var(--muted-foreground)" tickFormatter={axis} allowDecimals={unit !== "count"} />,
    <Tooltip
      key="tooltip"
      formatter={(value) => (value === null || value === undefined ? "—" : full(Number(value)))}
      contentStyle={{ background: "var(--card)", border: "1px solid var(--border)", borderRadius: 8, fontSize: 12 }}
      cursor={kind === "bar" ? { fill: "var(--muted)" } : { stroke: "var(--border)" }}
    />,
    groups.length > 1 && <Legend key="legend" wrapperStyle={{ fontSize: 12 }} itemSorter={null} formatter={(name: string) => <span title={name}>{clip(name)}</span>} />,
  ];
  return (
    <div role="img" aria-label={t("label", { label })} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        {kind === "bar" ? (
          <BarChart {...common}>
            {children}
            {groups.map((g, i) => (
              <Bar key={g} dataKey={g} stackId="a" fill={COLORS[i % COLORS.length]} radius={i === groups.length - 1 ? [3, 3, 0, 0] : 0} />
            ))}
          </BarChart>
        ) : (
          <LineChart {...common}>
            {children}
            {groups.map((g, i) => (
              <Line key={g} dataKey={g} type="monotone" stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}
