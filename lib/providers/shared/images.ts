import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { UpstreamError } from "../upstream-error";

// Providers that cannot fetch image URLs themselves (Bedrock, Gemini, Ollama) get the bytes inline.
// The hub fetches http(s) URLs with a size and time limit, and refuses private and loopback
// addresses unless HUB_IMAGE_FETCH_ALLOW_PRIVATE=true, so a caller cannot use it to reach the hub's
// own network.

export interface InlineImage {
  mediaType: string;
  base64: string;
}

const MAX_BYTES = 20 * 1024 * 1024;
const TIMEOUT_MS = 15_000;

const refuse = (message: string) => new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code: "invalid_image_url", message });

/** Media type from the first bytes, for sources that do not say (Ollama, some servers). */
export function sniffImageType(bytes: Uint8Array): string | null {
  const hex = Buffer.from(bytes.subarray(0, 12)).toString("hex");
  if (hex.startsWith("89504e47")) return "image/png";
  if (hex.startsWith("ffd8ff")) return "image/jpeg";
  if (hex.startsWith("47494638")) return "image/gif";
  if (hex.startsWith("52494646") && hex.slice(16, 24) === "57454250") return "image/webp";
  return null;
}

/** The data: URL of inline bytes (base64), the inverse of parseDataUrl(). */
export const dataUrl = (mediaType: string, base64: string) => `data:${mediaType};base64,${base64}`;

export function parseDataUrl(url: string): InlineImage | null {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (!match) return null;
  const [, type, isBase64, data = ""] = match;
  const base64 = isBase64 ? data : Buffer.from(decodeURIComponent(data), "utf8").toString("base64");
  return { mediaType: type || sniffImageType(Buffer.from(base64.slice(0, 32), "base64")) || "application/octet-stream", base64 };
}

function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b] = address.split(".").map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:")) return isPrivateAddress(lower.slice(7));
  return lower === "::1" || lower === "::" || lower.startsWith("fc") || lower.startsWith("fd") || lower.startsWith("fe80");
}

async function checkHost(hostname: string): Promise<void> {
  if (process.env.HUB_IMAGE_FETCH_ALLOW_PRIVATE === "true") return;
  const host = hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw refuse(`cannot resolve the image host ${hostname}`);
  if (addresses.some(isPrivateAddress)) throw refuse(`image URLs on private or loopback addresses are not fetched (${hostname})`);
}

/** A data: URL as is, or an http(s) image fetched and inlined. */
export async function inlineImage(url: string, signal: AbortSignal): Promise<InlineImage> {
  const data = parseDataUrl(url);
  if (data) return data;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse("image_url.url must be a data: URL or an http(s) URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw refuse("image_url.url must be a data: URL or an http(s) URL");
  await checkHost(parsed.hostname);
  const response = await fetch(parsed, { signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]), redirect: "error" }).catch((error: Error) => {
    throw refuse(`could not fetch the image at ${parsed.host}: ${error.message}`);
  });
  if (!response.ok) throw refuse(`fetching the image at ${parsed.host} failed with HTTP ${response.status}`);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_BYTES) throw refuse(`the image at ${parsed.host} is larger than ${MAX_BYTES} bytes`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw refuse(`the image at ${parsed.host} is larger than ${MAX_BYTES} bytes`);
  const declared = response.headers.get("content-type")?.split(";")[0]?.trim();
  const mediaType = declared?.startsWith("image/") ? declared : sniffImageType(bytes);
  if (!mediaType) throw refuse(`the file at ${parsed.host} is not an image`);
  return { mediaType, base64: Buffer.from(bytes).toString("base64") };
}
