"use client";

import { useTranslations } from "next-intl";
import { Field, SelectField, SubmitButton } from "@/components/action-form";
import { FormDialog } from "@/components/form-dialog";
import type { GroupView } from "@/lib/admin/groups";
import { assignGroupAction, createGroupAction, groupModelMarginAction, updateGroupAction } from "./actions";

function GroupFields({ group }: { group?: GroupView }) {
  const t = useTranslations("adminPeople.groups.forms");
  return (
    <>
      <Field name="name" label={t("name")} placeholder="pro" defaultValue={group?.name} />
      <Field name="description" label={t("description")} defaultValue={group?.description ?? undefined} />
      <Field name="marginPercent" label={t("margin")} inputMode="decimal" placeholder={t("marginPlaceholder")} defaultValue={group?.marginPercent ?? undefined} />
      <Field name="allowedModels" label={t("allowedModels")} placeholder="openai/*, gpt-4o-mini" defaultValue={group?.allowedModels.join(", ")} hint={t("allowedModelsHint")} />
    </>
  );
}

export function CreateGroupDialog() {
  const t = useTranslations("adminPeople.groups.forms");
  return (
    <FormDialog trigger={t("addGroup")} title={t("addGroupTitle")} description={t("addGroupDescription")} action={createGroupAction}>
      <GroupFields />
      <SubmitButton>{t("addGroup")}</SubmitButton>
    </FormDialog>
  );
}

export function EditGroupDialog({ group }: { group: GroupView }) {
  const t = useTranslations("adminPeople.groups.forms");
  return (
    <FormDialog trigger={t("edit")} variant="outline" size="sm" title={t("editTitle", { name: group.name })} action={updateGroupAction}>
      <input type="hidden" name="id" value={group.id} />
      <GroupFields group={group} />
      <SubmitButton>{t("save")}</SubmitButton>
    </FormDialog>
  );
}

export function ModelMarginDialog({ group, models }: { group: GroupView; models: string[] }) {
  const t = useTranslations("adminPeople.groups.forms");
  return (
    <FormDialog trigger={t("modelMargin")} variant="outline" size="sm" title={t("modelMarginTitle", { name: group.name })} description={t("modelMarginDescription")} action={groupModelMarginAction}>
      <input type="hidden" name="id" value={group.id} />
      <SelectField name="model" label={t("model")} options={models} />
      <Field name="marginPercent" label={t("modelMarginField")} inputMode="decimal" placeholder={t("modelMarginPlaceholder")} />
      <SubmitButton>{t("save")}</SubmitButton>
    </FormDialog>
  );
}

/** Puts a customer in a group, or (with "No group") takes them out of theirs. */
export function AssignGroupDialog({ groups, emails }: { groups: GroupView[]; emails: string[] }) {
  const t = useTranslations("adminPeople.groups.forms");
  return (
    <FormDialog trigger={t("assign")} variant="outline" title={t("assignTitle")} description={t("assignDescription")} action={assignGroupAction}>
      <SelectField name="email" label={t("customer")} options={emails} />
      <SelectField name="id" label={t("group")} options={[...groups.map((g) => ({ value: g.id, label: g.name })), { value: "", label: t("noGroup") }]} />
      <SubmitButton>{t("save")}</SubmitButton>
    </FormDialog>
  );
}
