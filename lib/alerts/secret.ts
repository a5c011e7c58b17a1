import { keyForVersion, masterKey } from "../crypto/master-key";
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
