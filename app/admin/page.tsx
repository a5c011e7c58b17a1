import { PageHeader } from "@/components/app-shell";
import { Stat } from "@/components/stat";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { UsageChart } from "@/components/usage-chart";
import { requireAdmin } from "@/lib/auth/session";
import { overview } from "@/lib/dal/admin";
import { settings } from "@/lib/settings";
import { credits, ms, number, percent, usd } from "@/lib/ui/format";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const user = await requireAdmin();
  const [data, { mode }] = await Promise.all([overview(user), settings()]);
  const { today } = data;
  const money = mode === "service_provider";
  return (
    <>
      <PageHeader title="Overview" description="Today so far (UTC), and the last 30 days." />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-6">
        <Stat label="Calls" value={number(today.calls)} testId="stat-calls" />
        <Stat label="Tokens" value={number(today.tokens)} />
        <Stat label="Provider cost" value={usd(today.costUsd)} />
        <Stat label={money ? "Revenue (credits)" : "Charged (credits)"} value={credits(today.chargeCredits)} />
        <Stat label="Error rate" value={percent(today.errorRate)} hint={`${number(today.errors)} failed`} />
        <Stat label="Latency p50 / p95" value={`${ms(today.p50LatencyMs)}`} hint={`p95 ${ms(today.p95LatencyMs)}`} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Calls by model</CardTitle>
          </CardHeader>
          <CardContent>
            <UsageChart label="calls" points={data.days.byModel.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: p.calls }))} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Provider cost by provider</CardTitle>
          </CardHeader>
          <CardContent>
            <UsageChart label="cost" unit="usd" points={data.days.byProvider.map((p) => ({ bucketStart: p.bucketStart, group: p.group || "(none)", value: Number(p.costUsd) }))} />
          </CardContent>
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {(
          [
            ["Models", data.models],
            ["Providers", data.providers],
          ] as const
        ).map(([title, rows]) => (
          <Card key={title}>
            <CardHeader>
              <CardTitle>{title}, last 30 days</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{title.slice(0, -1)}</TableHead>
                    <TableHead className="text-right">Calls</TableHead>
                    <TableHead className="text-right">Errors</TableHead>
                    <TableHead className="text-right">Cost</TableHead>
                    <TableHead className="text-right">Avg latency</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.length === 0 && <TableEmpty colSpan={5}>No calls yet.</TableEmpty>}
                  {rows.map((r) => (
                    <TableRow key={r.group}>
                      <TableCell className="font-medium">{r.group || "(none)"}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(r.calls)}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(r.errors)}</TableCell>
                      <TableCell className="text-right tabular-nums">{usd(r.costUsd)}</TableCell>
                      <TableCell className="text-right tabular-nums">{ms(r.averageLatencyMs)}</TableCell>
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
