import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listCodes, MAX_BATCH } from "@/lib/dal/admin";
import { credits, date, number } from "@/lib/ui/format";
import { disableBatchAction, disableCodeAction } from "./actions";
import { MintCodesDialog } from "./mint-codes-dialog";

export const metadata = { title: "Redemption codes" };

const PAGE_SIZE = 50;

const STATUS_BADGE = { active: "success", disabled: "destructive", expired: "outline", used_up: "outline" } as const;

const text = (value: string | string[] | undefined, max: number) => (typeof value === "string" && value !== "" && value.length <= max ? value : undefined);

export default async function CodesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireAdmin();
  const params = await searchParams;
  const batch = text(params.batch, 63);
  const { codes, nextCursor } = await listCodes(user, { batch }, { limit: PAGE_SIZE, cursor: text(params.cursor, 128) });
  return (
    <>
      <PageHeader title="Redemption codes" description="Codes customers redeem for credits on their billing page. Each code is shown once, when it is minted; the hub keeps only its hash.">
        <Button asChild variant="outline">
          <Link href="/admin/credits">Credits</Link>
        </Button>
        <MintCodesDialog maxBatch={MAX_BATCH} />
      </PageHeader>
      {batch && (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span>
            Batch <span className="font-medium">{batch}</span>
          </span>
          <Link href="/admin/credits/codes" className="text-muted-foreground underline underline-offset-4">
            every code
          </Link>
          <ActionButton action={disableBatchAction} fields={{ batch }} variant="outline" size="sm" confirm={`Disable every code of ${batch}?`}>
            Disable the batch
          </ActionButton>
        </div>
      )}
      <Card>
        <CardContent className="flex flex-col gap-3 pt-6">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Code</TableHead>
                <TableHead>Batch</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead>Credits expire</TableHead>
                <TableHead className="text-right">Uses</TableHead>
                <TableHead className="text-right">Per customer</TableHead>
                <TableHead>Code expires</TableHead>
                <TableHead>Status</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {codes.length === 0 && <TableEmpty colSpan={9}>No codes yet.</TableEmpty>}
              {codes.map((c) => (
                <TableRow key={c.id} data-testid={`code-${c.id}`}>
                  <TableCell className="font-mono text-xs" title={c.note ?? undefined}>
                    {c.prefix}…
                  </TableCell>
                  <TableCell className="text-xs">{c.batch ? <Link href={`/admin/credits/codes?batch=${encodeURIComponent(c.batch)}`}>{c.batch}</Link> : "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{credits(c.amountCredits)}</TableCell>
                  <TableCell className="text-xs">{c.creditExpiryDays === null ? "never" : `${number(c.creditExpiryDays)} days after redemption`}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {number(c.uses)} / {number(c.maxUses)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{number(c.perCustomerLimit)}</TableCell>
                  <TableCell className="text-xs">{c.expiresAt ? date(c.expiresAt) : "never"}</TableCell>
                  <TableCell>
                    <Badge variant={STATUS_BADGE[c.status]}>{c.status.replace("_", " ")}</Badge>
                  </TableCell>
                  <TableCell className="text-right">
                    {c.status !== "disabled" && (
                      <ActionButton action={disableCodeAction} fields={{ id: c.id }} variant="ghost" size="sm" confirm={`Disable ${c.prefix}…?`}>
                        Disable
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
                <Link href={`/admin/credits/codes?${new URLSearchParams({ ...(batch ? { batch } : {}), cursor: nextCursor }).toString()}`}>Older codes</Link>
              </Button>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
