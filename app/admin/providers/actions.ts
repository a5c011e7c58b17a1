"use server";

import { z } from "zod";
import { addCredential, addProvider, testProvider, updateProvider } from "@/lib/admin/providers";
import { adminAction } from "@/lib/ui/admin-action";

const secret = { apiKey: z.string().optional(), accessKeyId: z.string().optional(), secretAccessKey: z.string().optional() };
const timeout = z.coerce.number({ error: "Timeout must be a number" }).int().positive("Timeout must be positive").optional();

export const addProviderAction = adminAction(
  z.object({
    type: z.string({ error: "Pick a provider type" }).min(1, "Pick a provider type"),
    name: z.string({ error: "Give it a name" }).regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "Lowercase letters, digits, '.', '_' or '-'"),
    baseUrl: z.url("Not a URL").optional(),
    region: z.string().optional(),
    timeoutMs: timeout,
    ...secret,
  }),
  async (input, user) => {
    const { provider, credentialHint } = await addProvider(input, user.email);
    return `Added ${provider.name}${credentialHint ? ` with key ${credentialHint}` : ""}`;
  },
);

export const updateProviderAction = adminAction(
  z.object({ name: z.string().min(1), baseUrl: z.url("Not a URL").optional(), region: z.string().optional(), timeoutMs: timeout }),
  async ({ name, baseUrl, region, timeoutMs }, user) => {
    await updateProvider(name, { baseUrl: baseUrl ?? null, region: region ?? null, timeoutMs: timeoutMs ?? null }, user.email);
    return `Saved ${name}`;
  },
);

export const addCredentialAction = adminAction(
  z.object({ provider: z.string().min(1), name: z.string({ error: "Give it a name" }).min(1), weight: z.coerce.number().int().min(0).max(1000).optional(), ...secret }),
  async (input, user) => {
    const credential = await addCredential(input, user.email);
    return `Added key ${credential.hint}`;
  },
);

export const testProviderAction = adminAction(z.object({ name: z.string().min(1) }), async ({ name }) => {
  const { checks } = await testProvider(name);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) return { error: `${name}: ${failed.map((c) => `${c.credential} failed: ${c.error}`).join("; ")}` };
  return `${name}: ${checks.map((c) => `${c.credential} ok in ${c.latencyMs} ms`).join(", ")}`;
});
