"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { assignGroup, createGroup, deleteGroup, setGroupModelMargin, updateGroup } from "@/lib/admin/groups";
import { adminAction, translatedAdminAction, type Translator } from "@/lib/ui/admin-action";

// Answers and field errors in the reader's language (messages/*/adminPeople.json, "groups.actions").
type T = Translator<"adminPeople.groups.actions">;

const percent = (t: T) => z.string().regex(/^\d{1,4}(\.\d{1,2})?$/, t("percent")).optional();
/** "openai/*, gpt-4o" → ["openai/*", "gpt-4o"]; empty: every model */
const modelList = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(/[\s,]+/).filter(Boolean));

const groupFields = (t: T) => ({
  name: z.string({ error: t("nameGroup") }).trim().min(1),
  description: z.string().trim().max(500).optional(),
  marginPercent: percent(t),
  allowedModels: modelList,
});

export const createGroupAction = translatedAdminAction("adminPeople.groups.actions",
  async (t) => z.object(groupFields(t)),
  async (input, admin, t) => {
    const group = await createGroup(input, admin.email);
    return t("created", { name: group.name });
  },
);

// a form sends every field: an empty margin means the models' own, an empty list every model
export const updateGroupAction = translatedAdminAction("adminPeople.groups.actions",
  async (t) => z.object({ id: z.string().min(1), ...groupFields(t) }),
  async ({ id, marginPercent, description, ...rest }, admin, t) => {
    const group = await updateGroup(id, { ...rest, description: description ?? null, marginPercent: marginPercent ?? null }, admin.email);
    return t("saved", { name: group.name });
  },
);

export const deleteGroupAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const group = await deleteGroup(id, admin.email);
  return (await getTranslations("adminPeople.groups.actions"))("deleted", { name: group.name });
});

export const groupModelMarginAction = translatedAdminAction("adminPeople.groups.actions",
  async (t) => z.object({ id: z.string().min(1), model: z.string({ error: t("pickModel") }).min(1), marginPercent: percent(t) }),
  async ({ id, model, marginPercent }, admin, t) => {
    await setGroupModelMargin(id, model, marginPercent ?? null, admin.email);
    return marginPercent ? t("modelMarginSet", { model, margin: marginPercent }) : t("modelMarginCleared", { model });
  },
);

export const assignGroupAction = translatedAdminAction("adminPeople.groups.actions",
  async (t) => z.object({ email: z.string({ error: t("pickCustomer") }).min(1), id: z.string().optional() }),
  async ({ email, id }, admin, t) => {
    await assignGroup(email, id ?? null, admin.email);
    return id ? t("assigned", { email }) : t("unassigned", { email });
  },
);
