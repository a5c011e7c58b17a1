import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { AdminTokenDialog } from "@/components/admin-token-dialog";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { adminTokens, apiReference } from "@/lib/dal/admin";
import { formats } from "@/lib/ui/format";
import { createAdminTokenAction, revokeAdminTokenAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("admin.tokens"))("metaTitle") };
}

const METHOD_VARIANT = { GET: "outline", POST: "success", PATCH: "warning", DELETE: "destructive" } as const;

export default async function AdminApiPage() {
  const user = await requireAdmin();
  const [tokens, reference, t, locale] = await Promise.all([adminTokens(user), apiReference(user), getTranslations("admin.tokens"), getLocale()]);
  const { dateTime } = formats(locale);
  const now = new Date();
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        <AdminTokenDialog action={createAdminTokenAction} />
      </PageHeader>

      <Card>
        <CardHeader>
          <CardTitle>{t("tokensTitle")}</CardTitle>
          <CardDescription>{t("tokensDescription")}</CardDescription>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("token")}</TableHead>
                <TableHead>{t("scope")}</TableHead>
                <TableHead>{t("addresses")}</TableHead>
                <TableHead>{t("expires")}</TableHead>
                <TableHead>{t("lastUsed")}</TableHead>
                <TableHead>{t("status")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {tokens.length === 0 && <TableEmpty colSpan={7}>{t("empty")}</TableEmpty>}
              {tokens.map((token) => {
                const expired = token.expiresAt !== null && token.expiresAt <= now;
                return (
                  <TableRow key={token.id} data-testid={`admin-token-${token.name}`}>
                    <TableCell>
                      <div className="font-medium">{token.name}</div>
                      <code className="text-xs text-muted-foreground">{token.prefix}…</code>
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{token.scope}</Badge>
                    </TableCell>
                    <TableCell className="text-xs">{token.allowedIps.length ? token.allowedIps.join(", ") : <span className="text-muted-foreground">{t("anyAddress")}</span>}</TableCell>
                    <TableCell className="text-xs">{token.expiresAt ? dateTime(token.expiresAt) : t("never")}</TableCell>
                    <TableCell className="text-xs">{token.lastUsedAt ? dateTime(token.lastUsedAt) : t("never")}</TableCell>
                    <TableCell>{token.revokedAt ? <Badge variant="destructive">{t("revoked")}</Badge> : expired ? <Badge variant="warning">{t("expired")}</Badge> : <Badge variant="success">{t("active")}</Badge>}</TableCell>
                    <TableCell className="text-right">
                      {!token.revokedAt && !expired && (
                        <ActionButton action={revokeAdminTokenAction} fields={{ id: token.id }} variant="ghost" size="sm" confirm={t("confirmRevoke", { name: token.name })}>
                          {t("revoke")}
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
          <CardTitle>{t("reference")}</CardTitle>
          <CardDescription>
            {t.rich("referenceDescription", {
              link: (chunks) => (
                <a className="underline" href="/api/admin/v1/openapi.json">
                  {chunks}
                </a>
              ),
              error: '{"error": {"message", "type", "code", "param"}}',
            })}
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
                    <Badge variant="outline">{t("operationScope", { scope: op.scope })}</Badge>
                    {op.idempotent && <Badge variant="outline">Idempotency-Key</Badge>}
                  </div>
                  <p className="mt-1 text-sm text-muted-foreground">{op.summary}</p>
                  {op.fields.length > 0 && (
                    <ul className="mt-2 grid gap-0.5 text-xs">
                      {op.fields.map((field) => (
                        <li key={`${field.where}-${field.name}`}>
                          <code className="font-medium">{field.name}</code> <span className="text-muted-foreground">{t("fieldWhere", { where: field.where, required: String(field.required) })}</span> <code>{field.type}</code>
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
