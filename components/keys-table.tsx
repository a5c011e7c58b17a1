import type { ReactNode } from "react";
import { useLocale, useTranslations } from "next-intl";
import type { listKeys } from "@/lib/dal/admin";
import type { FormState } from "@/lib/ui/form-state";
import { formats } from "@/lib/ui/format";
import { ActionButton } from "./action-button";
import { Badge } from "./ui/badge";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "./ui/table";

export type KeyRow = Awaited<ReturnType<typeof listKeys>>[number];

/** API keys with scope, last use and spend; a revoke button on live ones. */
export function KeysTable({
  keys,
  revoke,
  showOwner,
  extra,
}: {
  keys: KeyRow[];
  revoke: (state: FormState, form: FormData) => Promise<FormState>;
  showOwner: boolean;
  /** more buttons per live key (the admin's limits) */
  extra?: (key: KeyRow) => ReactNode;
}) {
  const t = useTranslations("keys.table");
  const { dateTime, number, usd } = formats(useLocale());
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("key")}</TableHead>
          {showOwner && <TableHead>{t("owner")}</TableHead>}
          <TableHead>{t("models")}</TableHead>
          <TableHead>{t("expires")}</TableHead>
          <TableHead>{t("lastUsed")}</TableHead>
          <TableHead className="text-right">{t("spend")}</TableHead>
          <TableHead>{t("status")}</TableHead>
          <TableHead />
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.length === 0 && <TableEmpty colSpan={showOwner ? 8 : 7}>{t("empty")}</TableEmpty>}
        {keys.map((k) => {
          const live = !k.revoked && !k.expired;
          return (
            <TableRow key={k.id} data-testid={`key-${k.name}`}>
              <TableCell>
                <div className="font-medium">{k.name}</div>
                <code className="text-xs text-muted-foreground">{k.prefix}…</code>
              </TableCell>
              {showOwner && (
                <TableCell>
                  {k.owner}
                  {k.team && <div className="text-xs text-muted-foreground">{k.team}</div>}
                </TableCell>
              )}
              <TableCell className="max-w-48 text-xs">{k.models.length ? k.models.join(", ") : <span className="text-muted-foreground">{t("allModels")}</span>}</TableCell>
              <TableCell className="text-xs">{k.expiresAt ? dateTime(k.expiresAt) : t("never")}</TableCell>
              <TableCell className="text-xs">{k.lastUsedAt ? dateTime(k.lastUsedAt) : t("never")}</TableCell>
              <TableCell className="text-right tabular-nums">
                {usd(k.monthSpendUsd)}
                <div className="text-xs text-muted-foreground">{t("calls", { count: number(k.monthCalls) })}</div>
              </TableCell>
              <TableCell>{k.revoked ? <Badge variant="destructive">{t("revoked")}</Badge> : k.expired ? <Badge variant="warning">{t("expired")}</Badge> : <Badge variant="success">{t("active")}</Badge>}</TableCell>
              <TableCell className="text-right">
                {live && extra?.(k)}
                {live && (
                  <ActionButton action={revoke} fields={{ id: k.id }} variant="ghost" size="sm" confirm={t("confirmRevoke", { name: k.name })}>
                    {t("revoke")}
                  </ActionButton>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
