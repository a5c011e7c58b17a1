"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { ADMIN_SCOPES, createAdminToken, revokeAdminToken } from "@/lib/admin/tokens";
import { adminAction } from "@/lib/ui/admin-action";

/** the create-token form, its messages in the reader's language */
async function tokenForm() {
  const t = await getTranslations("admin.tokens.validation");
  return z.object({
    name: z.string().trim().min(1, t("name")).max(100),
    scope: z.enum(ADMIN_SCOPES, { error: t("scope") }),
    expiresAt: z.coerce.date({ error: t("date") }).optional(),
    allowedIps: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(",").map((a) => a.trim()).filter(Boolean) : [])),
  });
}

export const createAdminTokenAction = adminAction(tokenForm, async (input, admin) => {
  const { secret, token } = await createAdminToken(input, admin.email);
  return { ok: (await getTranslations("admin.tokens"))("created", { name: token.name }), secret };
});

export const revokeAdminTokenAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const token = await revokeAdminToken(id, admin.email);
  return (await getTranslations("admin.tokens"))("revokedToast", { name: token.name });
});
