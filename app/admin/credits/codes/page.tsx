import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { ActionButton } from "@/components/action-button";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listCodes, MAX_BATCH } from "@/lib/dal/admin";
import { formats } from "@/lib/ui/format";
import { disableBatchAction, disableCodeAction } from "./actions";
import { MintCodesDialog } from "./mint-codes-dialog";

export async function generateMetadata() {
  return { title: (await getTranslations("adminBilling.codes"))("title") };
}

const PAGE_SIZE = 50;

const STATUS_BADGE = { active: "success", disabled: "destructive", expired: "outline", used_up: "outline" } as const;

const text = (value: string | string[] | undefined, max: number) => (typeof value === "string" && value !== "" && value.length <= max ? value : undefined);

export default async function CodesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const batch = text(params.batch, 63);
  const [{ codes, nextCursor }, t, locale] = await Promise.all([listCodes(user, { batch }, { limit: PAGE_SIZE, cursor: text(params.cursor, 128) }), getTranslations("adminBilling.codes"), getLocale()]);
  const { credits, date, number } = formats(locale);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <Button asChild variant="outline">
          <Link href="/admin/credits">{t("creditsLink")}</Link>
        </Button>
        <MintCodesDialog maxBatch={MAX_BATCH} />
      </PageHeader>
      {batch && (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span>{t.rich("batchLabel", { batch, name: (chunks) => <span className="font-medium">{chunks}</span> })}</span>
          <Link href="/admin/credits/codes" className="text-muted-foreground underline underline-offset-4">
            {t("everyCode")}
          </Link>
          <ActionButton action={disableBatchAction} fields={{ batch }} variant="outline" size="sm" confirm={t("disableBatchConfirm", { batch })}>
            {t("disableBatch")}
          </ActionButton>
        </div>
      )}
      <Card>
        <CardContent className="flex flex-col gap-3 pt-6">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("code")}</TableHead>
                <TableHead>{t("batch")}</TableHead>
                <TableHead className="text-right">{t("credits")}</TableHead>
                <TableHead>{t("creditsExpire")}</TableHead>
                <TableHead className="text-right">{t("uses")}</TableHead>
                <TableHead className="text-right">{t("perCustomer")}</TableHead>
                <TableHead>{t("codeExpires")}</TableHead>
                <TableHead>{t("status")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {codes.length === 0 && <TableEmpty colSpan={9}>{t("noCodes")}</TableEmpty>}
              {codes.map((c) => (
                <TableRow key={c.id} data-testid={`code-${c.id}`}>
                  <TableCell className="font-mono text-xs" title={c.note ?? undefined}>
                    {c.prefix}…
                  </TableCell>
                  <TableCell className="text-xs">{c.batch ? <Link href={`/admin/credits/codes?batch=${encodeURIComponent(c.batch)}`}>{c.batch}</Link> : "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{credits(c.amountCredits)}</TableCell>
                  <TableCell className="text-xs">{c.creditExpiryDays === null ? t("never") : t("daysAfterRedemption", { days: number(c.creditExpiryDays) })}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {number(c.uses)} / {number(c.maxUses)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{number(c.perCustomerLimit)}</TableCell>
                  <TableCell className="text-xs">{c.expiresAt ? date(c.expiresAt) : t("never")}</TableCell>
                  <TableCell>
                    <Badge variant={STATUS_BADGE[c.status]}>{t("statusLabel", { status: c.status, label: c.status.replace("_", " ") })}</Badge>
                  </TableCell>
                  <TableCell className="text-right">
                    {c.status !== "disabled" && (
                      <ActionButton action={disableCodeAction} fields={{ id: c.id }} variant="ghost" size="sm" confirm={t("disableConfirm", { prefix: c.prefix })}>
                        {t("disable")}
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
                <Link href={`/admin/credits/codes?${new URLSearchParams({ ...(batch ? { batch } : {}), cursor: nextCursor }).toString()}`}>{t("older")}</Link>
              </Button>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
