"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/admin/keys";
import { adminAction, translatedAdminAction } from "@/lib/ui/admin-action";
import { keyFormSchema } from "@/lib/ui/key-input";

// Answers in the reader's language (messages/*/adminPeople.json, "keys.actions"); the shared key fields'
// own errors come from lib/ui/key-input.ts.

export const createKeyAction = translatedAdminAction("adminPeople.keys.actions", async (t) => keyFormSchema.extend({ userEmail: z.string({ error: t("pickOwner") }).min(1), responseCache: z.literal("on").optional() }), async ({ userEmail, responseCache, ...input }, admin, t) => {
  const { secret, key } = await createApiKey({ userEmail, ...input, responseCache: responseCache === "on" }, admin.email);
  return { ok: t("created", { name: key.name, email: userEmail }), secret };
});

export const revokeKeyAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const key = await revokeApiKey(id, admin.email);
  return (await getTranslations("adminPeople.keys.actions"))("revoked", { name: key.name });
});
