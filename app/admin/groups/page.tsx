import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { activeUserEmails, listGroups, modelNames } from "@/lib/dal/admin";
import { deleteGroupAction } from "./actions";
import { AssignGroupDialog, CreateGroupDialog, EditGroupDialog, ModelMarginDialog } from "./group-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("adminPeople.groups.page"))("metaTitle") };
}

export default async function GroupsPage() {
  const admin = await requireAdmin();
  const [groups, emails, models, t] = await Promise.all([listGroups(admin), activeUserEmails(admin), modelNames(admin), getTranslations("adminPeople.groups.page")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")}>
        {groups.length > 0 && <AssignGroupDialog groups={groups} emails={emails} />}
        <CreateGroupDialog />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("group")}</TableHead>
                <TableHead className="text-right">{t("margin")}</TableHead>
                <TableHead>{t("modelMargins")}</TableHead>
                <TableHead>{t("models")}</TableHead>
                <TableHead>{t("members")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {groups.length === 0 && <TableEmpty colSpan={6}>{t("empty")}</TableEmpty>}
              {groups.map((g) => (
                <TableRow key={g.id} data-testid={`group-${g.name}`}>
                  <TableCell className="align-top">
                    <div className="font-medium">{g.name}</div>
                    {g.description && <div className="text-xs text-muted-foreground">{g.description}</div>}
                    {g.packages > 0 && <div className="text-xs text-muted-foreground">{t("joinedByPackages", { count: g.packages })}</div>}
                  </TableCell>
                  <TableCell className="text-right align-top tabular-nums">{g.marginPercent === null ? t("ownMargin") : `${g.marginPercent}%`}</TableCell>
                  <TableCell className="align-top text-xs">
                    {g.modelMargins.length === 0 ? "—" : g.modelMargins.map((m) => <div key={m.model}>{`${m.model}: ${m.marginPercent}%`}</div>)}
                  </TableCell>
                  <TableCell className="align-top">
                    <div className="flex flex-wrap gap-1">{g.allowedModels.length === 0 ? <span className="text-xs text-muted-foreground">{t("allModels")}</span> : g.allowedModels.map((m) => <Badge key={m} variant="outline">{m}</Badge>)}</div>
                  </TableCell>
                  <TableCell className="align-top text-xs">
                    {g.members === 0 ? "—" : g.memberEmails.map((email) => <div key={email}>{email}</div>)}
                    {g.members > g.memberEmails.length && <div className="text-muted-foreground">{t("moreMembers", { count: g.members - g.memberEmails.length })}</div>}
                  </TableCell>
                  <TableCell className="align-top">
                    <div className="flex justify-end gap-1.5">
                      <EditGroupDialog group={g} />
                      {models.length > 0 && <ModelMarginDialog group={g} models={models} />}
                      <ActionButton action={deleteGroupAction} fields={{ id: g.id }} variant="ghost" size="sm" confirm={t("confirmDelete", { name: g.name })}>
                        {t("delete")}
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
