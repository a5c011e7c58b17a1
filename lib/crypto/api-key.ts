import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "sk-hub-";
/** admin API tokens: a different prefix, so neither kind is ever mistaken for the other */
export const ADMIN_TOKEN_PREFIX = "sk-admin-";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_BYTES = 32;
// 62^43 > 2^256, so 43 base62 digits hold any 32-byte value
const BODY_LENGTH = 43;
const DISPLAY_CHARS = 6;

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

function generateSecret(kind: string): NewApiKey {
  const secret = kind + base62(randomBytes(RANDOM_BYTES));
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, kind.length + DISPLAY_CHARS) };
}

export const generateApiKey = (): NewApiKey => generateSecret(API_KEY_PREFIX);
export const generateAdminToken = (): NewApiKey => generateSecret(ADMIN_TOKEN_PREFIX);

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A masked hint of an upstream secret for display: its first 3 and last 4 characters at most. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "…";
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}
