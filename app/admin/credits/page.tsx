import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCredits } from "@/lib/money";
import { requireAdmin } from "@/lib/auth/session";
import { allPackages, creditAccountChoices, ledgerPage, recentPayments, listGroups } from "@/lib/dal/admin";
import { currentMonth } from "@/lib/billing/statements";
import { settings } from "@/lib/settings";
import { formats } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { AddPackageDialog, GrantDialog, RefundDialog } from "./credit-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("adminBilling.credits"))("title") };
}

const PAGE_SIZE = 50;

export default async function CreditsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const user = await requireAdmin();
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const [ledger, packages, accounts, payments, { currency, mode }, groups, t, tb, locale] = await Promise.all([
    ledgerPage(user, { page, pageSize: PAGE_SIZE }),
    allPackages(user),
    creditAccountChoices(user),
    recentPayments(user),
    settings(),
    listGroups(user),
    getTranslations("adminBilling.credits"),
    getTranslations("billing"),
    getLocale(),
  ]);
  const { credits, dateTime } = formats(locale);
  return (
    <>
      <PageHeader title={t("title")} description={mode === "service_provider" ? t("descriptionReseller") : t("descriptionEnterprise")}>
        <Button asChild variant="outline">
          <Link href="/admin/credits/codes">{t("codesLink")}</Link>
        </Button>
        <GrantDialog accounts={accounts} />
      </PageHeader>
      <Card>
        <CardHeader className="flex-row items-start justify-between gap-3">
          <div>
            <CardTitle>{t("packages")}</CardTitle>
            <CardDescription>{t("packagesDescription")}</CardDescription>
          </div>
          <AddPackageDialog currency={currency} groups={groups.map((g) => ({ value: g.id, label: g.name }))} />
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("package")}</TableHead>
                <TableHead className="text-right">{t("price")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
                <TableHead>{t("onSale")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {packages.length === 0 && <TableEmpty colSpan={4}>{t("noPackages")}</TableEmpty>}
              {packages.map((p) => (
                <TableRow key={p.id}>
                  <TableCell className="font-medium">
                    {p.name}
                    {p.groupId && <Badge variant="outline" className="ml-2">{t("joins", { group: groups.find((g) => g.id === p.groupId)?.name ?? t("aGroup") })}</Badge>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {(p.priceCents / 100).toFixed(2)} {p.currency.toUpperCase()}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{credits(formatCredits(p.creditsMicrocredits))}</TableCell>
                  <TableCell>
                    <Toggle action={toggleAction} fields={{ kind: "package", id: p.id }} enabled={p.enabled} label={t("sell", { name: p.name })} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("payments")}</CardTitle>
          <CardDescription>{t("paymentsDescription")}</CardDescription>
        </CardHeader>
        <CardContent>
          <Table data-testid="admin-payments">
            <TableHeader>
              <TableRow>
                <TableHead>{t("when")}</TableHead>
                <TableHead>{t("account")}</TableHead>
                <TableHead>{t("kind")}</TableHead>
                <TableHead>{t("status")}</TableHead>
                <TableHead className="text-right">{t("amount")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {payments.length === 0 && <TableEmpty colSpan={7}>{t("noPayments")}</TableEmpty>}
              {payments.map((p) => (
                <TableRow key={p.id}>
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(p.createdAt)}</TableCell>
                  <TableCell>
                    <Link className="underline" href={`/admin/credits/statement?account=${p.accountId}&month=${currentMonth()}`}>
                      {p.account}
                    </Link>
                  </TableCell>
                  <TableCell>{p.kind === "recharge" ? t("recharge") : t("checkout")}</TableCell>
                  <TableCell>
                    <Badge variant={p.status === "paid" ? "success" : "outline"}>{tb("paymentStatus", { status: p.status, label: p.status.replace("_", " ") })}</Badge>
                    {p.refunded && <span className="ml-2 text-xs text-muted-foreground">{tb("refunded", { amount: p.refunded })}</span>}
                    {p.disputed && <span className="ml-2 text-xs text-destructive">{t("disputed", { amount: p.disputed })}</span>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{p.amount}</TableCell>
                  <TableCell className="text-right tabular-nums">{credits(p.credits)}</TableCell>
                  <TableCell className="text-right">
                    {p.refundableCents > 0 && <RefundDialog paymentId={p.id} label={t("refundLabel", { amount: p.amount, account: p.account })} refundable={`${(p.refundableCents / 100).toFixed(2)} ${p.currency.toUpperCase()}`} />}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("ledger")}</CardTitle>
          <CardDescription>{t("ledgerDescription")}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("when")}</TableHead>
                <TableHead>{t("account")}</TableHead>
                <TableHead>{t("kind")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
                <TableHead>{t("reference")}</TableHead>
                <TableHead>{t("by")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {ledger.rows.length === 0 && <TableEmpty colSpan={6}>{t("noTransactions")}</TableEmpty>}
              {ledger.rows.map((tx) => (
                <TableRow key={tx.id}>
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(tx.createdAt)}</TableCell>
                  <TableCell>{tx.account}</TableCell>
                  <TableCell>
                    <Badge variant={tx.kind === "usage" ? "outline" : "default"}>{tb("kind", { kind: tx.kind })}</Badge>
                  </TableCell>
                  <TableCell className={`text-right tabular-nums ${tx.amountCredits.startsWith("-") ? "text-destructive" : ""}`}>{credits(tx.amountCredits)}</TableCell>
                  <TableCell className="max-w-64 truncate text-xs text-muted-foreground" title={tx.reference}>
                    {tx.note ?? tx.reference}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">{tx.by ?? "—"}</TableCell>
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
