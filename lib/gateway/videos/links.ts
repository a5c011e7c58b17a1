import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { masterKey } from "../../crypto/master-key";

// Links to a finished video that work without the API key, for clients that hand a URL on (the AIGNE
// framework's `outputFileType: "url"`): the job id and an expiry, signed with a key derived from the
// hub's master key. A link names one video, lasts at most as long as the file, and cannot be widened
// (the signature covers both). Rotating the master key retires every link.

const LINK_TTL_MS = 3_600_000;

function signingKey(): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey().key, Buffer.alloc(0), "aigne-hub video links", 32));
}

const signature = (id: string, expires: number) => createHmac("sha256", signingKey()).update(`${id}\n${expires}`).digest("base64url");

/** A link to the video's file, valid for an hour or until the file expires, whichever is first. */
export function videoLink(origin: string, id: string, fileExpiresAt: Date | null, now = Date.now()): string {
  const expires = Math.floor(Math.min(now + LINK_TTL_MS, fileExpiresAt?.getTime() ?? Infinity) / 1000);
  return `${origin}/api/v2/video/files/${id}?expires=${expires}&signature=${signature(id, expires)}`;
}

/** Whether the link's signature is the hub's and it has not expired. */
export function linkValid(id: string, expires: number, given: string, now = Date.now()): boolean {
  if (!Number.isSafeInteger(expires) || expires * 1000 < now) return false;
  const expected = Buffer.from(signature(id, expires));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
