import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { AdminTokenDialog } from "@/components/admin-token-dialog";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { adminTokens, apiReference } from "@/lib/dal/admin";
import { dateTime } from "@/lib/ui/format";
import { createAdminTokenAction, revokeAdminTokenAction } from "./actions";

export const metadata = { title: "Admin API" };

const METHOD_VARIANT = { GET: "outline", POST: "success", PATCH: "warning", DELETE: "destructive" } as const;

export default async function AdminApiPage() {
  const user = await requireAdmin();
  const [tokens, reference] = await Promise.all([adminTokens(user), apiReference(user)]);
  const now = new Date();
  return (
    <>
      <PageHeader title="Admin API" description="Drive the hub from code: every page and CLI command has a route under /api/admin/v1, authenticated with an admin token.">
        <AdminTokenDialog action={createAdminTokenAction} />
      </PageHeader>

      <Card>
        <CardHeader>
          <CardTitle>Admin tokens</CardTitle>
          <CardDescription>Sent as &quot;Authorization: Bearer sk-admin-…&quot;. Only hashes are stored. API keys never work on the admin API.</CardDescription>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Token</TableHead>
                <TableHead>Scope</TableHead>
                <TableHead>Addresses</TableHead>
                <TableHead>Expires</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>Status</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {tokens.length === 0 && <TableEmpty colSpan={7}>No admin tokens yet.</TableEmpty>}
              {tokens.map((t) => {
                const expired = t.expiresAt !== null && t.expiresAt <= now;
                return (
                  <TableRow key={t.id} data-testid={`admin-token-${t.name}`}>
                    <TableCell>
                      <div className="font-medium">{t.name}</div>
                      <code className="text-xs text-muted-foreground">{t.prefix}…</code>
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{t.scope}</Badge>
                    </TableCell>
                    <TableCell className="text-xs">{t.allowedIps.length ? t.allowedIps.join(", ") : <span className="text-muted-foreground">any</span>}</TableCell>
                    <TableCell className="text-xs">{t.expiresAt ? dateTime(t.expiresAt) : "never"}</TableCell>
                    <TableCell className="text-xs">{t.lastUsedAt ? dateTime(t.lastUsedAt) : "never"}</TableCell>
                    <TableCell>{t.revokedAt ? <Badge variant="destructive">revoked</Badge> : expired ? <Badge variant="warning">expired</Badge> : <Badge variant="success">active</Badge>}</TableCell>
                    <TableCell className="text-right">
                      {!t.revokedAt && !expired && (
                        <ActionButton action={revokeAdminTokenAction} fields={{ id: t.id }} variant="ghost" size="sm" confirm={`Revoke ${t.name}? Programs using it stop working at once.`}>
                          Revoke
                        </ActionButton>
                      )}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Reference</CardTitle>
          <CardDescription>
            Generated from the OpenAPI 3.1 document at <a className="underline" href="/api/admin/v1/openapi.json">/api/admin/v1/openapi.json</a>. Lists page with limit and cursor; POSTs that create or move money take an Idempotency-Key; every error is {'{"error": {"message", "type", "code", "param"}}'}.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-8">
          {reference.map((section) => (
            <section key={section.tag} aria-labelledby={`tag-${section.tag}`} className="flex flex-col gap-3">
              <h2 id={`tag-${section.tag}`} className="text-lg font-semibold">
                {section.tag}
              </h2>
              {section.operations.map((op) => (
                <article key={op.id} id={op.id} data-testid={`operation-${op.method} ${op.path}`} className="rounded-lg border border-border p-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge variant={METHOD_VARIANT[op.method as keyof typeof METHOD_VARIANT]}>{op.method}</Badge>
                    <code className="text-sm font-medium">{op.path}</code>
                    <Badge variant="outline">scope {op.scope}</Badge>
                    {op.idempotent && <Badge variant="outline">Idempotency-Key</Badge>}
                  </div>
                  <p className="mt-1 text-sm text-muted-foreground">{op.summary}</p>
                  {op.fields.length > 0 && (
                    <ul className="mt-2 grid gap-0.5 text-xs">
                      {op.fields.map((field) => (
                        <li key={`${field.where}-${field.name}`}>
                          <code className="font-medium">{field.name}</code> <span className="text-muted-foreground">({field.where}{field.required ? ", required" : ""})</span> <code>{field.type}</code>
                          {field.description && <span className="text-muted-foreground"> — {field.description}</span>}
                        </li>
                      ))}
                    </ul>
                  )}
                  <p className="mt-2 text-xs">
                    <span className="text-muted-foreground">{op.status} →</span> <code>{op.answer}</code>
                  </p>
                </article>
              ))}
            </section>
          ))}
        </CardContent>
      </Card>
    </>
  );
}
