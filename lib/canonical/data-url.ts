// Images travel in canonical messages as image_url parts; inline bytes as data: URLs.

export interface InlineImage {
  mediaType: string;
  base64: string;
}

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
