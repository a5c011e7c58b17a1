"use server";

import { z } from "zod";
import { assignGroup, createGroup, deleteGroup, setGroupModelMargin, updateGroup } from "@/lib/admin/groups";
import { adminAction } from "@/lib/ui/admin-action";

const percent = z.string().regex(/^\d{1,4}(\.\d{1,2})?$/, "A percentage like 20 or 12.5").optional();
/** "openai/*, gpt-4o" → ["openai/*", "gpt-4o"]; empty: every model */
const modelList = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(/[\s,]+/).filter(Boolean));

const groupFields = {
  name: z.string({ error: "Give the group a name" }).trim().min(1),
  description: z.string().trim().max(500).optional(),
  marginPercent: percent,
  allowedModels: modelList,
};

export const createGroupAction = adminAction(z.object(groupFields), async (input, admin) => {
  const group = await createGroup(input, admin.email);
  return `Created group ${group.name}`;
});

// a form sends every field: an empty margin means the models' own, an empty list every model
export const updateGroupAction = adminAction(z.object({ id: z.string().min(1), ...groupFields }), async ({ id, marginPercent, description, ...rest }, admin) => {
  const group = await updateGroup(id, { ...rest, description: description ?? null, marginPercent: marginPercent ?? null }, admin.email);
  return `Saved group ${group.name}`;
});

export const deleteGroupAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const group = await deleteGroup(id, admin.email);
  return `Deleted group ${group.name}`;
});

export const groupModelMarginAction = adminAction(
  z.object({ id: z.string().min(1), model: z.string({ error: "Pick a model" }).min(1), marginPercent: percent }),
  async ({ id, model, marginPercent }, admin) => {
    await setGroupModelMargin(id, model, marginPercent ?? null, admin.email);
    return marginPercent ? `${model} sells at ${marginPercent}% to this group` : `${model} sells at the group's margin again`;
  },
);

export const assignGroupAction = adminAction(z.object({ email: z.string({ error: "Pick a customer" }).min(1), id: z.string().optional() }), async ({ email, id }, admin) => {
  await assignGroup(email, id ?? null, admin.email);
  return id ? `Moved ${email} into the group` : `${email} is in no group now`;
});
