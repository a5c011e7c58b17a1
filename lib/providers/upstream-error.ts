/** How an upstream call failed, independent of the SDK that made it. */
export type UpstreamFailure = "http" | "timeout" | "connection" | "aborted";

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
