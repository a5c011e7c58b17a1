import { keyForVersion, masterKey } from "./master-key";
import { open, seal, type Sealed } from "./secret-box";

/** Decrypted credential material; which fields are set depends on the provider type. */
export interface CredentialSecret {
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

// A credential's ciphertext is bound to its provider and row id, so it cannot be moved to another row.
const context = (providerId: string, credentialId: string) => `credential:${providerId}:${credentialId}`;

export function sealCredential(providerId: string, credentialId: string, secret: CredentialSecret): Sealed {
  return seal(JSON.stringify(secret), context(providerId, credentialId), masterKey());
}

/** Opens a credential with whichever key of the ring sealed it (the current one, or a previous one mid-rotation). */
export function openCredential(row: Sealed & { id: string; providerId: string }): CredentialSecret {
  return JSON.parse(open(row, context(row.providerId, row.id), keyForVersion(row.keyVersion) ?? masterKey())) as CredentialSecret;
}

/** Whether a credential is sealed under the current master key. */
export const sealedWithCurrentKey = (row: Sealed) => row.keyVersion === masterKey().version;
