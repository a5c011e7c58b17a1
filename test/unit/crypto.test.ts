import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "@/lib/crypto/password";
import { generateApiKey, hashApiKey, maskSecret } from "@/lib/crypto/api-key";
import { fingerprint, parseMasterKey } from "@/lib/crypto/master-key";
import { open, seal } from "@/lib/crypto/secret-box";
import { ConfigError } from "@/lib/env";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const master = parseMasterKey(randomBytes(32).toString("base64"), "test key");

describe("secret box (AES-256-GCM)", () => {
  it("round-trips a secret and never stores the plaintext", () => {
    const sealed = seal('{"apiKey":"sk-live-123456"}', "credential:p:c", master);
    expect(open(sealed, "credential:p:c", master)).toBe('{"apiKey":"sk-live-123456"}');
    expect(Buffer.from(sealed.ciphertext, "base64").toString("utf8")).not.toContain("sk-live");
    expect(sealed.keyVersion).toBe(master.version);
    expect(Buffer.from(sealed.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(sealed.authTag, "base64")).toHaveLength(16);
  });

  it("uses a fresh IV every time", () => {
    const a = seal("same", "ctx", master);
    const b = seal("same", "ctx", master);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("refuses a tampered ciphertext, a tampered tag, and another row's context", () => {
    const sealed = seal("secret", "credential:p:c1", master);
    const flipped = Buffer.from(sealed.ciphertext, "base64");
    flipped[0]! ^= 1;
    expect(() => open({ ...sealed, ciphertext: flipped.toString("base64") }, "credential:p:c1", master)).toThrow(/failed authentication/);
    expect(() => open({ ...sealed, authTag: Buffer.alloc(16).toString("base64") }, "credential:p:c1", master)).toThrow(/failed authentication/);
    expect(() => open(sealed, "credential:p:c2", master)).toThrow(/failed authentication/);
  });

  it("names the key a value was sealed with when another key is configured", () => {
    const other = parseMasterKey(randomBytes(32).toString("base64"), "other");
    const sealed = seal("secret", "ctx", other);
    expect(() => open(sealed, "ctx", master)).toThrow(`sealed with master key ${other.version}, but the configured key is ${master.version}`);
  });
});

describe("master key parsing", () => {
  it("accepts 32 bytes of base64 and fingerprints them", () => {
    const key = randomBytes(32);
    const parsed = parseMasterKey(`${key.toString("base64")}\n`, "HUB_ENCRYPTION_KEY");
    expect(parsed.key.equals(key)).toBe(true);
    expect(parsed.version).toBe(fingerprint(key));
    expect(parsed.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each(["", "short", randomBytes(16).toString("base64"), randomBytes(33).toString("base64"), "!!!not base64!!!"])("refuses %j", (value) => {
    expect(() => parseMasterKey(value, "HUB_ENCRYPTION_KEY")).toThrow(ConfigError);
    expect(() => parseMasterKey(value, "HUB_ENCRYPTION_KEY")).toThrow(/^HUB_ENCRYPTION_KEY must be 32 random bytes in base64/);
  });
});

describe("hub API keys", () => {
  it("look like sk-hub-<43 base62 characters> and are stored as a SHA-256 hash and a prefix", () => {
    const { secret, hash, prefix } = generateApiKey();
    expect(secret).toMatch(/^sk-hub-[0-9A-Za-z]{43}$/);
    expect(hash).toBe(hashApiKey(secret));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(prefix).toBe(secret.slice(0, 13));
  });

  it("carry at least 32 random bytes", () => {
    const secrets = Array.from({ length: 2000 }, () => generateApiKey().secret);
    expect(new Set(secrets).size).toBe(2000);
    // decode each body back to the number it encodes: every one of the 256 bits must vary across keys
    // (set in 40–60 % of them), which fails for a generator with fewer random bytes or a biased encoding
    const values = secrets.map((secret) => [...secret.slice("sk-hub-".length)].reduce((n, c) => n * 62n + BigInt(BASE62.indexOf(c)), 0n));
    const setShare = Array.from({ length: 256 }, (_, bit) => values.filter((v) => (v >> BigInt(bit)) & 1n).length / values.length);
    expect(Math.min(...setShare)).toBeGreaterThan(0.4);
    expect(Math.max(...setShare)).toBeLessThan(0.6);
  });

  it("mask upstream secrets for display", () => {
    expect(maskSecret("sk-proj-abcdefghijklmnop")).toBe("sk-…mnop");
    expect(maskSecret("short")).toBe("…");
  });
});

describe("passwords", () => {
  it("hash with scrypt and a salt, and verify", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toBe(await hashPassword("correct horse battery"));
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("wrong horse battery", hash)).toBe(false);
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });

  it("generate 24-character passwords", () => {
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
