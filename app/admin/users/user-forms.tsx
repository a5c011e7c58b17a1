"use client";

import { useTranslations } from "next-intl";
import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { createTeamAction, createUserAction, joinTeamAction, limitsAction } from "./actions";

const TeamSelect = ({ teams, required = false }: { teams: string[]; required?: boolean }) => {
  const t = useTranslations("adminPeople.users.forms");
  return <SelectField name="team" label={t("team")} options={required ? teams : [{ value: "", label: t("noTeam") }, ...teams]} />;
};

export function CreateUserDialog({ teams }: { teams: string[] }) {
  const t = useTranslations("adminPeople.users");
  return (
    <FormDialog trigger={t("forms.addUser")} title={t("forms.addUserTitle")} description={t("forms.addUserDescription")} action={createUserAction} secretLabel={t("forms.initialPassword")}>
      <Field name="email" label={t("forms.email")} type="email" />
      <Field name="name" label={t("forms.name")} />
      <SelectField name="role" label={t("forms.role")} defaultValue="member" options={(["member", "admin"] as const).map((role) => ({ value: role, label: t("roleName", { role }) }))} />
      <Field name="password" label={t("forms.password")} type="password" autoComplete="new-password" />
      {teams.length > 0 && <TeamSelect teams={teams} />}
      <SubmitButton>{t("forms.addUser")}</SubmitButton>
    </FormDialog>
  );
}

export function CreateTeamDialog() {
  const t = useTranslations("adminPeople.users.forms");
  return (
    <FormDialog trigger={t("addTeam")} variant="outline" title={t("addTeamTitle")} action={createTeamAction}>
      <Field name="name" label={t("teamName")} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="poolCredits" className="size-4" /> {t("poolCredits")}
      </label>
      <Field name="monthlyBudgetUsd" label={t("teamBudget")} inputMode="decimal" />
      <SubmitButton>{t("addTeam")}</SubmitButton>
    </FormDialog>
  );
}

export function JoinTeamDialog({ email, teams }: { email: string; teams: string[] }) {
  const t = useTranslations("adminPeople.users.forms");
  return (
    <FormDialog trigger={t("joinTrigger")} variant="ghost" size="sm" title={t("joinTitle", { email })} action={joinTeamAction}>
      <input type="hidden" name="email" value={email} />
      <TeamSelect teams={teams} required />
      <SubmitButton>{t("save")}</SubmitButton>
    </FormDialog>
  );
}

/** Budget and rate limits of a user, team or key; `label` names it in the reader's language. */
export function LimitsDialog({ target, label }: { target: { userEmail: string } | { teamName: string } | { keyId: string }; label: string }) {
  const t = useTranslations("adminPeople.users.forms");
  const [name, value] = Object.entries(target)[0]!;
  return (
    <FormDialog trigger={t("limitsTrigger")} variant="ghost" size="sm" title={t("limitsTitle", { label })} description={t("limitsDescription")} action={limitsAction}>
      <input type="hidden" name={name} value={value} />
      <Field name="monthlyUsd" label={t("monthlyBudget")} placeholder={t("monthlyBudgetPlaceholder")} />
      <div className="grid grid-cols-2 gap-3">
        <Field name="rpm" label={t("rpm")} placeholder={t("nonePlaceholder")} />
        <Field name="tpm" label={t("tpm")} placeholder={t("nonePlaceholder")} />
      </div>
      <SubmitButton>{t("saveLimits")}</SubmitButton>
    </FormDialog>
  );
}
