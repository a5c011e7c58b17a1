import { z } from "zod";

/** The create-key form's fields, shared by the admin and the self-service pages. */
export const keyFormSchema = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(60),
  models: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((m) => m.trim()).filter(Boolean) : [])),
  expiresAt: z.coerce.date({ error: "Not a date" }).optional(),
});
