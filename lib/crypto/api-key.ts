import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "sk-hub-";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_BYTES = 32;
// 62^43 > 2^256, so 43 base62 digits hold any 32-byte value
const BODY_LENGTH = 43;
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;

function base62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  while (value > 0n) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(BODY_LENGTH, "0");
}

export interface NewApiKey {
  /** shown to the user once, never stored */
  secret: string;
  hash: string;
  prefix: string;
}

export function generateApiKey(): NewApiKey {
  const secret = API_KEY_PREFIX + base62(randomBytes(RANDOM_BYTES));
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, DISPLAY_LENGTH) };
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A masked hint of an upstream secret for display: its first 3 and last 4 characters at most. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "…";
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}
