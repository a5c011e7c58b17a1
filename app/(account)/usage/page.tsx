import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { UsageUnits } from "@/components/usage-units";
import { requireUser } from "@/lib/auth/session";
import { myCalls } from "@/lib/dal/account";
import { settings } from "@/lib/settings";
import { formats } from "@/lib/ui/format";

export async function generateMetadata() {
  return { title: (await getTranslations("account.usage"))("metaTitle") };
}

const PAGE_SIZE = 50;

export default async function MyUsagePage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const user = await requireUser();
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const [calls, { mode }, t, locale] = await Promise.all([myCalls(user, page, PAGE_SIZE), settings(), getTranslations("account.usage"), getLocale()]);
  const { dateTime, number } = formats(locale);
  const reseller = mode === "service_provider";
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <Card>
        <CardContent className="flex flex-col gap-3 pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("time")}</TableHead>
                <TableHead>{t("model")}</TableHead>
                <TableHead>{t("status")}</TableHead>
                <TableHead className="text-right">{t("tokens")}</TableHead>
                <TableHead className="text-right">{t("metered")}</TableHead>
                <TableHead className="text-right">{reseller ? t("credits") : t("cost")}</TableHead>
                <TableHead className="text-right">{t("latency")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {calls.data.length === 0 && <TableEmpty colSpan={7}>{t("empty")}</TableEmpty>}
              {calls.data.map((c) => (
                <TableRow key={c.requestId} data-testid="my-call">
                  <TableCell className="whitespace-nowrap text-xs">
                    <Link href={`/usage/calls/${encodeURIComponent(c.requestId)}`} className="underline-offset-4 hover:underline" data-testid="my-call-link">
                      {dateTime(c.startedAt)}
                    </Link>
                  </TableCell>
                  <TableCell className="font-medium">{c.requestedModel}</TableCell>
                  <TableCell>
                    <Badge variant={c.status < 400 ? "success" : "destructive"}>{c.status}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {number(c.promptTokens)} / {number(c.completionTokens)}
                  </TableCell>
                  <TableCell className="text-right">
                    <UsageUnits usage={c} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{reseller ? c.chargeCredits : `$${c.costUsd}`}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(c.latencyMs)} ms</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={calls.total} params={{}} />
        </CardContent>
      </Card>
    </>
  );
}
