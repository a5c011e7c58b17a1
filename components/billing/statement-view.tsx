import type { Statement } from "@/lib/billing/statements";
import { formatCredits } from "@/lib/money";
import { credits, date, number } from "@/lib/ui/format";
import { Card, CardContent, CardHeader, CardTitle } from "../ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableFooter, TableHead, TableHeader, TableRow } from "../ui/table";
import { PrintButton } from "./print-button";

const amount = (microcredits: bigint) => credits(formatCredits(microcredits));

/** A monthly statement, laid out to print on paper (the navigation hides when printing). */
export function StatementView({ statement: s, csvHref }: { statement: Statement; csvHref: string }) {
  const lastDay = new Date(s.end.getTime() - 1);
  return (
    <Card className="print:border-0 print:shadow-none" data-testid="statement">
      <CardHeader className="flex-row items-start justify-between gap-3">
        <div>
          <CardTitle>
            Statement {s.month} · {s.owner}
          </CardTitle>
          <p className="text-sm text-muted-foreground">
            {date(s.start)} to {date(lastDay)} (UTC), in credits
          </p>
        </div>
        <div className="flex gap-3 text-sm print:hidden">
          <a className="underline" href={csvHref}>
            Download CSV
          </a>
          <PrintButton />
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Figure label="Opening balance" value={amount(s.openingMicrocredits)} testId="statement-opening" />
          <Figure label="Top-ups" value={amount(s.topUpMicrocredits)} testId="statement-topups" />
          <Figure label="Usage" value={amount(-s.usageMicrocredits)} testId="statement-usage" />
          <Figure label="Closing balance" value={amount(s.closingMicrocredits)} testId="statement-closing" />
        </dl>
        <Section title="Top-ups">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Paid</TableHead>
                <TableHead>What</TableHead>
                <TableHead className="text-right">Amount</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead className="print:hidden">Receipt</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.topUps.length === 0 && <TableEmpty colSpan={5}>No top-ups this month.</TableEmpty>}
              {s.topUps.map((t) => (
                <TableRow key={t.id}>
                  <TableCell className="text-xs">{date(t.paidAt)}</TableCell>
                  <TableCell>
                    {t.kind === "recharge" ? "Auto-recharge" : "Top-up"}
                    {t.refunded && <span className="ml-2 text-xs text-muted-foreground">refunded {t.refunded}</span>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{t.amount}</TableCell>
                  <TableCell className="text-right tabular-nums">{amount(t.microcredits)}</TableCell>
                  <TableCell className="space-x-2 text-xs print:hidden">
                    {t.receiptUrl && (
                      <a className="underline" href={t.receiptUrl} target="_blank" rel="noreferrer">
                        Receipt
                      </a>
                    )}
                    {t.invoiceUrl && (
                      <a className="underline" href={t.invoiceUrl} target="_blank" rel="noreferrer">
                        Invoice
                      </a>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title="Usage by model">
          <Table data-testid="statement-usage-by-model">
            <TableHeader>
              <TableRow>
                <TableHead>Model</TableHead>
                <TableHead className="text-right">Calls</TableHead>
                <TableHead className="text-right">Input tokens</TableHead>
                <TableHead className="text-right">Output tokens</TableHead>
                <TableHead className="text-right">Credits</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.usage.length === 0 && <TableEmpty colSpan={5}>No usage this month.</TableEmpty>}
              {s.usage.map((u) => (
                <TableRow key={u.model}>
                  <TableCell className="font-mono text-xs">{u.model}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.calls)}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.promptTokens)}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.completionTokens)}</TableCell>
                  <TableCell className="text-right tabular-nums">{amount(u.microcredits)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title="Grants and other movements">
          <Table data-testid="statement-movements">
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Note</TableHead>
                <TableHead className="text-right">Credits</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.movements.length === 0 && <TableEmpty colSpan={4}>Nothing else this month.</TableEmpty>}
              {s.movements.map((m, i) => (
                <TableRow key={i}>
                  <TableCell className="text-xs">{date(m.at)}</TableCell>
                  <TableCell>{m.kind.replace("_", " ")}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{m.note ?? ""}</TableCell>
                  <TableCell className="text-right tabular-nums">{amount(m.microcredits)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
            <TableFooter>
              <TableRow>
                <TableCell colSpan={3}>Closing balance</TableCell>
                <TableCell className="text-right tabular-nums">{amount(s.closingMicrocredits)}</TableCell>
              </TableRow>
            </TableFooter>
          </Table>
        </Section>
      </CardContent>
    </Card>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-lg border border-border p-3">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-2 break-inside-avoid">
      <h2 className="text-sm font-medium">{title}</h2>
      {children}
    </section>
  );
}
