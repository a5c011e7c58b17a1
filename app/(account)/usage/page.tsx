import { PageHeader } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { myCalls } from "@/lib/dal/account";
import { settings } from "@/lib/settings";
import { dateTime, number } from "@/lib/ui/format";

export const metadata = { title: "My usage" };

const PAGE_SIZE = 50;

export default async function MyUsagePage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const user = await requireUser();
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const [calls, { mode }] = await Promise.all([myCalls(user, page, PAGE_SIZE), settings()]);
  const reseller = mode === "service_provider";
  return (
    <>
      <PageHeader title="Usage" description="Your calls, newest first, with what each cost." />
      <Card>
        <CardContent className="flex flex-col gap-3 pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Time</TableHead>
                <TableHead>Model</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Tokens in / out</TableHead>
                <TableHead className="text-right">{reseller ? "Credits" : "Cost"}</TableHead>
                <TableHead className="text-right">Latency</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {calls.data.length === 0 && <TableEmpty colSpan={6}>No calls yet. Create a key and make your first call.</TableEmpty>}
              {calls.data.map((c) => (
                <TableRow key={c.requestId} data-testid="my-call">
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(c.startedAt)}</TableCell>
                  <TableCell className="font-medium">{c.requestedModel}</TableCell>
                  <TableCell>
                    <Badge variant={c.status < 400 ? "success" : "destructive"}>{c.status}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {number(c.promptTokens)} / {number(c.completionTokens)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{reseller ? c.chargeCredits : `$${c.costUsd}`}</TableCell>
                  <TableCell className="text-right tabular-nums">{c.latencyMs} ms</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={calls.total} params={{}} />
        </CardContent>
      </Card>
    </>
  );
}
