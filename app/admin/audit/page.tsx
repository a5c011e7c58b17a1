import Link from "next/link";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { auditPage, auditQuery } from "@/lib/dal/admin";
import { dateTime } from "@/lib/ui/format";

export const metadata = { title: "Audit log" };

const SOURCES = ["page", "cli", "api", "import", "system"];
const ACTOR_TYPES = ["user", "admin_token", "cli", "system"];

const compact = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const { filter, cursor, invalid } = auditQuery(params);
  const { entries, nextCursor } = await auditPage(user, filter, cursor);
  const filterQuery = new URLSearchParams(
    Object.entries(filter)
      .map(([k, v]): [string, unknown] => [k, v instanceof Date ? v.toISOString() : v])
      .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const pick = (name: string) => (typeof params[name] === "string" ? (params[name] as string) : "");
  return (
    <>
      <PageHeader title="Audit log" description="Every change to the hub by anyone — web UI, CLI, admin API, configuration import — with who, what, when and from where. Entries cannot be changed or deleted.">
        <Button asChild variant="outline">
          <a href={`/admin/audit/export?${filterQuery.toString()}`} download>
            Export CSV
          </a>
        </Button>
      </PageHeader>
      {invalid && <p className="text-sm text-destructive">Some filters in the address were not valid and were ignored.</p>}
      <Card>
        <CardContent className="flex flex-col gap-4 pt-4">
          <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Filters">
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-action">Action</Label>
              <Input id="audit-action" name="action" defaultValue={pick("action")} placeholder="key. or key.create" className="w-44" />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-actor">Actor</Label>
              <Input id="audit-actor" name="actor" defaultValue={pick("actor")} placeholder="admin@example.com or token:…" className="w-56" />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-actor-type">Actor type</Label>
              <NativeSelect id="audit-actor-type" name="actorType" defaultValue={pick("actorType")}>
                <option value="">any</option>
                {ACTOR_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </NativeSelect>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-source">Source</Label>
              <NativeSelect id="audit-source" name="source" defaultValue={pick("source")}>
                <option value="">any</option>
                {SOURCES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </NativeSelect>
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-from">From</Label>
              <Input id="audit-from" name="from" type="date" defaultValue={pick("from")} />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="audit-to">Before</Label>
              <Input id="audit-to" name="to" type="date" defaultValue={pick("to")} />
            </div>
            <Button type="submit">Filter</Button>
            <Button asChild variant="ghost">
              <Link href="/admin/audit">Clear</Link>
            </Button>
          </form>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Who</TableHead>
                <TableHead>Source</TableHead>
                <TableHead>Action</TableHead>
                <TableHead>Change</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {entries.length === 0 && <TableEmpty colSpan={5}>No entries match.</TableEmpty>}
              {entries.map((e) => (
                <TableRow key={e.id} data-testid="audit-entry">
                  <TableCell className="whitespace-nowrap text-xs">{dateTime(e.createdAt)}</TableCell>
                  <TableCell className="text-xs">
                    <div className="font-medium">{e.actor}</div>
                    <div className="text-muted-foreground">{e.actorType}</div>
                  </TableCell>
                  <TableCell className="text-xs">
                    <Badge variant="outline">{e.source}</Badge>
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
                <Link href={`/admin/audit?${new URLSearchParams([...filterQuery, ["cursor", nextCursor]]).toString()}`}>Older entries</Link>
              </Button>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
