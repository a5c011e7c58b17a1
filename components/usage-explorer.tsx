"use client";

import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { ArrowDownIcon, ArrowUpIcon, DownloadIcon } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Dialog, DialogContent, DialogTitle } from "./ui/dialog";
import { Input, NativeSelect } from "./ui/input";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "./ui/table";
import { UsageUnits } from "./usage-units";

export interface CallRow {
  requestId: string;
  startedAt: string;
  endpoint: string;
  stream: boolean;
  requestedModel: string;
  upstreamModel: string | null;
  providerName: string | null;
  user: string | null;
  team: string | null;
  key: string | null;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  images: number;
  audioMs: number;
  characters: number;
  videoMs: number;
  costUsd: string;
  chargeCredits: string;
  latencyMs: number;
  ttfbMs: number | null;
  attempts: number;
  usageSource: string;
}

export interface ExplorerFilters {
  from?: string;
  to?: string;
  userId?: string;
  teamId?: string;
  keyId?: string;
  model?: string;
  provider?: string;
  status?: string;
}

type Option = { value: string; label: string };

const SORTABLE = new Set(["startedAt", "costNanoUsd", "latencyMs", "promptTokens", "completionTokens"]);

type T = ReturnType<typeof useTranslations<"usage.explorer">>;

const columnsFor = (t: T, locale: string): ColumnDef<CallRow>[] => [
  { id: "startedAt", header: t("time"), cell: ({ row }) => <span className="whitespace-nowrap text-xs">{row.original.startedAt.replace("T", " ").slice(0, 19)}</span> },
  {
    id: "model",
    header: t("model"),
    cell: ({ row }) => (
      <div>
        <div className="font-medium">{row.original.requestedModel}</div>
        <div className="text-xs text-muted-foreground">{row.original.providerName ?? "—"}</div>
      </div>
    ),
  },
  { id: "endpoint", header: t("endpoint"), cell: ({ row }) => <span className="text-xs" data-testid="call-endpoint">{row.original.endpoint}</span> },
  { id: "user", header: t("user"), cell: ({ row }) => <span className="text-xs">{row.original.user ?? "—"}</span> },
  {
    id: "status",
    header: t("status"),
    cell: ({ row }) => <Badge variant={row.original.status < 400 ? "success" : "destructive"}>{row.original.status}</Badge>,
  },
  { id: "promptTokens", header: t("in"), cell: ({ row }) => <span className="tabular-nums">{row.original.promptTokens.toLocaleString(locale)}</span> },
  { id: "completionTokens", header: t("out"), cell: ({ row }) => <span className="tabular-nums">{row.original.completionTokens.toLocaleString(locale)}</span> },
  // audio, speech, image and video calls are metered in seconds, characters or images rather than tokens
  { id: "metered", header: t("metered"), cell: ({ row }) => <UsageUnits usage={row.original} /> },
  { id: "costNanoUsd", header: t("cost"), cell: ({ row }) => <span className="tabular-nums" data-testid="call-cost">${row.original.costUsd}</span> },
  { id: "latencyMs", header: t("latency"), cell: ({ row }) => <span className="tabular-nums">{row.original.latencyMs} ms</span> },
];

/**
 * The calls, paged, sorted and filtered on the server: every change rewrites the URL and the page
 * re-renders with the new query, so a view can be bookmarked and shared.
 */
