import { bumpConfigVersion } from "../db/change-feed";
import { generateApiKey } from "../crypto/api-key";
import { db } from "../db/client";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";
import { findUserByEmail } from "./users";
import { transaction } from "../db/transaction";

const PATTERN = /^[A-Za-z0-9*][A-Za-z0-9._:/@*-]{0,127}$/;

export interface CreateKeyInput {
  userEmail: string;
  name?: string;
  /** model names or globs ("openai/*"); empty = every model */
  models?: string[];
  expiresAt?: Date;
  /** the key's calls opt into the response cache */
  responseCache?: boolean;
}

/** Model names or globs ("openai/*"), trimmed, blanks dropped; anything else is refused. */
export function checkModelPatterns(patterns: readonly string[]): string[] {
  const models = patterns.map((m) => m.trim()).filter(Boolean);
  const bad = models.find((m) => !PATTERN.test(m));
  if (bad) throw new AdminError(`not a model name or pattern: "${bad}"`);
  return models;
}

/** Creates a hub API key. The secret is returned once and only its hash is stored. */
export async function createApiKey(input: CreateKeyInput, actor: Actor) {
  const models = checkModelPatterns(input.models ?? []);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new AdminError("expiry must be in the future");
  const user = await findUserByEmail(input.userEmail);
  if (user.disabledAt) throw new AdminError(`user ${user.email} is disabled`);
  const { secret, hash, prefix } = generateApiKey();
  const key = await transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        hash,
        prefix,
        name: input.name ?? "default",
        userId: user.id,
        teamId: user.teamId,
        allowedModels: JSON.stringify(models),
        expiresAt: input.expiresAt ?? null,
        responseCache: input.responseCache ?? false,
      },
    });
    await audit(tx, actor, "key.create", created.id, { user: user.email, prefix, models, responseCache: created.responseCache });
    await bumpConfigVersion(tx);
    return created;
  });
  return { secret, key };
}

/** Revokes a key given its id or its display prefix. */
export async function revokeApiKey(idOrPrefix: string, actor: Actor) {
  return transaction(async (tx) => {
    const matches = await tx.apiKey.findMany({ where: { OR: [{ id: idOrPrefix }, { prefix: idOrPrefix }] }, take: 2 });
    if (matches.length === 0) throw new AdminError(`no API key with id or prefix ${idOrPrefix}`, "not_found");
    if (matches.length > 1) throw new AdminError(`prefix ${idOrPrefix} matches several keys; use the key id`, "conflict");
    const key = matches[0]!;
    if (key.revokedAt) return key;
    const revoked = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await audit(tx, actor, "key.revoke", key.id, { prefix: key.prefix });
    await bumpConfigVersion(tx);
    return revoked;
  });
}

export async function listApiKeys(userEmail?: string) {
  const userId = userEmail ? (await findUserByEmail(userEmail)).id : undefined;
  return db().apiKey.findMany({ where: { userId }, include: { user: { select: { email: true } } }, orderBy: { createdAt: "asc" } });
}

/**
 * Replaces a key with a new secret: the new key keeps the old one's owner, name, models, expiry,
 * budget and limits, and the old one is revoked in the same transaction.
 */
export async function rotateApiKey(id: string, actor: Actor) {
  const { secret, hash, prefix } = generateApiKey();
  return transaction(async (tx) => {
    const old = await tx.apiKey.findUnique({ where: { id } });
    if (!old) throw new AdminError(`no API key with id ${id}`, "not_found");
    if (old.revokedAt) throw new AdminError(`API key ${old.prefix} is revoked; create a new key instead`, "conflict");
    const { id: _id, hash: _hash, prefix: _prefix, revokedAt: _revoked, lastUsedAt: _used, createdAt: _created, ...kept } = old;
    const key = await tx.apiKey.create({ data: { ...kept, hash, prefix } });
    await tx.apiKey.update({ where: { id: old.id }, data: { revokedAt: new Date() } });
    await audit(tx, actor, "key.rotate", old.id, { from: old.prefix, to: prefix, newKey: key.id });
    await bumpConfigVersion(tx);
    return { secret, key };
  });
}
