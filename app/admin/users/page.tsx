import { PageHeader } from "@/components/app-shell";
import { ActionButton } from "@/components/action-button";
import { Toggle } from "@/components/toggle";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listTeams, listUsers } from "@/lib/dal/admin";
import { settings } from "@/lib/settings";
import { credits, date, usd } from "@/lib/ui/format";
import { toggleAction } from "../actions";
import { roleAction } from "./actions";
import { CreateTeamDialog, CreateUserDialog, JoinTeamDialog, LimitsDialog } from "./user-forms";

export const metadata = { title: "Users & teams" };

export default async function UsersPage() {
  const admin = await requireAdmin();
  const [users, teams, { mode }] = await Promise.all([listUsers(admin), listTeams(admin), settings()]);
  const teamNames = teams.map((t) => t.name);
  const money = mode === "service_provider";
  return (
    <>
      <PageHeader title="Users & teams" description={money ? "Customers, their balances and spend this month." : "People, their budgets and spend this month."}>
        <CreateTeamDialog />
        <CreateUserDialog teams={teamNames} />
      </PageHeader>
      <Card>
        <CardContent className="pt-4">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>User</TableHead>
                <TableHead>Role</TableHead>
                <TableHead>Team</TableHead>
                <TableHead className="text-right">{money ? "Balance (credits)" : "Budget / month"}</TableHead>
                <TableHead className="text-right">Spend this month</TableHead>
                <TableHead className="text-right">Keys</TableHead>
                <TableHead>Enabled</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {users.map((u) => (
                <TableRow key={u.id} data-testid={`user-${u.email}`}>
                  <TableCell>
                    <div className="font-medium">{u.email}</div>
                    <div className="text-xs text-muted-foreground">
                      {u.name ? `${u.name} · ` : ""}since {date(u.createdAt)}
                      {u.sso ? " · SSO" : ""}
                    </div>
                  </TableCell>
                  <TableCell>
                    <Badge variant={u.role === "admin" ? "default" : "outline"}>{u.role}</Badge>
                  </TableCell>
                  <TableCell>{u.team ?? <span className="text-muted-foreground">—</span>}</TableCell>
                  <TableCell className="text-right tabular-nums">{money ? (u.balanceCredits ? credits(u.balanceCredits) : "—") : u.monthlyBudgetUsd ? usd(u.monthlyBudgetUsd) : "no budget"}</TableCell>
                  <TableCell className="text-right tabular-nums">{usd(u.monthSpendUsd)}</TableCell>
                  <TableCell className="text-right tabular-nums">{u.keys}</TableCell>
                  <TableCell>
                    <Toggle action={toggleAction} fields={{ kind: "user", id: u.id }} enabled={!u.disabled} label={`Enable ${u.email}`} />
                  </TableCell>
                  <TableCell>
                    <div className="flex justify-end gap-1">
                      <ActionButton action={roleAction} fields={{ id: u.id, role: u.role === "admin" ? "member" : "admin" }} variant="ghost" size="sm">
                        {u.role === "admin" ? "Make member" : "Make admin"}
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
          <CardTitle>Teams</CardTitle>
        </CardHeader>
        <CardContent>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Team</TableHead>
                <TableHead className="text-right">Members</TableHead>
                <TableHead>Credits</TableHead>
                <TableHead className="text-right">Budget / month</TableHead>
                <TableHead className="text-right">Spend this month</TableHead>
                <TableHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {teams.length === 0 && <TableEmpty colSpan={6}>No teams yet.</TableEmpty>}
              {teams.map((t) => (
                <TableRow key={t.id}>
                  <TableCell className="font-medium">{t.name}</TableCell>
                  <TableCell className="text-right tabular-nums">{t.members}</TableCell>
                  <TableCell>{t.poolCredits ? `pooled: ${t.balanceCredits ? credits(t.balanceCredits) : "0"}` : "each member's own"}</TableCell>
                  <TableCell className="text-right tabular-nums">{t.monthlyBudgetUsd ? usd(t.monthlyBudgetUsd) : "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{usd(t.monthSpendUsd)}</TableCell>
                  <TableCell className="text-right">
                    <LimitsDialog target={{ teamName: t.name }} label={`team ${t.name}`} />
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
