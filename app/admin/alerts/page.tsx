import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { AlertChannelDialog } from "@/components/alert-channel-dialog";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { ALERT_EVENT_NAMES, alertChannels, alertDeliveries, alertDeliveriesQuery, alertThresholds } from "@/lib/dal/admin";
import { dateTime } from "@/lib/ui/format";
import { alertThresholdsAction, channelEnabledAction, createChannelAction, deleteChannelAction, replayDeliveryAction, testChannelAction } from "./actions";

export const metadata = { title: "Alerts" };

const STATUS_VARIANT = { delivered: "success", failed: "destructive", pending: "warning" } as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const query = alertDeliveriesQuery(await searchParams);
  const [channels, { deliveries, nextCursor }, thresholds] = await Promise.all([alertChannels(user), alertDeliveries(user, query), alertThresholds(user)]);
  const names = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <>
      <PageHeader title="Alerts" description="Low balances, budgets at 80 % and 100 %, suspended and recovered provider keys, providers down, top-ups and spend spikes — by e-mail and signed webhooks.">
        <AlertChannelDialog action={createChannelAction} events={ALERT_EVENT_NAMES} />
      </PageHeader>

      <Card>
        <CardHeader>
          <CardTitle>Channels</CardTitle>
          <CardDescription>Webhooks carry webhook-id, webhook-timestamp and webhook-signature (v1, HMAC-SHA256 of id.timestamp.body) and are retried with backoff.</CardDescription>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Channel</TableHead>
                <TableHead>Destination</TableHead>
                <TableHead>Events</TableHead>
                <TableHead>Status</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {channels.length === 0 && <TableEmpty colSpan={5}>No channels yet: alerts reach only customers who asked for their own.</TableEmpty>}
              {channels.map((c) => (
                <TableRow key={c.id} data-testid={`channel-${c.name}`}>
                  <TableCell>
                    <div className="font-medium">{c.name}</div>
                    <div className="text-xs text-muted-foreground">{c.kind}</div>
                  </TableCell>
                  <TableCell className="max-w-64 break-all text-xs">{c.target}</TableCell>
                  <TableCell className="max-w-48 text-xs">{c.events.length ? c.events.join(", ") : <span className="text-muted-foreground">all</span>}</TableCell>
                  <TableCell>{c.enabled ? <Badge variant="success">on</Badge> : <Badge variant="outline">off</Badge>}</TableCell>
                  <TableCell className="whitespace-nowrap text-right">
                    <ActionButton action={testChannelAction} fields={{ id: c.id }} variant="ghost" size="sm">
                      Send test
                    </ActionButton>
                    <ActionButton action={channelEnabledAction} fields={{ id: c.id, enabled: String(!c.enabled) }} variant="ghost" size="sm">
                      {c.enabled ? "Turn off" : "Turn on"}
                    </ActionButton>
                    <ActionButton action={deleteChannelAction} fields={{ id: c.id }} variant="ghost" size="sm" confirm={`Remove ${c.name}? Its deliveries stay in the log.`}>
                      Remove
                    </ActionButton>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Thresholds</CardTitle>
          <CardDescription>Customers also set their own low-balance alert on their dashboard.</CardDescription>
        </CardHeader>
        <CardContent>
          <ActionForm action={alertThresholdsAction} resetOnSuccess={false} className="grid gap-4 sm:grid-cols-3">
            <Field name="lowBalanceCredits" label="Any account below (credits)" defaultValue={thresholds.alertLowBalanceCredits ?? ""} placeholder="off" hint="Empty turns it off" />
            <Field name="spikeFactor" label="Spend spike: times the 7-day mean" defaultValue={thresholds.alertSpendSpikeFactor?.toString() ?? ""} placeholder="off" hint="Empty turns it off" />
            <Field name="spikeFloorUsd" label="…and above (USD a day)" defaultValue={thresholds.alertSpendSpikeFloorUsd} />
            <div className="sm:col-span-3">
              <SubmitButton>Save thresholds</SubmitButton>
            </div>
          </ActionForm>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Deliveries</CardTitle>
          <CardDescription>Every alert sent, its attempts and the receiver&apos;s answer. A replay sends the same message (same webhook-id) again.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <nav aria-label="Delivery status" className="flex gap-2 text-sm">
            {["all", "failed", "pending", "delivered"].map((s) => (
              <Link key={s} href={s === "all" ? "/admin/alerts" : `/admin/alerts?status=${s}`} aria-current={(query.filter.status ?? "all") === s ? "page" : undefined} className="rounded-md px-2 py-1 hover:bg-muted aria-[current=page]:bg-muted aria-[current=page]:font-medium">
                {s}
              </Link>
            ))}
          </nav>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Event</TableHead>
                <TableHead>To</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Answer</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {deliveries.length === 0 && <TableEmpty colSpan={6}>No deliveries.</TableEmpty>}
              {deliveries.map((d) => (
                <TableRow key={d.id} data-testid="delivery">
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(d.createdAt)}</TableCell>
                  <TableCell className="text-xs">
                    <code>{d.event}</code>
                    {d.replayOf && <div className="text-muted-foreground">replay</div>}
                  </TableCell>
                  <TableCell className="text-xs">{d.channelId ? (names.get(d.channelId) ?? "(removed channel)") : "the customer"}</TableCell>
                  <TableCell>
                    <Badge variant={STATUS_VARIANT[d.status]}>{d.status}</Badge>
                    <div className="mt-1 text-xs text-muted-foreground">
                      {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                    </div>
                  </TableCell>
                  <TableCell className="max-w-64 break-all text-xs">{d.responseStatus ? `HTTP ${d.responseStatus}` : ""}{d.lastError ? ` ${d.lastError}` : ""}</TableCell>
                  <TableCell className="text-right">
                    {d.status !== "pending" && (
                      <ActionButton action={replayDeliveryAction} fields={{ id: d.id }} variant="ghost" size="sm">
                        Replay
                      </ActionButton>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {nextCursor && (
            <div>
              <Button asChild variant="outline" size="sm">
                <Link href={`/admin/alerts?${new URLSearchParams({ ...(query.filter.status ? { status: query.filter.status } : {}), cursor: nextCursor }).toString()}`}>Older deliveries</Link>
              </Button>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
