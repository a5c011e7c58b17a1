"use client";

import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import { createTeamAction, createUserAction, joinTeamAction, limitsAction } from "./actions";

const TeamSelect = ({ teams, required = false }: { teams: string[]; required?: boolean }) => (
  <SelectField name="team" label="Team" options={required ? teams : [{ value: "", label: "No team" }, ...teams]} />
);

export function CreateUserDialog({ teams }: { teams: string[] }) {
  return (
    <FormDialog trigger="Add user" title="Add a user" description="Leave the password empty to generate one to hand over." action={createUserAction} secretLabel="Initial password: give it to the user">
      <Field name="email" label="Email" type="email" />
      <Field name="name" label="Name (optional)" />
      <SelectField name="role" label="Role" defaultValue="member" options={["member", "admin"]} />
      <Field name="password" label="Password (optional)" type="password" autoComplete="new-password" />
      {teams.length > 0 && <TeamSelect teams={teams} />}
      <SubmitButton>Add user</SubmitButton>
    </FormDialog>
  );
}

export function CreateTeamDialog() {
  return (
    <FormDialog trigger="Add team" variant="outline" title="Add a team" action={createTeamAction}>
      <Field name="name" label="Name" />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="poolCredits" className="size-4" /> Members spend the team&apos;s pooled credits
      </label>
      <Field name="monthlyBudgetUsd" label="Monthly budget, USD (optional)" inputMode="decimal" />
      <SubmitButton>Add team</SubmitButton>
    </FormDialog>
  );
}

export function JoinTeamDialog({ email, teams }: { email: string; teams: string[] }) {
  return (
    <FormDialog trigger="Team" variant="ghost" size="sm" title={`Move ${email} to a team`} action={joinTeamAction}>
      <input type="hidden" name="email" value={email} />
      <TeamSelect teams={teams} required />
      <SubmitButton>Save</SubmitButton>
    </FormDialog>
  );
}

/** Budget and rate limits of a user, team or key. */
export function LimitsDialog({ target, label }: { target: { userEmail: string } | { teamName: string } | { keyId: string }; label: string }) {
  const [name, value] = Object.entries(target)[0]!;
  return (
    <FormDialog trigger="Limits" variant="ghost" size="sm" title={`Limits of ${label}`} description="Empty fields stay as they are; none removes a limit." action={limitsAction}>
      <input type="hidden" name={name} value={value} />
      <Field name="monthlyUsd" label="Monthly budget, USD" placeholder="e.g. 50 or none" />
      <div className="grid grid-cols-2 gap-3">
        <Field name="rpm" label="Requests / minute" placeholder="none" />
        <Field name="tpm" label="Tokens / minute" placeholder="none" />
      </div>
      <SubmitButton>Save limits</SubmitButton>
    </FormDialog>
  );
}
