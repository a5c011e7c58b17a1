import Link from "next/link";
import { PageHeader } from "@/components/app-shell";
import { Stat } from "@/components/stat";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { UsageChart } from "@/components/usage-chart";
import { requireUser } from "@/lib/auth/session";
import { ActionForm, Field, SubmitButton } from "@/components/action-form";
import { myAlert, myDashboard } from "@/lib/dal/account";
import { lowBalanceAlertAction } from "@/lib/ui/account-actions";
import { credits, number, percent, usd } from "@/lib/ui/format";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ welcome?: string }> }) {
  const user = await requireUser();
  const [dashboardData, alert] = await Promise.all([myDashboard(user), myAlert(user)]);
  const data = dashboardData!;
  const { welcome } = await searchParams;
  const { account, usage } = data;
  const reseller = data.mode === "service_provider";
  return (
    <>
      <PageHeader title={`Hello${user.name ? `, ${user.name}` : ""}`} description="Your usage of the hub over the last 30 days.">
        {reseller && (
          <Button asChild>
            <Link href="/billing">Buy credits</Link>
          </Button>
        )}
        <Button asChild variant="outline">
          <Link href="/keys">API keys</Link>
        </Button>
      </PageHeader>
      {welcome && <p className="rounded-lg border border-primary/30 bg-primary/5 p-3 text-sm">Welcome! Your account is ready: create an API key and follow the quickstart.</p>}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {reseller ? (
          <>
            <Stat label="Balance (credits)" value={credits(account.balance)} testId="balance" />
            <Stat label="Available" value={credits(account.available)} hint={account.held !== "0" ? `${credits(account.held)} held by calls in flight` : undefined} />
            <Stat label="Daily spend (7-day avg)" value={credits(account.averageDailySpend)} />
            <Stat label="Days of credit left" value={account.estimatedDaysLeft === null ? "—" : number(account.estimatedDaysLeft)} testId="days-left" hint="at the last week's pace" />
          </>
        ) : (
          <>
            <Stat label="Calls (30 days)" value={number(usage.totals.calls)} />
            <Stat label="Cost (30 days)" value={usd(usage.totals.costUsd)} />
            {data.budgets.length === 0 && <Stat label="Budget" value="none" hint="no monthly budget applies to you" />}
            {data.budgets.map((b) => (
              <Stat key={b.scope} label={`${b.scope} budget this month`} value={`${usd(b.spentUsd)} / ${usd(b.limitUsd)}`} hint={`${percent(b.share)} used · ${b.label}`} testId={`budget-${b.scope}`} />
            ))}
          </>
        )}
      </div>
      {reseller && alert && (
        <Card>
          <CardHeader>
            <CardTitle>Low-balance alert</CardTitle>
          </CardHeader>
          <CardContent>
            <ActionForm action={lowBalanceAlertAction} resetOnSuccess={false} className="grid gap-4 sm:grid-cols-3" testId="low-balance-alert">
              <Field name="thresholdCredits" label="E-mail me below (credits)" defaultValue={alert.thresholdCredits ?? ""} placeholder="off" hint="Empty turns the alert off" />
              <Field name="email" label="To" type="email" defaultValue={alert.email ?? ""} placeholder={alert.signInEmail} hint="Empty: your sign-in address" />
              <div className="flex items-end">
                <SubmitButton>Save alert</SubmitButton>
              </div>
            </ActionForm>
          </CardContent>
        </Card>
      )}
      <Card>
        <CardHeader>
          <CardTitle>{reseller ? "Credits spent per day" : "Calls per day"}</CardTitle>
        </CardHeader>
        <CardContent>
          <UsageChart
            label={reseller ? "credits" : "calls"}
            points={usage.series.map((p) => ({ bucketStart: p.bucketStart, group: p.group, value: reseller ? Number(p.chargeCredits) : p.calls }))}
          />
        </CardContent>
      </Card>
    </>
  );
}
