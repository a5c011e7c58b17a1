import { z } from "zod";
import { createApiKey, revokeApiKey, rotateApiKey } from "../../admin/keys";
import { setResponseCache } from "../../admin/response-cache";
import { db } from "../../db/client";
import { formatUsd } from "../../money";
import { dateTime, idParams, listOf, page, pageArgs, pageQuery, route } from "../define";
import { notFound } from "./users";

export const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  userId: z.string(),
  teamId: z.string().nullable(),
  models: z.array(z.string()),
  expiresAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
  lastUsedAt: dateTime.nullable(),
  monthlyBudgetUsd: z.string().nullable(),
  rpm: z.number().int().nullable(),
  tpm: z.number().int().nullable(),
  /** the key's calls opt into the response cache */
  responseCache: z.boolean(),
  createdAt: dateTime,
});

type KeyRow = { id: string; name: string; prefix: string; userId: string; teamId: string | null; allowedModels: string; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null; monthlyBudgetNanoUsd: bigint | null; rpm: number | null; tpm: number | null; responseCache: boolean; createdAt: Date };
const keyView = (k: KeyRow): z.infer<typeof keySchema> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  userId: k.userId,
  teamId: k.teamId,
  models: JSON.parse(k.allowedModels) as string[],
  expiresAt: k.expiresAt,
  revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt,
  monthlyBudgetUsd: k.monthlyBudgetNanoUsd === null ? null : formatUsd(k.monthlyBudgetNanoUsd),
  rpm: k.rpm,
  tpm: k.tpm,
  responseCache: k.responseCache,
  createdAt: k.createdAt,
});

/** A new key: the only answer that ever holds its secret. */
const newKeySchema = z.object({ secret: z.string(), key: keySchema });

async function keyById(id: string) {
  const key = await db().apiKey.findUnique({ where: { id } });
  if (!key) throw notFound("API key");
  return key;
}

export const keyRoutes = [
  route({
    method: "get",
    path: "/keys",
    scope: "read",
    tag: "API keys",
    summary: "List API keys, newest first (never their secrets)",
    query: pageQuery.extend({ userId: z.string().max(128).optional(), teamId: z.string().max(128).optional(), revoked: z.enum(["true", "false"]).optional() }),
    response: listOf(keySchema),
    handler: async ({ query }) => {
      const rows = await db().apiKey.findMany({
        where: { ...(query.userId ? { userId: query.userId } : {}), ...(query.teamId ? { teamId: query.teamId } : {}), ...(query.revoked ? { revokedAt: query.revoked === "true" ? { not: null } : null } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        ...pageArgs(query),
      });
      return page(rows, query.limit, keyView);
    },
  }),
  route({
    method: "post",
    path: "/keys",
    scope: "users_keys",
    tag: "API keys",
    summary: "Create an API key for a user; the answer holds the secret, once",
    body: z.object({
      userEmail: z.string().max(320),
      name: z.string().trim().min(1).max(100).optional(),
      models: z.array(z.string().max(128)).max(200).optional(),
      expiresAt: z.coerce.date().optional(),
      responseCache: z.boolean().optional(),
    }),
    response: newKeySchema,
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => {
      const { secret, key } = await createApiKey(body, caller.actor);
      return { secret, key: keyView(key) };
    },
  }),
  route({ method: "get", path: "/keys/{id}", scope: "read", tag: "API keys", summary: "One API key", params: idParams, response: keySchema, handler: async ({ params }) => keyView(await keyById(params.id)) }),
  route({
    method: "patch",
    path: "/keys/{id}",
    scope: "users_keys",
    tag: "API keys",
    summary: "Opt a key's calls into the response cache, or out of it",
    params: idParams,
    body: z.object({ responseCache: z.boolean() }),
    response: keySchema,
    handler: async ({ params, body, caller }) => {
      await setResponseCache({ keyId: (await keyById(params.id)).id }, body.responseCache, caller.actor);
      return keyView(await keyById(params.id));
    },
  }),
  route({
    method: "post",
    path: "/keys/{id}/revoke",
    scope: "users_keys",
    tag: "API keys",
    summary: "Revoke an API key (revoking it again changes nothing)",
    params: idParams,
    response: keySchema,
    handler: async ({ params, caller }) => keyView(await revokeApiKey((await keyById(params.id)).id, caller.actor)),
  }),
  route({
    method: "post",
    path: "/keys/{id}/rotate",
    scope: "users_keys",
    tag: "API keys",
    summary: "Replace an API key with a new secret (same owner, models, limits); the old one is revoked",
    params: idParams,
    response: newKeySchema,
    status: 201,
    idempotent: true,
    handler: async ({ params, caller }) => {
      const { secret, key } = await rotateApiKey(params.id, caller.actor);
      return { secret, key: keyView(key) };
    },
  }),
];
