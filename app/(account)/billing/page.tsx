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
import { credits, dateTime, number } from "@/lib/ui/format";
import { TopUpButton } from "./top-up";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { AutoRechargeForm } from "@/components/billing/auto-recharge-form";
import { currentMonth } from "@/lib/billing/statements";
import { RedeemCodeForm } from "@/components/billing/redeem-code-form";

export const metadata = { title: "Billing" };

const PAGE_SIZE = 25;

export default async function BillingPage({ searchParams }: { searchParams: Promise<{ page?: string; checkout?: string; card?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const page = Math.max(1, Number(params.page) || 1);
  const [{ mode }, billing] = await Promise.all([settings(), myBilling(user, page, PAGE_SIZE)]);
  if (!billing) notFound();
  const { account, ledger, packages, expiring, autoRecharge, topUps } = billing;
  const payments = !!env().STRIPE_SECRET_KEY;
  return (
    <>
      <PageHeader title="Billing" description={mode === "service_provider" ? "Your credits, top-ups and every charge." : "This hub does not sell credits (Enterprise mode)."} />
      {params.checkout === "success" && (
        <p className="rounded-lg border border-emerald-500/30 bg-emerald-500/10 p-3 text-sm" data-testid="checkout-success">
          Payment received. Your credits appear as soon as Stripe confirms it (usually within seconds); refresh to see them.
        </p>
      )}
      {params.checkout === "cancelled" && <p className="rounded-lg border border-border bg-muted p-3 text-sm">Checkout cancelled; nothing was charged.</p>}
      {params.card === "saved" && (
        <p className="rounded-lg border border-emerald-500/30 bg-emerald-500/10 p-3 text-sm" data-testid="card-saved">
          Card saved. It appears below as soon as Stripe confirms it; then turn auto-recharge on.
        </p>
      )}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-3">
        <Stat label="Balance (credits)" value={credits(account.balance)} testId="billing-balance" />
        <Stat label="Available" value={credits(account.available)} />
        <Stat label="Days of credit left" value={account.estimatedDaysLeft === null ? "—" : number(account.estimatedDaysLeft)} />
      </div>
      {mode === "service_provider" && (
        <Card>
          <CardHeader>
            <CardTitle>Buy credits</CardTitle>
            <CardDescription>{payments ? "Pay securely with Stripe Checkout." : "Card payments are not set up on this hub yet; ask its administrator."}</CardDescription>
          </CardHeader>
          <CardContent>
            {packages.length === 0 ? (
              <p className="text-sm text-muted-foreground">No credit packages are on sale yet.</p>
            ) : (
              <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {packages.map((p) => (
                  <Card key={p.id} className="flex flex-col gap-3 p-4" data-testid={`package-${p.name}`}>
                    <div>
                      <p className="font-medium">{p.name}</p>
                      <p className="text-2xl font-semibold tabular-nums">{credits(formatCredits(p.creditsMicrocredits))} credits</p>
                      <p className="text-sm text-muted-foreground">
                        {(p.priceCents / 100).toFixed(2)} {p.currency.toUpperCase()}
                      </p>
                    </div>
                    {payments && <TopUpButton packageId={p.id} label={`Buy ${p.name}`} />}
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
            <CardTitle>Auto-recharge</CardTitle>
            <CardDescription>Never run dry: when your balance falls below a threshold, we buy a package with your saved card (at most a few times a day).</CardDescription>
          </CardHeader>
          <CardContent>
            <AutoRechargeForm current={autoRecharge} packages={packages.map((p) => ({ value: p.id, label: `${p.name} — ${(p.priceCents / 100).toFixed(2)} ${p.currency.toUpperCase()}` }))} />
          </CardContent>
        </Card>
      )}
      {expiring.length > 0 && (
        <Card>
          <CardHeader>
            <CardTitle>Expiring credits</CardTitle>
            <CardDescription>Spending uses the credits that expire soonest first.</CardDescription>
          </CardHeader>
          <CardContent>
            <Table data-testid="expiring-credits">
              <TableHeader>
                <TableRow>
                  <TableHead>Expires</TableHead>
                  <TableHead>From</TableHead>
                  <TableHead className="text-right">Credits left</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {expiring.map((g) => (
                  <TableRow key={g.id}>
                    <TableCell className="whitespace-nowrap text-xs">{dateTime(g.expiresAt)}</TableCell>
                    <TableCell>{g.kind}</TableCell>
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
            <CardTitle>Payments</CardTitle>
            <CardDescription>Your top-ups and auto-recharges, with Stripe&apos;s receipts and invoices.</CardDescription>
          </CardHeader>
          <CardContent>
            <Table data-testid="payments">
              <TableHeader>
                <TableRow>
                  <TableHead>When</TableHead>
                  <TableHead>What</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="text-right">Amount</TableHead>
                  <TableHead className="text-right">Credits</TableHead>
                  <TableHead>Documents</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {topUps.map((p) => (
                  <TableRow key={p.id}>
                    <TableCell className="whitespace-nowrap text-xs">{dateTime(p.at)}</TableCell>
                    <TableCell>{p.kind === "recharge" ? "Auto-recharge" : "Top-up"}</TableCell>
                    <TableCell>
                      <Badge variant={p.status === "paid" ? "success" : "outline"}>{p.status.replace("_", " ")}</Badge>
                      {p.refunded && <span className="ml-2 text-xs text-muted-foreground">refunded {p.refunded}</span>}
                      {p.failureMessage && p.status !== "paid" && <span className="ml-2 text-xs text-muted-foreground">{p.failureMessage}</span>}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{p.amount}</TableCell>
                    <TableCell className="text-right tabular-nums">{credits(formatCredits(p.creditsMicrocredits))}</TableCell>
                    <TableCell className="space-x-3 text-xs">
                      {p.receiptUrl && (
                        <a className="underline" href={p.receiptUrl} target="_blank" rel="noreferrer">
                          Receipt
                        </a>
                      )}
                      {p.invoiceUrl && (
                        <a className="underline" href={p.invoiceUrl} target="_blank" rel="noreferrer">
                          Invoice
                        </a>
                      )}
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
          <CardTitle>Monthly statements</CardTitle>
          <CardDescription>Opening balance, top-ups, usage by model, grants and closing balance for a month.</CardDescription>
        </CardHeader>
        <CardContent>
          <form action="/billing/statement" className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col gap-1.5 text-sm">
              Month
              <Input type="month" name="month" defaultValue={currentMonth()} required />
            </label>
            <Button type="submit" variant="outline">
              View statement
            </Button>
            <Link className="text-sm underline" href={`/api/me/statement?month=${currentMonth()}`} prefetch={false}>
              This month as CSV
            </Link>
          </form>
        </CardContent>
      </Card>
      {mode === "service_provider" && <RedeemCodeForm />}
      <Card>
        <CardHeader>
          <CardTitle>Transactions</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-3">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead>Note</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {ledger.data.length === 0 && <TableEmpty colSpan={4}>No transactions yet.</TableEmpty>}
              {ledger.data.map((t) => (
                <TableRow key={t.id}>
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(t.createdAt)}</TableCell>
                  <TableCell>
                    <Badge variant={t.kind === "usage" ? "outline" : "success"}>{t.kind}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{credits(t.amount)}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{t.note ?? ""}</TableCell>
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
