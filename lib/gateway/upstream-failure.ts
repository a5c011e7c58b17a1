import { UpstreamError } from "../providers/upstream-error";
import type { UpstreamCredential } from "../providers/types";
import { ApiError } from "../http/api-error";

// Upstream messages are passed to clients, so anything that looks like a secret is masked first:
// the credential itself, and key-shaped tokens that some providers echo back ("Incorrect API key provided: sk-…").
const KEY_SHAPED = /\b(sk|rk|pk|key|xai|or)-[A-Za-z0-9_\-*.]{6,}/g;

export function redactSecrets(message: string, credential: UpstreamCredential | null): string {
  let out = message;
  for (const secret of Object.values(credential?.secret ?? {})) {
    if (typeof secret === "string" && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out.replace(KEY_SHAPED, "[redacted]");
}

/** One line for an operator (credential status, connection test): status and redacted message. */
export function describeFailure(error: unknown, credential: UpstreamCredential | null): string {
  if (error instanceof UpstreamError) return `${error.status ? `HTTP ${error.status}: ` : ""}${redactSecrets(error.message, credential)}`.slice(0, 500);
  return redactSecrets(error instanceof Error ? error.message : String(error), credential).slice(0, 500);
}

/**
 * Maps a failed upstream call to what the client sees. Connection errors and the upstream's own 5xx
 * texts carry internal addresses, errno names and proxy pages ("connect ECONNREFUSED 10.0.0.5:443"):
 * the tenant gets a plain sentence, the redacted original stays in `detail` for the admin's call record.
 * 4xx and 429 texts are about the caller's own request and are passed on (redacted).
 */
export function fromUpstreamError(error: UpstreamError, provider: string, credential: UpstreamCredential | null, timeoutMs: number): ApiError {
  const message = redactSecrets(error.message, credential);
  const detail = describeFailure(error, credential);
  switch (error.kind) {
    case "aborted":
      return new ApiError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "The client closed the request." });
    case "timeout":
      return new ApiError({
        status: 504,
        type: "timeout_error",
        code: "upstream_timeout",
        message: `The upstream provider '${provider}' did not answer within ${timeoutMs} ms.`,
        detail,
      });
    case "connection":
      return new ApiError({ status: 502, type: "upstream_error", code: "upstream_unreachable", message: `Could not reach the upstream provider '${provider}'.`, detail });
    case "request":
      return new ApiError({ status: 400, type: "invalid_request_error", code: "invalid_request", message: `This request cannot be sent to the upstream provider '${provider}': ${message}`, detail });
  }
  const status = error.status ?? 502;
  if (status === 401 || status === 403) {
    // the hub's credential was refused: the client's own key is fine, so this is not a 401 for them
    return new ApiError({
      status: 502,
      type: "upstream_error",
      code: "upstream_auth_failed",
      message: `The upstream provider '${provider}' rejected the hub's credential (HTTP ${status}). An administrator needs to update it.`,
      detail,
    });
  }
  if (status === 429) {
    return new ApiError({
      status: 429,
      type: "rate_limit_error",
      code: error.code ?? "upstream_rate_limited",
      message,
      headers: error.retryAfter !== null ? { "retry-after": String(error.retryAfter) } : {},
    });
  }
  if (status >= 400 && status < 500) {
    return new ApiError({ status, type: error.type ?? "invalid_request_error", code: error.code, param: error.param, message });
  }
  return new ApiError({
    status: 502,
    type: "upstream_error",
    code: "upstream_error",
    message: `The upstream provider '${provider}' failed (HTTP ${status}).`,
    detail,
  });
}

/** The provider refused one call (HTTP 401/403) while the credential itself works (its probe passed): the caller's model or request is the problem. */
export function modelAccessDenied(error: UpstreamError, provider: string, upstreamModel: string, credential: UpstreamCredential | null): ApiError {
  return new ApiError({
    status: 403,
    type: "permission_error",
    code: "model_access_denied",
    param: "model",
    message: `The upstream provider '${provider}' refused this call to the model '${upstreamModel}' (HTTP ${error.status}): ${redactSecrets(error.message, credential)}`,
  });
}
