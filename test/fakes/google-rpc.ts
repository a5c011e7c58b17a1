// Google's API conventions the fake Gemini endpoints share: google.rpc.Status error bodies and
// proto3 JSON bytes.

const CANONICAL_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** A google.rpc.Status error body, as Google's APIs answer an HTTP error. */
export function googleError(code: number, message: string, details?: unknown[]) {
  return { error: { code, message, status: CANONICAL_STATUS[code] ?? "UNKNOWN", ...(details ? { details } : {}) } };
}

/** proto3 JSON bytes: standard or URL-safe base64 alphabet, padding optional */
export function isBase64(value: unknown): boolean {
  return typeof value === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) && value.replace(/=+$/, "").length % 4 !== 1;
}
