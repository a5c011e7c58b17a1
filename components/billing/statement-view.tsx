import { useLocale, useTranslations } from "next-intl";
import { PaymentDocuments } from "./payment-documents";
import type { Statement } from "@/lib/billing/statements";
import { formatCredits } from "@/lib/money";
import { formats } from "@/lib/ui/format";
import { Card, CardContent, CardHeader, CardTitle } from "../ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableFooter, TableHead, TableHeader, TableRow } from "../ui/table";
import { UsageUnits } from "../usage-units";
import { PrintButton } from "./print-button";

/** A monthly statement, laid out to print on paper (the navigation hides when printing). */
export function StatementView({ statement: s, csvHref }: { statement: Statement; csvHref: string }) {
  const lastDay = new Date(s.end.getTime() - 1);
  const t = useTranslations("billing.statement");
  const tb = useTranslations("billing");
  const { credits, date, number } = formats(useLocale());
  const amount = (microcredits: bigint) => credits(formatCredits(microcredits));
  return (
    <Card className="print:border-0 print:shadow-none" data-testid="statement">
      <CardHeader className="flex-row items-start justify-between gap-3">
        <div>
          <CardTitle>{t("heading", { month: s.month, owner: s.owner })}</CardTitle>
          <p className="text-sm text-muted-foreground">{t("period", { start: date(s.start), end: date(lastDay) })}</p>
        </div>
        <div className="flex gap-3 text-sm print:hidden">
          <a className="underline" href={csvHref}>
            {t("downloadCsv")}
          </a>
          <PrintButton />
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-6">
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Figure label={t("opening")} value={amount(s.openingMicrocredits)} testId="statement-opening" />
          <Figure label={t("topUps")} value={amount(s.topUpMicrocredits)} testId="statement-topups" />
          <Figure label={t("usage")} value={amount(-s.usageMicrocredits)} testId="statement-usage" />
          <Figure label={t("closing")} value={amount(s.closingMicrocredits)} testId="statement-closing" />
        </dl>
        <Section title={t("topUps")}>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("paid")}</TableHead>
                <TableHead>{t("what")}</TableHead>
                <TableHead className="text-right">{t("amount")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
                <TableHead className="print:hidden">{t("receipt")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.topUps.length === 0 && <TableEmpty colSpan={5}>{t("noTopUps")}</TableEmpty>}
              {s.topUps.map((top) => (
                <TableRow key={top.id}>
                  <TableCell className="text-xs">{date(top.paidAt)}</TableCell>
                  <TableCell>
                    {top.kind === "recharge" ? tb("recharge") : tb("topUp")}
                    {top.refunded && <span className="ml-2 text-xs text-muted-foreground">{tb("refunded", { amount: top.refunded })}</span>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{top.amount}</TableCell>
                  <TableCell className="text-right tabular-nums">{amount(top.microcredits)}</TableCell>
                  <TableCell className="space-x-2 text-xs print:hidden">
                    <PaymentDocuments receiptUrl={top.receiptUrl} invoiceUrl={top.invoiceUrl} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title={t("usageByModel")}>
          <Table data-testid="statement-usage-by-model">
            <TableHeader>
              <TableRow>
                <TableHead>{t("model")}</TableHead>
                <TableHead className="text-right">{t("calls")}</TableHead>
                <TableHead className="text-right">{t("inputTokens")}</TableHead>
                <TableHead className="text-right">{t("outputTokens")}</TableHead>
                <TableHead className="text-right">{t("otherUnits")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.usage.length === 0 && <TableEmpty colSpan={6}>{t("noUsage")}</TableEmpty>}
              {s.usage.map((u) => (
                <TableRow key={u.model}>
                  <TableCell className="font-mono text-xs">{u.model}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.calls)}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.promptTokens)}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.completionTokens)}</TableCell>
                  <TableCell className="text-right">
                    {/* what audio, speech, image and video models were metered in; the tokens have their own columns */}
                    <UsageUnits usage={{ ...u, promptTokens: 0, completionTokens: 0 }} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{amount(u.microcredits)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
        <Section title={t("movements")}>
          <Table data-testid="statement-movements">
            <TableHeader>
              <TableRow>
                <TableHead>{t("when")}</TableHead>
                <TableHead>{t("kind")}</TableHead>
                <TableHead>{t("note")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {s.movements.length === 0 && <TableEmpty colSpan={4}>{t("noMovements")}</TableEmpty>}
              {s.movements.map((m, i) => (
                <TableRow key={i}>
                  <TableCell className="text-xs">{date(m.at)}</TableCell>
                  <TableCell>{tb("kind", { kind: m.kind.replace("_", " ") })}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{m.note ?? ""}</TableCell>
                  <TableCell className="text-right tabular-nums">{amount(m.microcredits)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
            <TableFooter>
              <TableRow>
                <TableCell colSpan={3}>{t("closing")}</TableCell>
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
