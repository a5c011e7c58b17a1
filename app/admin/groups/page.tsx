import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { activeUserEmails, listGroups, modelNames } from "@/lib/dal/admin";
import { deleteGroupAction } from "./actions";
import { AssignGroupDialog, CreateGroupDialog, EditGroupDialog, ModelMarginDialog } from "./group-forms";

export const metadata = { title: "Customer groups" };

export default async function GroupsPage() {
  const admin = await requireAdmin();
  const [groups, emails, models] = await Promise.all([listGroups(admin), activeUserEmails(admin), modelNames(admin)]);
  return (
    <>
      <PageHeader title="Customer groups" description="Plans such as free, pro or enterprise: each with its own margin, per-model margins and model list. A credit package can move its buyers into one.">
        {groups.length > 0 && <AssignGroupDialog groups={groups} emails={emails} />}
        <CreateGroupDialog />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Group</TableHead>
                <TableHead className="text-right">Margin</TableHead>
                <TableHead>Per-model margins</TableHead>
                <TableHead>Models</TableHead>
                <TableHead>Members</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {groups.length === 0 && <TableEmpty colSpan={6}>No groups yet: every customer pays each model&apos;s own margin.</TableEmpty>}
              {groups.map((g) => (
                <TableRow key={g.id} data-testid={`group-${g.name}`}>
                  <TableCell className="align-top">
                    <div className="font-medium">{g.name}</div>
                    {g.description && <div className="text-xs text-muted-foreground">{g.description}</div>}
                    {g.packages > 0 && <div className="text-xs text-muted-foreground">joined by buying {g.packages} package(s)</div>}
                  </TableCell>
                  <TableCell className="text-right align-top tabular-nums">{g.marginPercent === null ? "each model's own" : `${g.marginPercent}%`}</TableCell>
                  <TableCell className="align-top text-xs">
                    {g.modelMargins.length === 0 ? "—" : g.modelMargins.map((m) => <div key={m.model}>{`${m.model}: ${m.marginPercent}%`}</div>)}
                  </TableCell>
                  <TableCell className="align-top">
                    <div className="flex flex-wrap gap-1">{g.allowedModels.length === 0 ? <span className="text-xs text-muted-foreground">all</span> : g.allowedModels.map((m) => <Badge key={m} variant="outline">{m}</Badge>)}</div>
                  </TableCell>
                  <TableCell className="align-top text-xs">
                    {g.members === 0 ? "—" : g.memberEmails.map((email) => <div key={email}>{email}</div>)}
                    {g.members > g.memberEmails.length && <div className="text-muted-foreground">and {g.members - g.memberEmails.length} more</div>}
                  </TableCell>
                  <TableCell className="align-top">
                    <div className="flex justify-end gap-1.5">
                      <EditGroupDialog group={g} />
                      {models.length > 0 && <ModelMarginDialog group={g} models={models} />}
                      <ActionButton action={deleteGroupAction} fields={{ id: g.id }} variant="ghost" size="sm" confirm={`Delete group ${g.name}? Its members pay each model's own margin again.`}>
                        Delete
                      </ActionButton>
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </>
  );
}
