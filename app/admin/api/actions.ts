"use server";

import { z } from "zod";
import { ADMIN_SCOPES, createAdminToken, revokeAdminToken } from "@/lib/admin/tokens";
import { adminAction } from "@/lib/ui/admin-action";

const tokenForm = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(100),
  scope: z.enum(ADMIN_SCOPES, { error: "Pick a scope" }),
  expiresAt: z.coerce.date({ error: "Not a date" }).optional(),
  allowedIps: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((a) => a.trim()).filter(Boolean) : [])),
});

export const createAdminTokenAction = adminAction(tokenForm, async (input, admin) => {
  const { secret, token } = await createAdminToken(input, admin.email);
  return { ok: `Created admin token ${token.name}`, secret };
});

export const revokeAdminTokenAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const token = await revokeAdminToken(id, admin.email);
  return `Revoked ${token.name}`;
});
