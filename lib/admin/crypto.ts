import { bumpConfigVersion } from "../db/change-feed";
import { openCredential, sealCredential, sealedWithCurrentKey } from "../crypto/credentials";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError } from "./errors";

/**
 * Re-seals every provider credential under the current master key (HUB_ENCRYPTION_KEY), opening each
 * with the key that sealed it (HUB_ENCRYPTION_KEY_PREVIOUS). Each row is re-sealed in its own
 * transaction and checked by opening it again; running it twice changes nothing.
 */
export async function rotateCredentials(actor: Actor) {
  const rows = await db().credential.findMany({ orderBy: { createdAt: "asc" } });
  let rotated = 0;
  const unreadable: string[] = [];
  for (const row of rows) {
    if (sealedWithCurrentKey(row)) continue;
    let secret;
    try {
      secret = openCredential(row);
    } catch {
      unreadable.push(`${row.name} (${row.id}, sealed with key ${row.keyVersion})`);
      continue;
    }
    const sealed = sealCredential(row.providerId, row.id, secret);
    if (JSON.stringify(openCredential({ ...row, ...sealed })) !== JSON.stringify(secret)) throw new AdminError(`re-sealing credential ${row.id} did not round-trip; nothing was written for it`);
    // only if nobody rotated it meanwhile (then it is theirs to count)
    const written = await transaction(async (tx) => {
      const { count } = await tx.credential.updateMany({ where: { id: row.id, keyVersion: row.keyVersion }, data: sealed });
      if (count) await audit(tx, actor, "credential.rotate", row.id, { from: row.keyVersion, to: sealed.keyVersion });
      return count > 0;
    });
    if (written) rotated++;
  }
  if (rotated) await transaction((tx) => bumpConfigVersion(tx));
  if (unreadable.length) {
    throw new AdminError(`re-sealed ${rotated}, but ${unreadable.length} credential(s) were sealed with a key not in HUB_ENCRYPTION_KEY_PREVIOUS: ${unreadable.join(", ")}`);
  }
  return { rotated, total: rows.length };
}
