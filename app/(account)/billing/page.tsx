import { getLocale, getTranslations } from "next-intl/server";
import { PaymentDocuments } from "@/components/billing/payment-documents";
import { PageHeader } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { Stat } from "@/components/stat";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { notFound } from "next/navigation";
import { formatCredits } from "@/lib/money";
import { myBilling } from "@/lib/dal/account";
import { env } from "@/lib/env";
import { settings } from "@/lib/settings";
import { formats } from "@/lib/ui/format";
import { TopUpButton } from "./top-up";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { AutoRechargeForm } from "@/components/billing/auto-recharge-form";
import { currentMonth } from "@/lib/billing/statements";
import { RedeemCodeForm } from "@/components/billing/redeem-code-form";

export async function generateMetadata() {
  return { title: (await getTranslations("billing.page"))("title") };
}

const PAGE_SIZE = 25;

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ page?: string; checkout?: string; card?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const page = Math.max(1, Number(params.page) || 1);
  const [{ mode }, billing, t, tb, locale] = await Promise.all([settings(), myBilling(user, page, PAGE_SIZE), getTranslations("billing.page"), getTranslations("billing"), getLocale()]);
  const { credits, dateTime, number, money } = formats(locale);
  if (!billing) notFound();
  const { account, ledger, packages, expiring, autoRecharge, topUps } = billing;
  const payments = !!env().STRIPE_SECRET_KEY;
  return (
    <>
      <PageHeader title={t("title")} description={mode === "service_provider" ? t("descriptionReseller") : t("descriptionEnterprise")} />
      {params.checkout === "success" && (
        <p className="rounded-lg border border-emerald-500/30 bg-emerald-500/10 p-3 text-sm" data-testid="checkout-success">
          {t("checkoutSuccess")}
        </p>
      )}
      {params.checkout === "cancelled" && <p className="rounded-lg border border-border bg-muted p-3 text-sm">{t("checkoutCancelled")}</p>}
      {params.card === "saved" && (
        <p className="rounded-lg border border-emerald-500/30 bg-emerald-500/10 p-3 text-sm" data-testid="card-saved">
          {t("cardSaved")}
        </p>
      )}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-3">
        <Stat label={t("balance")} value={credits(account.balance)} testId="billing-balance" />
        <Stat label={t("available")} value={credits(account.available)} />
        <Stat label={t("daysLeft")} value={account.estimatedDaysLeft === null ? "—" : number(account.estimatedDaysLeft)} />
      </div>
      {mode === "service_provider" && (
        <Card>
          <CardHeader>
            <CardTitle>{t("buyCredits")}</CardTitle>
            <CardDescription>{payments ? t("payWithStripe") : t("noPayments")}</CardDescription>
          </CardHeader>
          <CardContent>
            {packages.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("noPackages")}</p>
            ) : (
              <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {packages.map((p) => (
                  <Card key={p.id} className="flex flex-col gap-3 p-4" data-testid={`package-${p.name}`}>
                    <div>
                      <p className="font-medium">{p.name}</p>
                      <p className="text-2xl font-semibold tabular-nums">{t("packageCredits", { credits: credits(formatCredits(p.creditsMicrocredits)) })}</p>
                      <p className="text-sm text-muted-foreground">{money(p.priceCents, p.currency)}</p>
                    </div>
                    {payments && <TopUpButton packageId={p.id} label={t("buy", { name: p.name })} />}
                  </Card>
                ))}
              </div>
            )}
          </CardContent>
        </Card>
      )}
      {mode === "service_provider" && payments && packages.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>{t("autoRecharge")}</CardTitle>
            <CardDescription>{t("autoRechargeDescription")}</CardDescription>
          </CardHeader>
          <CardContent>
            <AutoRechargeForm current={autoRecharge} packages={packages.map((p) => ({ value: p.id, label: `${p.name} — ${money(p.priceCents, p.currency)}` }))} />
          </CardContent>
        </Card>
      )}
      {expiring.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>{t("expiring")}</CardTitle>
            <CardDescription>{t("expiringDescription")}</CardDescription>
          </CardHeader>
          <CardContent>
            <Table data-testid="expiring-credits">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("expires")}</TableHead>
                  <TableHead>{t("from")}</TableHead>
                  <TableHead className="text-right">{t("creditsLeft")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {expiring.map((g) => (
                  <TableRow key={g.id}>
                    <TableCell className="whitespace-nowrap text-xs">{dateTime(g.expiresAt)}</TableCell>
                    <TableCell>{tb("kind", { kind: g.kind })}</TableCell>
                    <TableCell className="text-right tabular-nums">{credits(formatCredits(g.remainingMicrocredits))}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
      {topUps.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>{t("payments")}</CardTitle>
            <CardDescription>{t("paymentsDescription")}</CardDescription>
          </CardHeader>
          <CardContent>
            <Table data-testid="payments">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("when")}</TableHead>
                  <TableHead>{t("what")}</TableHead>
                  <TableHead>{t("status")}</TableHead>
                  <TableHead className="text-right">{t("amount")}</TableHead>
                  <TableHead className="text-right">{t("credits")}</TableHead>
                  <TableHead>{t("documents")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {topUps.map((p) => (
                  <TableRow key={p.id}>
                    <TableCell className="whitespace-nowrap text-xs">{dateTime(p.at)}</TableCell>
                    <TableCell>{p.kind === "recharge" ? tb("recharge") : tb("topUp")}</TableCell>
                    <TableCell>
                      <Badge variant={p.status === "paid" ? "success" : "outline"}>{tb("paymentStatus", { status: p.status, label: p.status.replace("_", " ") })}</Badge>
                      {p.refunded && <span className="ml-2 text-xs text-muted-foreground">{tb("refunded", { amount: p.refunded })}</span>}
                      {p.failureMessage && p.status !== "paid" && <span className="ml-2 text-xs text-muted-foreground">{p.failureMessage}</span>}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{p.amount}</TableCell>
                    <TableCell className="text-right tabular-nums">{credits(formatCredits(p.creditsMicrocredits))}</TableCell>
                    <TableCell className="space-x-3 text-xs">
                      <PaymentDocuments receiptUrl={p.receiptUrl} invoiceUrl={p.invoiceUrl} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
      <Card>
        <CardHeader>
          <CardTitle>{t("statements")}</CardTitle>
          <CardDescription>{t("statementsDescription")}</CardDescription>
        </CardHeader>
        <CardContent>
          <form action="/billing/statement" className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col gap-1.5 text-sm">
              {t("month")}
              <Input type="month" name="month" defaultValue={currentMonth()} required />
            </label>
            <Button type="submit" variant="outline">
              {t("viewStatement")}
            </Button>
            <Link className="text-sm underline" href={`/api/me/statement?month=${currentMonth()}`} prefetch={false}>
              {t("monthCsv")}
            </Link>
          </form>
        </CardContent>
      </Card>
      {mode === "service_provider" && <RedeemCodeForm />}
      <Card>
        <CardHeader>
          <CardTitle>{t("transactions")}</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("when")}</TableHead>
                <TableHead>{t("kindColumn")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
                <TableHead>{t("note")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {ledger.data.length === 0 && <TableEmpty colSpan={4}>{t("noTransactions")}</TableEmpty>}
              {ledger.data.map((tx) => (
                <TableRow key={tx.id}>
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(tx.createdAt)}</TableCell>
                  <TableCell>
                    <Badge variant={tx.kind === "usage" ? "outline" : "success"}>{tb("kind", { kind: tx.kind })}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{credits(tx.amount)}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{tx.note ?? ""}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={ledger.total} params={{}} />
        </CardContent>
      </Card>
    </>
  );
}
