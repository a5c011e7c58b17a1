// What the fake video upstreams (openai-videos.ts, gemini-veo.ts) share: the file a finished job
// serves, and the prompt markers that make a job end badly. Each fake words the outcome its own way.
import { createHash } from "node:crypto";

/** In a prompt: the job fails upstream (OpenAI: status failed with an error; Veo: an operation error). */
export const VIDEO_FAIL_MARKER = "[fake-video-fail]";
/** In a prompt: the upstream's safety system blocks the video (OpenAI: moderation_blocked; Veo: RAI-filtered). */
export const VIDEO_BLOCK_MARKER = "[fake-video-blocked]";

/** How a job with a marker in its prompt ends; null for a job that succeeds. */
export function videoOutcome(prompt: string): "fail" | "block" | null {
  if (prompt.includes(VIDEO_FAIL_MARKER)) return "fail";
  if (prompt.includes(VIDEO_BLOCK_MARKER)) return "block";
  return null;
}

/** bytes of media per second of clip: files of a few tens of KB, streamed in several chunks */
export const VIDEO_BYTES_PER_SECOND = 8 * 1024;

/**
 * A small deterministic stand-in for an MP4: a real `ftyp` box (isom, compatible with mp42), then an
 * `mdat` box of `seconds` × VIDEO_BYTES_PER_SECOND bytes drawn from `seed`. Players will not play it;
 * file sniffers call it an MP4.
 */
export function fakeMp4(seed: string, seconds: number): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write("ftypisom", 4, "ascii");
  ftyp.writeUInt32BE(0x200, 12); // minor version
  ftyp.write("isommp42", 16, "ascii");
  const payload = Buffer.alloc(Math.max(1, Math.round(seconds)) * VIDEO_BYTES_PER_SECOND);
  const digest = createHash("sha256").update(seed).digest();
  for (let i = 0; i < payload.length; i++) payload[i] = digest[i % digest.length]! ^ ((i * 31) & 0xff);
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(8 + payload.length, 0);
  mdat.write("mdat", 4, "ascii");
  return Buffer.concat([ftyp, mdat, payload]);
}

/** An MP4's major brand, when the bytes start with an `ftyp` box (what a sniffer checks). */
export function mp4Brand(bytes: Uint8Array): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.length >= 12 && buffer.toString("ascii", 4, 8) === "ftyp" ? buffer.toString("ascii", 8, 12) : null;
}
