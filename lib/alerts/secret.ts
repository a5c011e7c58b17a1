import { keyForVersion, masterKey } from "../crypto/master-key";
import { db } from "../db/client";
import { open, seal } from "../crypto/secret-box";

// A webhook channel's signing secret, sealed under the master key and bound to its channel's id (a
// ciphertext copied onto another channel does not open).

export interface SealedSecret {
  secretCiphertext: string | null;
  secretIv: string | null;
  secretAuthTag: string | null;
  secretKeyVersion: string | null;
}

const context = (channelId: string) => `alert-channel:${channelId}`;

export function sealSecret(channelId: string, secret: string): SealedSecret {
  const sealed = seal(secret, context(channelId), masterKey());
  return { secretCiphertext: sealed.ciphertext, secretIv: sealed.iv, secretAuthTag: sealed.authTag, secretKeyVersion: sealed.keyVersion };
}

/** The secret, opened with whichever key of the ring sealed it; null for a channel that has none (e-mail). */
export function openSecret(channel: SealedSecret & { id: string }): string | null {
  const { secretCiphertext, secretIv, secretAuthTag, secretKeyVersion } = channel;
  if (!secretCiphertext || !secretIv || !secretAuthTag || !secretKeyVersion) return null;
  return open({ ciphertext: secretCiphertext, iv: secretIv, authTag: secretAuthTag, keyVersion: secretKeyVersion }, context(channel.id), keyForVersion(secretKeyVersion) ?? masterKey());
}

/**
 * Re-seals every webhook signing secret not sealed under the current master key (`hub crypto
 * rotate`), opening each with the key of the ring that sealed it; one sealed with a key no longer in
 * the ring is left as is (its channel needs a new secret). Running it twice changes nothing.
 */
export async function resealWebhookSecrets(): Promise<number> {
  const current = masterKey();
  let resealed = 0;
  const rows = await db().alertChannel.findMany({ where: { secretKeyVersion: { not: null } } });
  for (const row of rows) {
    if (row.secretKeyVersion === current.version || !keyForVersion(row.secretKeyVersion!)) continue;
    const secret = openSecret(row);
    if (secret === null) continue;
    // only if nobody re-sealed it meanwhile
    resealed += (await db().alertChannel.updateMany({ where: { id: row.id, secretKeyVersion: row.secretKeyVersion }, data: sealSecret(row.id, secret) })).count;
  }
  return resealed;
}
