import type { ReactNode } from "react";
import type { listKeys } from "@/lib/dal/admin";
import type { FormState } from "@/lib/ui/form-state";
import { dateTime, number, usd } from "@/lib/ui/format";
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
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Key</TableHead>
          {showOwner && <TableHead>Owner</TableHead>}
          <TableHead>Models</TableHead>
          <TableHead>Expires</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead className="text-right">Spend this month</TableHead>
          <TableHead>Status</TableHead>
          <TableHead />
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.length === 0 && <TableEmpty colSpan={showOwner ? 8 : 7}>No API keys yet.</TableEmpty>}
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
              <TableCell className="max-w-48 text-xs">{k.models.length ? k.models.join(", ") : <span className="text-muted-foreground">all</span>}</TableCell>
              <TableCell className="text-xs">{k.expiresAt ? dateTime(k.expiresAt) : "never"}</TableCell>
              <TableCell className="text-xs">{k.lastUsedAt ? dateTime(k.lastUsedAt) : "never"}</TableCell>
              <TableCell className="text-right tabular-nums">
                {usd(k.monthSpendUsd)}
                <div className="text-xs text-muted-foreground">{number(k.monthCalls)} calls</div>
              </TableCell>
              <TableCell>{k.revoked ? <Badge variant="destructive">revoked</Badge> : k.expired ? <Badge variant="warning">expired</Badge> : <Badge variant="success">active</Badge>}</TableCell>
              <TableCell className="text-right">
                {live && extra?.(k)}
                {live && (
                  <ActionButton action={revoke} fields={{ id: k.id }} variant="ghost" size="sm" confirm={`Revoke ${k.name}? Apps using it stop working at once.`}>
                    Revoke
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
