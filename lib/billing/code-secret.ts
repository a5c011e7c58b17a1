import { createHash, randomBytes } from "node:crypto";

// Redemption codes are bearer secrets, like gift cards: the hub stores only a hash of each and shows
// the code once, when it is minted. They are read aloud and typed from paper, so the alphabet leaves
// out 0/O and 1/I, and what a customer types is normalised (case, spaces, dashes) before hashing.

/** 32 symbols: a random byte's low 5 bits pick one without bias. */
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const PREFIX = "HUB";
const GROUPS = 3;
const GROUP_LENGTH = 4;
/** 12 symbols × 5 bits = 60 bits: out of reach of guessing at the redemption throttle's pace */
const BODY_LENGTH = GROUPS * GROUP_LENGTH;

/** A new code, `HUB-XXXX-XXXX-XXXX`. */
export function generateCode(): string {
  const body = [...randomBytes(BODY_LENGTH)].map((byte) => ALPHABET[byte & 31]).join("");
  const groups = Array.from({ length: GROUPS }, (_, i) => body.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH));
  return [PREFIX, ...groups].join("-");
}

/** What identifies a code whatever way it was typed: upper case, no separators, without the HUB prefix. */
export function normaliseCode(typed: string): string {
  const compact = typed.toUpperCase().replace(/[\s\-_]/g, "");
  return compact.length === PREFIX.length + BODY_LENGTH && compact.startsWith(PREFIX) ? compact.slice(PREFIX.length) : compact;
}

/** The stored form of a code: sha256 hex of its normalised text. */
export const hashCode = (code: string) => createHash("sha256").update(normaliseCode(code), "utf8").digest("hex");

/** Its first group, for lists ("HUB-7KQ2"): enough to tell codes apart, far too little to redeem one. */
export const codePrefix = (code: string) => `${PREFIX}-${normaliseCode(code).slice(0, GROUP_LENGTH)}`;
