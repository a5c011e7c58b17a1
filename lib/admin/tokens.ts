import ipaddr from "ipaddr.js";
import { z } from "zod";
import { ADMIN_TOKEN_PREFIX, generateAdminToken, hashApiKey } from "../crypto/api-key";
import { db } from "../db/client";
import { inRange, parseRange, type Range } from "../net/ip-ranges";
import { transaction } from "../db/transaction";
import { audit, actorId, type Actor } from "./audit";
import { AdminError } from "./errors";

// Admin tokens (sk-admin-…): the admin API's credentials. Hashed like API keys, each with one scope,
// an optional expiry and an optional list of addresses it may be used from.

/**
 * read: every GET; users_keys: read, plus users, teams, memberships and API keys; billing: read, plus
 * credits, prices, budgets, rate limits and packages; full: everything, settings, providers, config
 * import and admin tokens included.
 */
export const ADMIN_SCOPES = ["read", "users_keys", "billing", "full"] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

/** Whether a token of scope `held` may use a route that needs `needed`. */
export const scopeAllows = (held: AdminScope, needed: AdminScope): boolean => held === "full" || needed === "read" || held === needed;

const MAX_NAME = 100;
const MAX_RANGES = 50;

export const createAdminTokenSchema = z.object({
  name: z.string().trim().min(1).max(MAX_NAME),
  scope: z.enum(ADMIN_SCOPES),
  expiresAt: z.coerce.date().optional(),
  /** addresses or CIDR ranges ("10.0.0.0/8", "2001:db8::1"); none = anywhere */
  allowedIps: z.array(z.string().trim().max(64)).max(MAX_RANGES).default([]),
});
export type CreateAdminTokenInput = z.input<typeof createAdminTokenSchema>;

function allowedRange(entry: string): Range {
  try {
    return parseRange(entry);
  } catch {
    throw new AdminError(`not an IP address or CIDR range: "${entry}"`);
  }
}

/** Whether `address` (as lib/auth/client-address.ts reports it) lies in one of the ranges; any address when there are none. */
export function addressAllowed(ranges: string[], address: string): boolean {
  if (ranges.length === 0) return true;
  if (!ipaddr.isValid(address)) return false;
  const client = ipaddr.process(address);
  return ranges.some((entry) => inRange(client, allowedRange(entry)));
}

/** What a list or the API shows of a token: never its hash. */
export const publicToken = (row: { id: string; prefix: string; name: string; scope: string; allowedIps: string; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null; createdBy: string; createdAt: Date }) => ({
  id: row.id,
  prefix: row.prefix,
  name: row.name,
  scope: row.scope as AdminScope,
  allowedIps: JSON.parse(row.allowedIps) as string[],
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
  lastUsedAt: row.lastUsedAt,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
});
export type PublicAdminToken = ReturnType<typeof publicToken>;

/** Creates an admin token; the secret is returned once and only its hash is stored. */
export async function createAdminToken(input: CreateAdminTokenInput, actor: Actor) {
  const parsed = createAdminTokenSchema.safeParse(input);
  if (!parsed.success) throw new AdminError(`admin token: ${parsed.error.issues[0]?.path.join(".") || "input"} ${parsed.error.issues[0]?.message ?? "is not valid"}`);
  const { name, scope, expiresAt, allowedIps } = parsed.data;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new AdminError("expiry must be in the future");
  allowedIps.forEach(allowedRange);
  const { secret, hash, prefix } = generateAdminToken();
  const row = await transaction(async (tx) => {
    const created = await tx.adminToken.create({ data: { hash, prefix, name, scope, allowedIps: JSON.stringify(allowedIps), expiresAt: expiresAt ?? null, createdBy: actorId(actor) } });
    await audit(tx, actor, "admin_token.create", created.id, { name, prefix, scope, allowedIps, expiresAt: expiresAt ?? null });
    return created;
  });
  return { secret, token: publicToken(row) };
}

export async function listAdminTokens() {
  return (await db().adminToken.findMany({ orderBy: { createdAt: "desc" } })).map(publicToken);
}

/** Revokes a token given its id or display prefix; revoking a revoked token changes nothing. */
export async function revokeAdminToken(idOrPrefix: string, actor: Actor) {
  return transaction(async (tx) => {
    const matches = await tx.adminToken.findMany({ where: { OR: [{ id: idOrPrefix }, { prefix: idOrPrefix }] }, take: 2 });
    if (matches.length === 0) throw new AdminError(`no admin token with id or prefix ${idOrPrefix}`, "not_found");
    if (matches.length > 1) throw new AdminError(`prefix ${idOrPrefix} matches several admin tokens; use the id`, "conflict");
    const token = matches[0]!;
    if (token.revokedAt) return publicToken(token);
    const revoked = await tx.adminToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await audit(tx, actor, "admin_token.revoke", token.id, { prefix: token.prefix }, { before: { revokedAt: null }, after: { revokedAt: revoked.revokedAt } });
    return publicToken(revoked);
  });
}

export type TokenCheck = { token: PublicAdminToken } | { refused: "unknown" | "revoked" | "expired" | "address" };

const LAST_USED_EVERY_MS = 60_000;

/** The token this secret is, if it may be used now from `address`. */
export async function checkAdminToken(secret: string, address: string, now = new Date()): Promise<TokenCheck> {
  if (!secret.startsWith(ADMIN_TOKEN_PREFIX)) return { refused: "unknown" };
  const row = await db().adminToken.findUnique({ where: { hash: hashApiKey(secret) } });
  if (!row) return { refused: "unknown" };
  if (row.revokedAt) return { refused: "revoked" };
  if (row.expiresAt && row.expiresAt <= now) return { refused: "expired" };
  if (!addressAllowed(JSON.parse(row.allowedIps) as string[], address)) return { refused: "address" };
  // when it was last used, to the minute: not a write per request
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    void db().adminToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  return { token: publicToken(row) };
}
