import { createHash } from "node:crypto";
import type { ChatRequest } from "../../canonical/schema";

// Fields that never change the answer: how it is delivered (stream_options), and what the caller tags
// it with. Everything else is part of the key, fields unknown to us included, so a parameter added
// later cannot make two different questions share an answer.
const NOT_IN_KEY = new Set(["stream_options", "user", "metadata"]);

/** JSON with object keys sorted, so equal requests give equal text whatever their field order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The cache key of a canonical request (its output cap already the one sent upstream): sha256 of the
 * tenant, the model asked for and every field that shapes the answer. A streamed and a plain answer
 * are kept apart (the stream flag is in the key). `tenant` null: one cache for every tenant.
 */
export function cacheKey(tenant: string | null, request: ChatRequest): string {
  const shaping = Object.fromEntries(Object.entries(request).filter(([field]) => !NOT_IN_KEY.has(field)));
  shaping.stream = Boolean(request.stream);
  return createHash("sha256").update(stableJson({ tenant, request: shaping })).digest("hex");
}
