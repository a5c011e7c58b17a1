import { z } from "zod";
import { exportConfig, importConfig } from "../../admin/config-io";
import { currentSettings, SETTING_NAMES, setSetting } from "../../admin/settings";
import { ADMIN_SCOPES, createAdminToken, createAdminTokenSchema, listAdminTokens, revokeAdminToken } from "../../admin/tokens";
import { db } from "../../db/client";
import { storedSettingsSchema } from "../../settings";
import { dateTime, idParams, route } from "../define";
import { notFound } from "./users";

// The hub itself: settings, configuration as code, and the admin tokens that drive this API.

const adminTokenSchema = z.object({
  id: z.string(),
  prefix: z.string(),
  name: z.string(),
  scope: z.enum(ADMIN_SCOPES),
  allowedIps: z.array(z.string()),
  expiresAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
  lastUsedAt: dateTime.nullable(),
  createdBy: z.string(),
  createdAt: dateTime,
});

const importReportSchema = z.object({ created: z.array(z.string()), updated: z.array(z.string()), skipped: z.array(z.string()), dryRun: z.boolean() });

export const hubRoutes = [
  route({ method: "get", path: "/settings", scope: "read", tag: "Settings", summary: "The hub's settings", response: storedSettingsSchema, handler: async () => currentSettings() }),
  route({
    method: "patch",
    path: "/settings",
    scope: "full",
    tag: "Settings",
    summary: `Change settings by their CLI names (${SETTING_NAMES.join(", ")}), each given as a string`,
    body: z.partialRecord(z.enum(SETTING_NAMES as [string, ...string[]]), z.string().max(2048)).refine((b) => Object.keys(b).length > 0, "give at least one setting"),
    response: storedSettingsSchema,
    handler: async ({ body, caller }) => {
      let settings = await currentSettings();
      for (const [name, value] of Object.entries(body)) if (value !== undefined) settings = await setSetting(name, value, caller.actor);
      return settings;
    },
  }),
  route({
    method: "get",
    path: "/config",
    scope: "full",
    tag: "Configuration",
    summary: "The hub's configuration as a document (providers, models, prices, packages, settings; never secrets)",
    response: z.looseObject({ aigneHubConfig: z.number().int(), exportedAt: z.string() }),
    handler: async () => exportConfig({ includeSecrets: false }),
  }),
  route({
    method: "post",
    path: "/config/import",
    scope: "full",
    tag: "Configuration",
    summary: "Bring the hub to what a configuration document says, all or nothing (dryRun=true only reports)",
    query: z.object({ dryRun: z.enum(["true", "false"]).default("false") }),
    body: z.looseObject({ aigneHubConfig: z.number().int() }),
    response: importReportSchema,
    handler: async ({ query, body, caller }) => importConfig(body, { dryRun: query.dryRun === "true" }, caller.actor),
  }),
  route({ method: "get", path: "/admin-tokens", scope: "full", tag: "Admin tokens", summary: "Admin tokens, newest first (never their secrets)", response: z.object({ data: z.array(adminTokenSchema) }), handler: async () => ({ data: await listAdminTokens() }) }),
  route({
    method: "post",
    path: "/admin-tokens",
    scope: "full",
    tag: "Admin tokens",
    summary: "Create an admin token; the answer holds the secret, once",
    body: createAdminTokenSchema,
    response: z.object({ secret: z.string(), token: adminTokenSchema }),
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => createAdminToken(body, caller.actor),
  }),
  route({
    method: "post",
    path: "/admin-tokens/{id}/revoke",
    scope: "full",
    tag: "Admin tokens",
    summary: "Revoke an admin token",
    params: idParams,
    response: adminTokenSchema,
    handler: async ({ params, caller }) => {
      // by id only (the CLI also takes a prefix)
      if (!(await db().adminToken.findUnique({ where: { id: params.id }, select: { id: true } }))) throw notFound("admin token");
      return revokeAdminToken(params.id, caller.actor);
    },
  }),
];
