/**
 * How an upstream call failed, independent of the SDK that made it. "request": the hub could not
 * build or send the request from what the caller gave (a value JSON cannot encode, a nesting too deep
 * for the serializer) — nothing reached the provider, so it says nothing about the provider.
 */
export type UpstreamFailure = "http" | "timeout" | "connection" | "aborted" | "request";

export class UpstreamError extends Error {
  override name = "UpstreamError";
  readonly kind: UpstreamFailure;
  /** HTTP status from the upstream, for kind "http" */
  readonly status: number | null;
  readonly type: string | null;
  readonly code: string | null;
  readonly param: string | null;
  /** seconds, from the upstream's Retry-After */
  readonly retryAfter: number | null;

  constructor(options: {
    kind: UpstreamFailure;
    message: string;
    status?: number | null;
    type?: string | null;
    code?: string | null;
    param?: string | null;
    retryAfter?: number | null;
  }) {
    super(options.message);
    this.kind = options.kind;
    this.status = options.status ?? null;
    this.type = options.type ?? null;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter ?? null;
  }
}

/** The upstream did not answer (or go on answering) in time. */
export const upstreamTimeout = () => new UpstreamError({ kind: "timeout", message: "upstream request timed out" });

/** The call was cancelled on our side (the client went away, or a fallback took over). */
export const upstreamAborted = () => new UpstreamError({ kind: "aborted", message: "request aborted" });

/** The request could not be turned into an upstream call. */
export const unsendable = (reason: string) => new UpstreamError({ kind: "request", message: reason });

/**
 * The provider has no such API (a chat request sent straight to an image-only provider). Nothing is
 * sent; the client gets the gateway's own 400 `unsupported_by_provider`, and like any 4xx it neither
 * falls back nor cools the route down.
 */
export const notOffered = (provider: string, api: string) =>
  new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code: "unsupported_by_provider", param: "model", message: `The provider '${provider}' has no ${api} API.` });

// Codes only a failed network exchange produces: a socket, DNS or TLS failure (Node's system errors,
// undici's socket errors, OpenSSL's certificate errors).
const NETWORK_CODE =
  /^(E(CONN[A-Z]+|HOSTUNREACH|HOSTDOWN|NETUNREACH|NETDOWN|NETRESET|NOTFOUND|AI_AGAIN|AI_FAIL|TIMEDOUT|PIPE|PROTO)|UND_ERR_(SOCKET|CONNECT_TIMEOUT|CLOSED|DESTROYED|HEADERS_OVERFLOW|RES_[A-Z_]+)|ERR_(TLS|SSL)_[A-Z_0-9]+|ERR_STREAM_PREMATURE_CLOSE|CERT_[A-Z_]+|[A-Z_]*SELF_SIGNED[A-Z_]*|UNABLE_TO_[A-Z_]+)$/;

/** The first error in the chain of causes that carries a network error code. */
function networkFailureIn(error: unknown): Error | null {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODE.test(code)) return current;
    current = current.cause;
  }
  return null;
}

/**
 * An error thrown without an answer from the upstream. It is a connection failure only when the
 * network says so (a socket, DNS or TLS error code among its causes); anything else went wrong here
 * while building the request (JSON.stringify on a value too deep or not encodable, a conversion that
 * threw) and must not count against the provider, or a crafted request could cool a deployment down.
 */
export function unanswered(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const network = networkFailureIn(error);
  if (network) return new UpstreamError({ kind: "connection", message: `could not reach the upstream: ${network.message}` });
  return unsendable(`the request could not be sent upstream: ${error instanceof Error ? error.message : String(error)}`);
}

export function parseRetryAfter(value: string | null | undefined): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * A failure after the first chunk: the status line is long sent, so whatever the SDK called it
 * (a connection error, a modeled exception frame), the upstream failed mid-answer.
 */
export function midStream(error: UpstreamError): UpstreamError {
  if (error.kind === "aborted" || (error.kind === "http" && error.status !== null && error.status >= 500)) return error;
  return new UpstreamError({ kind: "http", status: 502, message: error.message, type: error.type, code: error.code });
}
