import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { MasterKey } from "./master-key";

/** An AES-256-GCM sealed value as stored in the database (all base64). */
export interface Sealed {
  ciphertext: string;
  iv: string;
  authTag: string;
  keyVersion: string;
}

const IV_BYTES = 12;

/**
 * Seals `plaintext` under the master key. `context` is bound as additional authenticated data (the
 * row it belongs to), so a ciphertext copied into another row fails to open.
 */
export function seal(plaintext: string, context: string, master: MasterKey): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", master.key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    ciphertext: ciphertext.toString("base64"),
    iv: iv.toString("base64"),
    authTag: cipher.getAuthTag().toString("base64"),
    keyVersion: master.version,
  };
}

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

export function open(sealed: Sealed, context: string, master: MasterKey): string {
  if (sealed.keyVersion !== master.version) {
    throw new SecretBoxError(`sealed with master key ${sealed.keyVersion}, but the configured key is ${master.version}`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", master.key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(sealed.authTag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError("secret failed authentication (wrong key, or the stored value was altered)");
  }
}
