import Link from "next/link";
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
import { credits, dateTime } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { AddPackageDialog, GrantDialog, RefundDialog } from "./credit-forms";

export const metadata = { title: "Credits" };

const PAGE_SIZE = 50;

export default async function CreditsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const user = await requireAdmin();
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const [ledger, packages, accounts, payments, { currency, mode }, groups] = await Promise.all([
    ledgerPage(user, { page, pageSize: PAGE_SIZE }),
    allPackages(user),
    creditAccountChoices(user),
    recentPayments(user),
    settings(),
    listGroups(user),
  ]);
  return (
    <>
      <PageHeader title="Credits" description={mode === "service_provider" ? "The ledger of every account, manual grants, and the packages customers buy." : "Credits only matter in Service Provider mode; the ledger is kept in both."}>
        <Button asChild variant="outline">
          <Link href="/admin/credits/codes">Redemption codes</Link>
        </Button>
        <GrantDialog accounts={accounts} />
      </PageHeader>
      <Card>
        <CardHeader className="flex-row items-start justify-between gap-3">
          <div>
            <CardTitle>Credit packages</CardTitle>
            <CardDescription>What customers can buy with Stripe Checkout.</CardDescription>
          </div>
          <AddPackageDialog currency={currency} groups={groups.map((g) => ({ value: g.id, label: g.name }))} />
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Package</TableHead>
                <TableHead className="text-right">Price</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead>On sale</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {packages.length === 0 && <TableEmpty colSpan={4}>No packages yet.</TableEmpty>}
              {packages.map((p) => (
                <TableRow key={p.id}>
                  <TableCell className="font-medium">
                    {p.name}
                    {p.groupId && <Badge variant="outline" className="ml-2">{`joins ${groups.find((g) => g.id === p.groupId)?.name ?? "a group"}`}</Badge>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {(p.priceCents / 100).toFixed(2)} {p.currency.toUpperCase()}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{credits(formatCredits(p.creditsMicrocredits))}</TableCell>
                  <TableCell>
                    <Toggle action={toggleAction} fields={{ kind: "package", id: p.id }} enabled={p.enabled} label={`Sell ${p.name}`} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Payments</CardTitle>
          <CardDescription>Top-ups and auto-recharges through Stripe. A refund here, in Stripe&apos;s dashboard or a lost dispute takes the credits back.</CardDescription>
        </CardHeader>
        <CardContent>
          <Table data-testid="admin-payments">
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Account</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Amount</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {payments.length === 0 && <TableEmpty colSpan={7}>No payments yet.</TableEmpty>}
              {payments.map((p) => (
                <TableRow key={p.id}>
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(p.createdAt)}</TableCell>
                  <TableCell>
                    <Link className="underline" href={`/admin/credits/statement?account=${p.accountId}&month=${currentMonth()}`}>
                      {p.account}
                    </Link>
                  </TableCell>
                  <TableCell>{p.kind === "recharge" ? "auto-recharge" : "checkout"}</TableCell>
                  <TableCell>
                    <Badge variant={p.status === "paid" ? "success" : "outline"}>{p.status.replace("_", " ")}</Badge>
                    {p.refunded && <span className="ml-2 text-xs text-muted-foreground">refunded {p.refunded}</span>}
                    {p.disputed && <span className="ml-2 text-xs text-destructive">disputed {p.disputed}</span>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{p.amount}</TableCell>
                  <TableCell className="text-right tabular-nums">{credits(p.credits)}</TableCell>
                  <TableCell className="text-right">
                    {p.refundableCents > 0 && <RefundDialog paymentId={p.id} label={`${p.amount} by ${p.account}`} refundable={`${(p.refundableCents / 100).toFixed(2)} ${p.currency.toUpperCase()}`} />}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Ledger</CardTitle>
          <CardDescription>Append-only: every balance is the sum of its entries.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Account</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead>Reason / reference</TableHead>
                <TableHead>By</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {ledger.rows.length === 0 && <TableEmpty colSpan={6}>No transactions yet.</TableEmpty>}
              {ledger.rows.map((t) => (
                <TableRow key={t.id}>
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(t.createdAt)}</TableCell>
                  <TableCell>{t.account}</TableCell>
                  <TableCell>
                    <Badge variant={t.kind === "usage" ? "outline" : "default"}>{t.kind}</Badge>
                  </TableCell>
                  <TableCell className={`text-right tabular-nums ${t.amountCredits.startsWith("-") ? "text-destructive" : ""}`}>{credits(t.amountCredits)}</TableCell>
                  <TableCell className="max-w-64 truncate text-xs text-muted-foreground" title={t.reference}>
                    {t.note ?? t.reference}
                  </TableCell>
                  <TableCell className="text-xs text-muted-foreground">{t.by ?? "—"}</TableCell>
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
