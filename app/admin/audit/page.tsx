import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { auditPage, auditQuery } from "@/lib/dal/admin";
import { formats } from "@/lib/ui/format";

export async function generateMetadata() {
  return { title: (await getTranslations("adminOps.audit"))("metaTitle") };
}

const SOURCES = ["page", "cli", "api", "import", "system"];
const ACTOR_TYPES = ["user", "admin_token", "cli", "system"];

const compact = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const { filter, cursor, invalid } = auditQuery(params);
  const [{ entries, nextCursor }, t, locale] = await Promise.all([auditPage(user, filter, cursor), getTranslations("adminOps.audit"), getLocale()]);
  const { dateTime } = formats(locale);
  const filterQuery = new URLSearchParams(
    Object.entries(filter)
      .map(([k, v]): [string, unknown] => [k, v instanceof Date ? v.toISOString() : v])
      .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const pick = (name: string) => (typeof params[name] === "string" ? (params[name] as string) : "");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <Button asChild variant="outline">
          <a href={`/admin/audit/export?${filterQuery.toString()}`} download>
            {t("exportCsv")}
          </a>
        </Button>
      </PageHeader>
      {invalid && <p className="text-sm text-destructive">{t("invalidFilters")}</p>}
      <Card>
        <CardContent className="flex flex-col gap-4 pt-4">
          <form method="get" className="flex flex-wrap items-end gap-3" aria-label={t("filters")}>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-action">{t("action")}</Label>
              <Input id="audit-action" name="action" defaultValue={pick("action")} placeholder={t("actionPlaceholder")} className="w-44" />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-actor">{t("actor")}</Label>
              <Input id="audit-actor" name="actor" defaultValue={pick("actor")} placeholder={t("actorPlaceholder")} className="w-56" />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-actor-type">{t("actorType")}</Label>
              <NativeSelect id="audit-actor-type" name="actorType" defaultValue={pick("actorType")}>
                <option value="">{t("any")}</option>
                {ACTOR_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t("actorTypeName", { type })}
                  </option>
                ))}
              </NativeSelect>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-source">{t("source")}</Label>
              <NativeSelect id="audit-source" name="source" defaultValue={pick("source")}>
                <option value="">{t("any")}</option>
                {SOURCES.map((source) => (
                  <option key={source} value={source}>
                    {t("sourceName", { source })}
                  </option>
                ))}
              </NativeSelect>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-from">{t("from")}</Label>
              <Input id="audit-from" name="from" type="date" defaultValue={pick("from")} />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-to">{t("before")}</Label>
              <Input id="audit-to" name="to" type="date" defaultValue={pick("to")} />
            </div>
            <Button type="submit">{t("filter")}</Button>
            <Button asChild variant="ghost">
              <Link href="/admin/audit">{t("clear")}</Link>
            </Button>
          </form>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("when")}</TableHead>
                <TableHead>{t("who")}</TableHead>
                <TableHead>{t("source")}</TableHead>
                <TableHead>{t("action")}</TableHead>
                <TableHead>{t("change")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {entries.length === 0 && <TableEmpty colSpan={5}>{t("empty")}</TableEmpty>}
              {entries.map((e) => (
                <TableRow key={e.id} data-testid="audit-entry">
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(e.createdAt)}</TableCell>
                  <TableCell className="text-xs">
                    <div className="font-medium">{e.actor}</div>
                    <div className="text-muted-foreground">{t("actorTypeName", { type: e.actorType })}</div>
                  </TableCell>
                  <TableCell className="text-xs">
                    <Badge variant="outline">{t("sourceName", { source: e.source })}</Badge>
                    {e.ip && <div className="mt-1 text-muted-foreground">{e.ip}</div>}
                  </TableCell>
                  <TableCell className="text-xs">
                    <code className="font-medium">{e.action}</code>
                    {e.target && <div className="text-muted-foreground">{e.target}</div>}
                  </TableCell>
                  <TableCell className="max-w-md break-all font-mono text-xs">
                    {e.before !== null || e.after !== null ? (
                      <>
                        <span className="text-muted-foreground">{compact(e.before) || "—"}</span> → {compact(e.after) || "—"}
                      </>
                    ) : (
                      compact(e.details)
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {nextCursor && (
            <div>
              <Button asChild variant="outline" size="sm">
                <Link href={`/admin/audit?${new URLSearchParams([...filterQuery, ["cursor", nextCursor]]).toString()}`}>{t("older")}</Link>
              </Button>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
