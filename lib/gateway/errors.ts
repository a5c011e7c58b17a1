import type { z } from "zod";
import { Reply } from "./reply";

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
 * The one error the gateway throws. Route wrappers turn it into the OpenAI error shape with its
 * status; anything else that escapes becomes a generic 500 that reveals nothing.
 */
export class GatewayError extends Error {
  override name = "GatewayError";
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

/** An error's body in a protocol's shape (protocols/<protocol>/response.ts). */
export type ErrorFormat = (error: GatewayError, requestId: string) => unknown;

export const bodyTooLarge = (limit: number) =>
  new GatewayError({ status: 413, type: "invalid_request_error", code: "body_too_large", message: `The request body exceeds ${limit} bytes.` });

export const invalidRequest = (message: string, code = "invalid_request", param: string | null = null) =>
  new GatewayError({ status: 400, type: "invalid_request_error", code, message, param });

/** A model routed to a provider that lacks the endpoint's API (embeddings on Anthropic …). */
export function unsupported(provider: string, what: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: "invalid_request_error",
    code: "unsupported_by_provider",
    param: "model",
    message: `The provider '${provider}' has no ${what} API.`,
  });
}

/** `messages[0].content` — the way people write a path into a JSON body. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}

type Issue = z.core.$ZodIssue;

/**
 * For a union (content: string | parts[]), the branch that got furthest says what is really wrong
 * ("messages[0].content[0].image_url.url is required") rather than the union's "Invalid input".
 */
function mostSpecific(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branches = issue.errors.map((branch) => branch[0]).filter((i): i is Issue => i !== undefined);
  const furthest = branches.reduce((best, i) => (i.path.length > best.path.length ? i : best));
  if (furthest.path.length === 0) return issue;
  return mostSpecific({ ...furthest, path: [...issue.path, ...furthest.path] } as Issue);
}

/** A 400 that names the first offending field. */
export function fromZodError(error: z.ZodError): GatewayError {
  const issue = mostSpecific(error.issues[0]!);
  const param = formatPath(issue.path) || null;
  return invalidRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, "invalid_body", param);
}

function requestError(status: number, code: string, message: string): Reply {
  const error = new GatewayError({ status, type: "invalid_request_error", code, message });
  return Reply.json(error.toJSON(), { "x-request-id": crypto.randomUUID() }, status);
}

/** For the verbs a /v1 route does not serve: a 405 in the OpenAI error shape. */
export const methodNotAllowed = (request: { method: string; url: string }) =>
  requestError(405, "method_not_allowed", `${request.method} is not supported on ${new URL(request.url).pathname}.`);

/** For /v1 paths the hub does not serve: a 404 in the OpenAI error shape, not an HTML page. */
export const unknownUrl = (request: { method: string; url: string }) =>
  requestError(404, "unknown_url", `Unknown request URL: ${request.method} ${new URL(request.url).pathname}.`);
