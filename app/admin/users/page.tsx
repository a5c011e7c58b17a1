import { getLocale, getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listTeams, listUsers } from "@/lib/dal/admin";
import { settings } from "@/lib/settings";
import { formats } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { roleAction } from "./actions";
import { LogLevelDialog } from "../settings/logging-forms";
import { CreateTeamDialog, CreateUserDialog, JoinTeamDialog, LimitsDialog } from "./user-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("adminPeople.users.page"))("metaTitle") };
}

export default async function UsersPage() {
  const admin = await requireAdmin();
  const [users, teams, { mode }, t, tu, locale] = await Promise.all([
    listUsers(admin),
    listTeams(admin),
    settings(),
    getTranslations("adminPeople.users.page"),
    getTranslations("adminPeople.users"),
    getLocale(),
  ]);
  const { credits, date, number, usd } = formats(locale);
  const teamNames = teams.map((team) => team.name);
  const money = mode === "service_provider";
  return (
    <>
      <PageHeader title={t("title")} description={money ? t("descriptionReseller") : t("descriptionEnterprise")}>
        <CreateTeamDialog />
        <CreateUserDialog teams={teamNames} />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("user")}</TableHead>
                <TableHead>{t("role")}</TableHead>
                <TableHead>{t("team")}</TableHead>
                <TableHead className="text-right">{money ? t("balance") : t("budget")}</TableHead>
                <TableHead className="text-right">{t("spend")}</TableHead>
                <TableHead className="text-right">{t("keys")}</TableHead>
                <TableHead>{t("enabled")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {users.map((u) => (
                <TableRow key={u.id} data-testid={`user-${u.email}`}>
                  <TableCell>
                    <div className="font-medium">{u.email}</div>
                    <div className="text-xs text-muted-foreground">
                      {u.name ? `${u.name} · ` : ""}
                      {t("since", { date: date(u.createdAt) })}
                      {u.sso ? " · SSO" : ""}
                    </div>
                  </TableCell>
                  <TableCell>
                    <Badge variant={u.role === "admin" ? "default" : "outline"}>{tu("roleName", { role: u.role })}</Badge>
                  </TableCell>
                  <TableCell>{u.team ?? <span className="text-muted-foreground">—</span>}</TableCell>
                  <TableCell className="text-right tabular-nums">{money ? (u.balanceCredits ? credits(u.balanceCredits) : "—") : u.monthlyBudgetUsd ? usd(u.monthlyBudgetUsd) : t("noBudget")}</TableCell>
                  <TableCell className="text-right tabular-nums">{usd(u.monthSpendUsd)}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(u.keys)}</TableCell>
                  <TableCell>
                    <Toggle action={toggleAction} fields={{ kind: "user", id: u.id }} enabled={!u.disabled} label={t("enable", { email: u.email })} />
                  </TableCell>
                  <TableCell>
                    <div className="flex justify-end gap-1">
                      <ActionButton action={roleAction} fields={{ id: u.id, role: u.role === "admin" ? "member" : "admin" }} variant="ghost" size="sm">
                        {u.role === "admin" ? t("makeMember") : t("makeAdmin")}
                      </ActionButton>
                      {teamNames.length > 0 && <JoinTeamDialog email={u.email} teams={teamNames} />}
                      <LimitsDialog target={{ userEmail: u.email }} label={u.email} />
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("teams")}</CardTitle>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("team")}</TableHead>
                <TableHead className="text-right">{t("members")}</TableHead>
                <TableHead>{t("credits")}</TableHead>
                <TableHead className="text-right">{t("budget")}</TableHead>
                <TableHead className="text-right">{t("spend")}</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {teams.length === 0 && <TableEmpty colSpan={6}>{t("noTeams")}</TableEmpty>}
              {teams.map((team) => (
                <TableRow key={team.id}>
                  <TableCell className="font-medium">{team.name}</TableCell>
                  <TableCell className="text-right tabular-nums">{number(team.members)}</TableCell>
                  <TableCell>{team.poolCredits ? t("pooled", { credits: team.balanceCredits ? credits(team.balanceCredits) : "0" }) : t("ownCredits")}</TableCell>
                  <TableCell className="text-right tabular-nums">{team.monthlyBudgetUsd ? usd(team.monthlyBudgetUsd) : "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{usd(team.monthSpendUsd)}</TableCell>
                  <TableCell className="text-right">
                    <LimitsDialog target={{ teamName: team.name }} label={t("teamLabel", { name: team.name })} />
                    <LogLevelDialog target={{ teamName: team.name }} label={t("teamLabel", { name: team.name })} level={team.logLevel} />
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
