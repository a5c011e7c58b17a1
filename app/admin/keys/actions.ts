"use server";

import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/admin/keys";
import { adminAction } from "@/lib/ui/admin-action";
import { keyFormSchema } from "@/lib/ui/key-input";

export const createKeyAction = adminAction(keyFormSchema.extend({ userEmail: z.string({ error: "Pick the owner" }).min(1) }), async ({ userEmail, ...input }, admin) => {
  const { secret, key } = await createApiKey({ userEmail, ...input }, admin.email);
  return { ok: `Created ${key.name} for ${userEmail}`, secret };
});

export const revokeKeyAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const key = await revokeApiKey(id, admin.email);
  return `Revoked ${key.name}`;
});
