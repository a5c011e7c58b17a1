"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { addCredential, addProvider, testProvider, updateProvider } from "@/lib/admin/providers";
import { adminAction, translatedAdminAction, type Translator } from "@/lib/ui/admin-action";

// Answers and field errors in the reader's language (messages/*/adminCatalog.json); errors thrown by
// lib/admin stay English, as the admin API and the CLI show them.

type T = Translator<"adminCatalog.providers">;

const secret = { apiKey: z.string().optional(), accessKeyId: z.string().optional(), secretAccessKey: z.string().optional() };
const timeout = (t: T) => z.coerce.number({ error: t("validation.timeoutNumber") }).int().positive(t("validation.timeoutPositive")).optional();

export const addProviderAction = translatedAdminAction("adminCatalog.providers",
  async (t) =>
    z.object({
      type: z.string({ error: t("validation.pickType") }).min(1, t("validation.pickType")),
      name: z.string({ error: t("validation.giveName") }).regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, t("validation.nameFormat")),
      baseUrl: z.url(t("validation.notUrl")).optional(),
      region: z.string().optional(),
      timeoutMs: timeout(t),
      ...secret,
    }),
  async (input, user, t) => {
    const { provider, credentialHint } = await addProvider(input, user.email);
    return credentialHint ? t("toast.addedWithKey", { name: provider.name, hint: credentialHint }) : t("toast.added", { name: provider.name });
  },
);

export const updateProviderAction = translatedAdminAction("adminCatalog.providers",
  async (t) => z.object({ name: z.string().min(1), baseUrl: z.url(t("validation.notUrl")).optional(), region: z.string().optional(), timeoutMs: timeout(t) }),
  async ({ name, baseUrl, region, timeoutMs }, user, t) => {
    await updateProvider(name, { baseUrl: baseUrl ?? null, region: region ?? null, timeoutMs: timeoutMs ?? null }, user.email);
    return t("toast.saved", { name });
  },
);

export const addCredentialAction = translatedAdminAction("adminCatalog.providers",
  async (t) => z.object({ provider: z.string().min(1), name: z.string({ error: t("validation.giveName") }).min(1), weight: z.coerce.number().int().min(0).max(1000).optional(), ...secret }),
  async (input, user, t) => {
    const credential = await addCredential(input, user.email);
    return t("toast.keyAdded", { hint: credential.hint });
  },
);

export const testProviderAction = adminAction(z.object({ name: z.string().min(1) }), async ({ name }) => {
  const [{ checks }, t] = await Promise.all([testProvider(name), getTranslations("adminCatalog.providers.toast")]);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) return { error: t("testResult", { name, checks: failed.map((c) => t("checkFailed", { credential: c.credential, error: c.error ?? "" })).join("; ") }) };
  return t("testResult", { name, checks: checks.map((c) => t("checkOk", { credential: c.credential, ms: c.latencyMs })).join(", ") });
});
