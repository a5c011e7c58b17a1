"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { disableBatch, disableCode, mintCodes, mintCodesSchema } from "@/lib/admin/codes";
import { adminAction } from "@/lib/ui/admin-action";

// Answers read in the admin's language; the mint form's field errors come from lib/admin/codes (shared with the API), in English.

export const mintCodesAction = adminAction(mintCodesSchema, async (input, admin) => {
  const { batch, codes } = await mintCodes(input, admin.email);
  const t = await getTranslations("adminBilling.codes.actions");
  // shown once by the dialog: one code with a copy button, a batch as a list to copy or download
  if (codes.length === 1) return { ok: t("mintedOne"), secret: codes[0]!.code };
  return { ok: t("mintedMany", { count: codes.length, batch: String(batch) }), secrets: codes.map((c) => c.code) };
});

export const disableCodeAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const code = await disableCode(id, admin.email);
  return (await getTranslations("adminBilling.codes.actions"))("disabledCode", { prefix: code.prefix });
});

export const disableBatchAction = adminAction(z.object({ batch: z.string().min(1).max(63) }), async ({ batch }, admin) => {
  const count = await disableBatch(batch, admin.email);
  return (await getTranslations("adminBilling.codes.actions"))("disabledBatch", { count, batch });
});
