import { bumpConfigVersion } from "../db/change-feed";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

// Which calls opt into the response cache without asking for it: those of a key, or those to a model
// (lib/gateway/response-cache). The hub-wide switches are settings (lib/admin/settings.ts).

export type CacheTarget = { keyId: string } | { modelName: string };

/** Turns the response cache on or off for a key (by id or display prefix) or a model (by name). */
export async function setResponseCache(target: CacheTarget, on: boolean, actor: Actor) {
  return transaction(async (tx) => {
    if ("keyId" in target) {
      const matches = await tx.apiKey.findMany({ where: { OR: [{ id: target.keyId }, { prefix: target.keyId }] }, take: 2 });
      if (matches.length === 0) throw new AdminError(`no API key with id or prefix ${target.keyId}`, "not_found");
      if (matches.length > 1) throw new AdminError(`prefix ${target.keyId} matches several keys; use the key id`, "conflict");
      const key = matches[0]!;
      await tx.apiKey.update({ where: { id: key.id }, data: { responseCache: on } });
      await audit(tx, actor, "cache.set", key.id, { target: `key ${key.prefix}`, responseCache: on }, { before: { responseCache: key.responseCache }, after: { responseCache: on } });
      await bumpConfigVersion(tx);
      return { target: `key ${key.prefix}`, name: key.name, responseCache: on };
    }
    const model = await tx.model.findUnique({ where: { name: target.modelName } });
    if (!model) throw new AdminError(`no model named ${target.modelName}`, "not_found");
    await tx.model.update({ where: { id: model.id }, data: { responseCache: on } });
    await audit(tx, actor, "cache.set", model.id, { target: `model ${model.name}`, responseCache: on }, { before: { responseCache: model.responseCache }, after: { responseCache: on } });
    await bumpConfigVersion(tx);
    return { target: `model ${model.name}`, name: model.name, responseCache: on };
  });
}
