export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "insufficient_credits"
  | "upstream_error"
  | "timeout_error"
  | "service_unavailable"
  | "server_error";

export interface ErrorBody {
  error: { message: string; type: ErrorType | string; code: string | null; param: string | null; [extra: string]: unknown };
}

/**
 * The one error the hub's APIs answer with (the gateway, billing, the account APIs). Route wrappers
 * turn it into the OpenAI error shape with its status; anything else that escapes becomes a generic
 * 500 that reveals nothing.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly type: ErrorType | string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  /** more fields of the error object (e.g. top_up_url) */
  readonly extra: Record<string, unknown>;
  /** what an administrator sees in the call's record instead of the message (raw upstream errors with
   *  addresses); never sent to the client */
  readonly detail: string | null;

  constructor(options: {
    status: number;
    type: ErrorType | string;
    code?: string | null;
    message: string;
    param?: string | null;
    headers?: Record<string, string>;
    extra?: Record<string, unknown>;
    detail?: string | null;
  }) {
    super(options.message);
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
    this.detail = options.detail ?? null;
  }

  /** The error as the call's usage event records it for administrators. */
  forRecord(): { code: string | null; message: string } {
    return { code: this.code, message: this.detail ?? this.message };
  }

  toJSON(): ErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param, ...this.extra } };
  }
}

export const bodyTooLarge = (limit: number) =>
  new ApiError({ status: 413, type: "invalid_request_error", code: "body_too_large", message: `The request body exceeds ${limit} bytes.` });
