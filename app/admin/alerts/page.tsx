import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
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
import { formats } from "@/lib/ui/format";
import { alertThresholdsAction, channelEnabledAction, createChannelAction, deleteChannelAction, replayDeliveryAction, testChannelAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("adminOps.alerts"))("metaTitle") };
}

const STATUS_VARIANT = { delivered: "success", failed: "destructive", pending: "warning" } as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const query = alertDeliveriesQuery(await searchParams);
  const [channels, { deliveries, nextCursor }, thresholds, t, locale] = await Promise.all([
    alertChannels(user),
    alertDeliveries(user, query),
    alertThresholds(user),
    getTranslations("adminOps.alerts"),
    getLocale(),
  ]);
  const { dateTime } = formats(locale);
  const names = new Map(channels.map((c) => [c.id, c.name]));
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <AlertChannelDialog action={createChannelAction} events={ALERT_EVENT_NAMES} />
      </PageHeader>

      <Card>
        <CardHeader>
          <CardTitle>{t("channels.title")}</CardTitle>
          <CardDescription>{t("channels.description")}</CardDescription>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("channels.channel")}</TableHead>
                <TableHead>{t("channels.destination")}</TableHead>
                <TableHead>{t("channels.events")}</TableHead>
                <TableHead>{t("channels.status")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {channels.length === 0 && <TableEmpty colSpan={5}>{t("channels.empty")}</TableEmpty>}
              {channels.map((c) => (
                <TableRow key={c.id} data-testid={`channel-${c.name}`}>
                  <TableCell>
                    <div className="font-medium">{c.name}</div>
                    <div className="text-xs text-muted-foreground">{t("channels.kind", { kind: c.kind })}</div>
                  </TableCell>
                  <TableCell className="max-w-64 break-all text-xs">{c.target}</TableCell>
                  <TableCell className="max-w-48 text-xs">{c.events.length ? c.events.join(", ") : <span className="text-muted-foreground">{t("channels.allEvents")}</span>}</TableCell>
                  <TableCell>{c.enabled ? <Badge variant="success">{t("channels.on")}</Badge> : <Badge variant="outline">{t("channels.off")}</Badge>}</TableCell>
                  <TableCell className="whitespace-nowrap text-right">
                    <ActionButton action={testChannelAction} fields={{ id: c.id }} variant="ghost" size="sm">
                      {t("channels.sendTest")}
                    </ActionButton>
                    <ActionButton action={channelEnabledAction} fields={{ id: c.id, enabled: String(!c.enabled) }} variant="ghost" size="sm">
                      {c.enabled ? t("channels.turnOff") : t("channels.turnOn")}
                    </ActionButton>
                    <ActionButton action={deleteChannelAction} fields={{ id: c.id }} variant="ghost" size="sm" confirm={t("channels.confirmRemove", { name: c.name })}>
                      {t("channels.remove")}
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
          <CardTitle>{t("thresholds.title")}</CardTitle>
          <CardDescription>{t("thresholds.description")}</CardDescription>
        </CardHeader>
        <CardContent>
          <ActionForm action={alertThresholdsAction} resetOnSuccess={false} className="grid gap-4 sm:grid-cols-3">
            <Field name="lowBalanceCredits" label={t("thresholds.lowBalance")} defaultValue={thresholds.alertLowBalanceCredits ?? ""} placeholder={t("thresholds.off")} hint={t("thresholds.emptyOff")} />
            <Field name="spikeFactor" label={t("thresholds.spikeFactor")} defaultValue={thresholds.alertSpendSpikeFactor?.toString() ?? ""} placeholder={t("thresholds.off")} hint={t("thresholds.emptyOff")} />
            <Field name="spikeFloorUsd" label={t("thresholds.spikeFloor")} defaultValue={thresholds.alertSpendSpikeFloorUsd} />
            <div className="sm:col-span-3">
              <SubmitButton>{t("thresholds.save")}</SubmitButton>
            </div>
          </ActionForm>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{t("deliveries.title")}</CardTitle>
          <CardDescription>{t("deliveries.description")}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <nav aria-label={t("deliveries.statusNav")} className="flex gap-2 text-sm">
            {["all", "failed", "pending", "delivered"].map((s) => (
              <Link key={s} href={s === "all" ? "/admin/alerts" : `/admin/alerts?status=${s}`} aria-current={(query.filter.status ?? "all") === s ? "page" : undefined} className="rounded-md px-2 py-1 hover:bg-muted aria-[current=page]:bg-muted aria-[current=page]:font-medium">
                {t("deliveries.statusName", { status: s })}
              </Link>
            ))}
          </nav>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("deliveries.when")}</TableHead>
                <TableHead>{t("deliveries.event")}</TableHead>
                <TableHead>{t("deliveries.to")}</TableHead>
                <TableHead>{t("deliveries.status")}</TableHead>
                <TableHead>{t("deliveries.answer")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {deliveries.length === 0 && <TableEmpty colSpan={6}>{t("deliveries.empty")}</TableEmpty>}
              {deliveries.map((d) => (
                <TableRow key={d.id} data-testid="delivery">
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(d.createdAt)}</TableCell>
                  <TableCell className="text-xs">
                    <code>{d.event}</code>
                    {d.replayOf && <div className="text-muted-foreground">{t("deliveries.replayOf")}</div>}
                  </TableCell>
                  <TableCell className="text-xs">{d.channelId ? (names.get(d.channelId) ?? t("deliveries.removedChannel")) : t("deliveries.theCustomer")}</TableCell>
                  <TableCell>
                    <Badge variant={STATUS_VARIANT[d.status]}>{t("deliveries.statusName", { status: d.status })}</Badge>
                    <div className="mt-1 text-xs text-muted-foreground">{t("deliveries.attempts", { count: d.attempts })}</div>
                  </TableCell>
                  <TableCell className="max-w-64 break-all text-xs">{d.responseStatus ? `HTTP ${d.responseStatus}` : ""}{d.lastError ? ` ${d.lastError}` : ""}</TableCell>
                  <TableCell className="text-right">
                    {d.status !== "pending" && (
                      <ActionButton action={replayDeliveryAction} fields={{ id: d.id }} variant="ghost" size="sm">
                        {t("deliveries.replay")}
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
                <Link href={`/admin/alerts?${new URLSearchParams({ ...(query.filter.status ? { status: query.filter.status } : {}), cursor: nextCursor }).toString()}`}>{t("deliveries.older")}</Link>
              </Button>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