export function UsageExplorer({
  rows,
  total,
  page,
  pageSize,
  sort,
  order,
  filters,
  options,
  showCharge,
  exportHref,
}: {
  rows: CallRow[];
  total: number;
  page: number;
  pageSize: number;
  sort: string;
  order: "asc" | "desc";
  filters: ExplorerFilters;
  options: { users: Option[]; teams: Option[]; keys: Option[]; models: string[]; providers: string[] };
  showCharge: boolean;
  exportHref: string;
}) {
  const t = useTranslations("usage.explorer");
  const tc = useTranslations("requestLogging.call");
  const locale = useLocale();
  const columns = columnsFor(t, locale);
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [open, setOpen] = useState<CallRow | null>(null);
  const navigate = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in changes)) next.delete("page");
    startTransition(() => router.push(`${pathname}?${next.toString()}`));
  };
  const sorting: SortingState = [{ id: sort, desc: order === "desc" }];
  // the charge goes between the cost and the latency
  const latency = columns.findIndex((c) => c.id === "latencyMs");
  const table = useReactTable({
    data: rows,
    columns: showCharge ? [...columns.slice(0, latency), { id: "charge", header: t("charge"), cell: ({ row }) => <span className="tabular-nums">{row.original.chargeCredits}</span> }, ...columns.slice(latency)] : columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    rowCount: total,
    state: { sorting, pagination: { pageIndex: page - 1, pageSize } },
  });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const select = (name: keyof ExplorerFilters, label: string, list: Option[]) => (
    <NativeSelect aria-label={label} className="h-8 w-auto text-xs" value={filters[name] ?? ""} onChange={(e) => navigate({ [name]: e.target.value || undefined })}>
      <option value="">{t("all", { label })}</option>
      {list.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </NativeSelect>
  );
  return (
    <div className={cn("flex flex-col gap-3", pending && "opacity-60 transition-opacity")} aria-busy={pending}>
      <div className="flex flex-wrap items-center gap-2" data-testid="usage-filters">
        <Input type="date" aria-label={t("from")} className="h-8 w-auto text-xs" defaultValue={filters.from?.slice(0, 10)} onChange={(e) => navigate({ from: e.target.value || undefined })} />
        <Input type="date" aria-label={t("to")} className="h-8 w-auto text-xs" defaultValue={filters.to?.slice(0, 10)} onChange={(e) => navigate({ to: e.target.value || undefined })} />
        {select("userId", t("users"), options.users)}
        {select("teamId", t("teams"), options.teams)}
        {select("keyId", t("keys"), options.keys)}
        {select("model", t("models"), options.models.map((m) => ({ value: m, label: m })))}
        {select("provider", t("providers"), options.providers.map((p) => ({ value: p, label: p })))}
        {select("status", t("statuses"), [
          { value: "ok", label: t("succeeded") },
          { value: "error", label: t("failed") },
        ])}
        <Button asChild variant="outline" size="sm" className="ml-auto">
          <a href={exportHref} download>
            <DownloadIcon /> {t("csv")}
          </a>
        </Button>
      </div>
      <Table>
        <TableHeader>
          {table.getHeaderGroups().map((group) => (
            <TableRow key={group.id}>
              {group.headers.map((header) => {
                const sortable = SORTABLE.has(header.column.id);
                const active = sort === header.column.id;
                return (
                  <TableHead key={header.id}>
                    {sortable ? (
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 uppercase hover:text-foreground"
                        onClick={() => navigate({ sort: header.column.id, order: active && order === "desc" ? "asc" : "desc" })}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {active && (order === "desc" ? <ArrowDownIcon className="size-3" /> : <ArrowUpIcon className="size-3" />)}
                      </button>
                    ) : (
                      flexRender(header.column.columnDef.header, header.getContext())
                    )}
                  </TableHead>
                );
              })}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody>
          {rows.length === 0 && <TableEmpty colSpan={table.getAllColumns().length}>{t("empty")}</TableEmpty>}
          {table.getRowModel().rows.map((row) => (
            <TableRow key={row.id} className="cursor-pointer" onClick={() => setOpen(row.original)} data-testid="call-row">
              {row.getVisibleCells().map((cell) => (
                <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <div className="flex items-center justify-between text-sm text-muted-foreground">
        <span>{t("summary", { total, page, pages })}</span>
        <div className="flex gap-2">
          <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => navigate({ page: String(page - 1) })}>
            {t("previous")}
          </Button>
          <Button variant="outline" size="sm" disabled={page >= pages} onClick={() => navigate({ page: String(page + 1) })}>
            {t("next")}
          </Button>
        </div>
      </div>
      <Dialog open={open !== null} onOpenChange={(next) => !next && setOpen(null)}>
        {open && (
          <DialogContent side="right">
            <DialogTitle>{t("call", { id: open.requestId })}</DialogTitle>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="call-detail">
              {(
                [
                  [t("started"), open.startedAt],
                  [t("endpoint"), open.stream ? t("stream", { endpoint: open.endpoint }) : open.endpoint],
                  [t("model"), open.requestedModel],
                  [t("upstream"), t("attempts", { provider: open.providerName ?? "—", model: open.upstreamModel ?? "—", attempts: open.attempts })],
                  [t("userTeam"), `${open.user ?? "—"} / ${open.team ?? "—"}`],
                  [t("key"), open.key ?? t("webSession")],
                  [t("status"), `${open.status}${open.errorCode ? ` · ${open.errorCode}` : ""}`],
                  [t("error"), open.errorMessage ?? "—"],
                  [
                    t("tokens"),
                    t("tokensDetail", {
                      prompt: String(open.promptTokens),
                      cached: String(open.cachedTokens),
                      completion: String(open.completionTokens),
                      reasoning: String(open.reasoningTokens),
                      source: open.usageSource,
                    }),
                  ],
                  [t("metered"), <UsageUnits key="metered" usage={open} />],
                  [t("providerCost"), `$${open.costUsd}`],
                  [t("charge"), t("chargeCredits", { credits: open.chargeCredits })],
                  [t("latency"), t("latencyDetail", { latency: String(open.latencyMs), ttfb: String(open.ttfbMs ?? "—") })],
                ] as const
              ).map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="text-muted-foreground">{label}</dt>
                  <dd className="break-all">{value}</dd>
                </div>
              ))}
            </dl>
            <Button asChild variant="outline" size="sm" className="mt-4 self-start">
              <Link href={`/admin/usage/calls/${encodeURIComponent(open.requestId)}`} data-testid="call-page-link">
                {tc("open")}
              </Link>
            </Button>
          </DialogContent>
        )}
      </Dialog>
    </div>
  );
}
