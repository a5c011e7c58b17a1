"use server";

import { z } from "zod";
import { disableBatch, disableCode, mintCodes, mintCodesSchema } from "@/lib/admin/codes";
import { adminAction } from "@/lib/ui/admin-action";

export const mintCodesAction = adminAction(mintCodesSchema, async (input, admin) => {
  const { batch, codes } = await mintCodes(input, admin.email);
  // shown once by the dialog: one code with a copy button, a batch as a list to copy or download
  if (codes.length === 1) return { ok: "Minted a code", secret: codes[0]!.code };
  return { ok: `Minted ${codes.length} codes in ${batch}`, secrets: codes.map((c) => c.code) };
});

export const disableCodeAction = adminAction(z.object({ id: z.string().min(1) }), async ({ id }, admin) => {
  const code = await disableCode(id, admin.email);
  return `Disabled ${code.prefix}…`;
});

export const disableBatchAction = adminAction(z.object({ batch: z.string().min(1).max(63) }), async ({ batch }, admin) => {
  const count = await disableBatch(batch, admin.email);
  return `Disabled ${count} code${count === 1 ? "" : "s"} of ${batch}`;
});
