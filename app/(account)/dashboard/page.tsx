import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Stat } from "@/components/stat";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { UsageChart } from "@/components/usage-chart";
import { ErrorRateChartCard, LatencyChartCard } from "@/components/usage-charts";
import { UsageUnits } from "@/components/usage-units";
import { requireUser } from "@/lib/auth/session";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { myAlert, myDashboard } from "@/lib/dal/account";
import { lowBalanceAlertAction } from "@/lib/ui/account-actions";
import { formats } from "@/lib/ui/format";

export async function generateMetadata() {
  return { title: (await getTranslations("account.dashboard"))("title") };
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ welcome?: string }> }) {
  const user = await requireUser();
  const [dashboardData, alert, t, locale] = await Promise.all([myDashboard(user), myAlert(user), getTranslations("account.dashboard"), getLocale()]);
  const { credits, number, percent, usd } = formats(locale);
  const data = dashboardData!;
  const { welcome } = await searchParams;
  const { account, usage } = data;
  const reseller = data.mode === "service_provider";
  return (
    <>
      <PageHeader title={user.name ? t("helloName", { name: user.name }) : t("hello")} description={t("description")}>
        {reseller && (
          <Button asChild>
            <Link href="/billing">{t("buyCredits")}</Link>
          </Button>
        )}
        <Button asChild variant="outline">
          <Link href="/keys">{t("apiKeys")}</Link>
        </Button>
      </PageHeader>
      {welcome && <p className="rounded-lg border border-primary/30 bg-primary/5 p-3 text-sm">{t("welcome")}</p>}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {reseller ? (
          <>
            <Stat label={t("balance")} value={credits(account.balance)} testId="balance" />
            <Stat label={t("available")} value={credits(account.available)} hint={account.held !== "0" ? t("held", { credits: credits(account.held) }) : undefined} />
            <Stat label={t("dailySpend")} value={credits(account.averageDailySpend)} />
            <Stat label={t("daysLeft")} value={account.estimatedDaysLeft === null ? "—" : number(account.estimatedDaysLeft)} testId="days-left" hint={t("daysLeftHint")} />
          </>
        ) : (
          <>
            <Stat label={t("calls")} value={number(usage.totals.calls)} />
            <Stat label={t("cost")} value={usd(usage.totals.costUsd)} />
            {data.budgets.length === 0 && <Stat label={t("budget")} value={t("noBudget")} hint={t("noBudgetHint")} />}
            {data.budgets.map((b) => (
              <Stat key={b.scope} label={t("budgetScope", { scope: b.scope })} value={`${usd(b.spentUsd)} / ${usd(b.limitUsd)}`} hint={t("budgetHint", { share: percent(b.share), label: b.label })} testId={`budget-${b.scope}`} />
            ))}
          </>
        )}
      </div>
      {reseller && alert && (
        <Card>
          <CardHeader>
            <CardTitle>{t("lowBalance")}</CardTitle>
          </CardHeader>
          <CardContent>
            <ActionForm action={lowBalanceAlertAction} resetOnSuccess={false} className="grid gap-4 sm:grid-cols-3" testId="low-balance-alert">
              <Field name="thresholdCredits" label={t("threshold")} defaultValue={alert.thresholdCredits ?? ""} placeholder={t("thresholdPlaceholder")} hint={t("thresholdHint")} />
              <Field name="email" label={t("alertTo")} type="email" defaultValue={alert.email ?? ""} placeholder={alert.signInEmail} hint={t("alertToHint")} />
              <div className="flex items-end">
                <SubmitButton>{t("saveAlert")}</SubmitButton>
              </div>
            </ActionForm>
          </CardContent>
        </Card>
      )}
      <Card>
        <CardHeader>
          <CardTitle>{reseller ? t("creditsPerDay") : t("callsPerDay")}</CardTitle>
        </CardHeader>
        <CardContent>
          <UsageChart
            label={reseller ? t("creditsSeries") : t("callsSeries")}
            unit={reseller ? "credits" : "count"}
            points={usage.series.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: reseller ? Number(p.chargeCredits) : p.calls }))}
          />
        </CardContent>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        {!reseller && (
          <Card>
            <CardHeader>
              <CardTitle>{t("spendByModel")}</CardTitle>
            </CardHeader>
            <CardContent>
              <UsageChart label={t("spendByModel")} unit="usd" points={usage.series.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: Number(p.costUsd) }))} />
            </CardContent>
          </Card>
        )}
        <ErrorRateChartCard series={data.errorRate} />
        <LatencyChartCard latency={data.latency} className={reseller ? undefined : "lg:col-span-2"} />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{t("modelsTitle")}</CardTitle>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("model")}</TableHead>
                <TableHead className="text-right">{t("modelCalls")}</TableHead>
                <TableHead className="text-right">{t("metered")}</TableHead>
                <TableHead className="text-right">{reseller ? t("modelCredits") : t("modelCost")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.models.length === 0 && <TableEmpty colSpan={4}>{t("noModels")}</TableEmpty>}
              {data.models.map((m) => (
                <TableRow key={m.group} data-testid="my-model">
                  <TableCell className="font-medium">{m.group}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(m.calls)}</TableCell>
                  <TableCell className="text-right">
                    <UsageUnits usage={m} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{reseller ? credits(m.chargeCredits) : usd(m.costUsd)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </>
  );
}
