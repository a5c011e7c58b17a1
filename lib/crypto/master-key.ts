import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, dataDir, databaseKind, env } from "../env";
import { processSingleton } from "../singleton";

export interface MasterKey {
  key: Buffer;
  /** Short fingerprint stored beside each sealed secret, so a later rotation knows which key sealed it. */
  version: string;
}

const KEY_FILE = "encryption.key";

export function fingerprint(key: Buffer): string {
  return createHash("sha256").update("aigne-hub master key").update(key).digest("hex").slice(0, 12);
}

export function parseMasterKey(value: string, source: string): MasterKey {
  const trimmed = value.trim();
  const key = /^[A-Za-z0-9+/=_-]+$/.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new ConfigError(`${source} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`);
  }
  return { key, version: fingerprint(key) };
}

function loadOrCreateKeyFile(onGenerated: (file: string) => void): MasterKey {
  const file = path.join(dataDir(), KEY_FILE);
  if (existsSync(file)) return parseMasterKey(readFileSync(file, "utf8"), file);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  onGenerated(file);
  return parseMasterKey(readFileSync(file, "utf8"), file);
}

/**
 * The key that seals provider credentials: HUB_ENCRYPTION_KEY, or in the embedded (SQLite) default
 * a key generated once into the data folder. Postgres deployments run several processes, possibly
 * on several machines, so there the key must come from the environment.
 */
export function masterKey(): MasterKey {
  return processSingleton("master-key", () => {
    const configured = env().HUB_ENCRYPTION_KEY;
    if (configured) return parseMasterKey(configured, "HUB_ENCRYPTION_KEY");
    if (databaseKind() !== "sqlite") {
      throw new ConfigError("HUB_ENCRYPTION_KEY is required when DATABASE_URL is Postgres (32 bytes, base64)");
    }
    return loadOrCreateKeyFile((file) =>
      console.warn(`warning: HUB_ENCRYPTION_KEY is not set; generated a master key into ${file}. Back it up: credentials cannot be decrypted without it.`),
    );
  });
}

/**
 * Every key that may open a sealed value: the current one, then HUB_ENCRYPTION_KEY_PREVIOUS (during a
 * rotation, until every credential is re-sealed under the current key).
 */
export function keyRing(): MasterKey[] {
  return processSingleton("master-key-ring", () => {
    const previous = (env().HUB_ENCRYPTION_KEY_PREVIOUS ?? "")
      .split(",")
      .map((k) => k.trim())
      .filter(Boolean)
      .map((k, i) => parseMasterKey(k, `HUB_ENCRYPTION_KEY_PREVIOUS (key ${i + 1})`));
    return [masterKey(), ...previous];
  });
}

/** The key a value was sealed with, by the version stored beside it. */
export const keyForVersion = (version: string): MasterKey | undefined => keyRing().find((k) => k.version === version);
