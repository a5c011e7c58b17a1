"use client";

import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import type { GroupView } from "@/lib/admin/groups";
import { assignGroupAction, createGroupAction, groupModelMarginAction, updateGroupAction } from "./actions";

function GroupFields({ group }: { group?: GroupView }) {
  return (
    <>
      <Field name="name" label="Name" placeholder="pro" defaultValue={group?.name} />
      <Field name="description" label="Description (optional)" defaultValue={group?.description ?? undefined} />
      <Field name="marginPercent" label="Margin, % (empty: each model's own)" inputMode="decimal" placeholder="e.g. 15" defaultValue={group?.marginPercent ?? undefined} />
      <Field name="allowedModels" label="Models members may call (empty: all)" placeholder="openai/*, gpt-4o-mini" defaultValue={group?.allowedModels.join(", ")} hint="Names or globs with *, separated by commas or spaces." />
    </>
  );
}

export function CreateGroupDialog() {
  return (
    <FormDialog trigger="Add group" title="Add a customer group" description="Its members pay its margin and may call only its models." action={createGroupAction}>
      <GroupFields />
      <SubmitButton>Add group</SubmitButton>
    </FormDialog>
  );
}

export function EditGroupDialog({ group }: { group: GroupView }) {
  return (
    <FormDialog trigger="Edit" variant="outline" size="sm" title={`Edit group ${group.name}`} action={updateGroupAction}>
      <input type="hidden" name="id" value={group.id} />
      <GroupFields group={group} />
      <SubmitButton>Save</SubmitButton>
    </FormDialog>
  );
}

export function ModelMarginDialog({ group, models }: { group: GroupView; models: string[] }) {
  return (
    <FormDialog trigger="Model margin" variant="outline" size="sm" title={`A model's margin for ${group.name}`} description="Over the group's margin and the model's own. Leave the margin empty to remove it." action={groupModelMarginAction}>
      <input type="hidden" name="id" value={group.id} />
      <SelectField name="model" label="Model" options={models} />
      <Field name="marginPercent" label="Margin, %" inputMode="decimal" placeholder="e.g. 5" />
      <SubmitButton>Save</SubmitButton>
    </FormDialog>
  );
}

/** Puts a customer in a group, or (with "No group") takes them out of theirs. */
export function AssignGroupDialog({ groups, emails }: { groups: GroupView[]; emails: string[] }) {
  return (
    <FormDialog trigger="Assign customer" variant="outline" title="Put a customer in a group" description="Their next call is priced and routed by the group." action={assignGroupAction}>
      <SelectField name="email" label="Customer" options={emails} />
      <SelectField name="id" label="Group" options={[...groups.map((g) => ({ value: g.id, label: g.name })), { value: "", label: "No group" }]} />
      <SubmitButton>Save</SubmitButton>
    </FormDialog>
  );
}
