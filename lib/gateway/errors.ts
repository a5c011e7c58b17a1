import type { z } from "zod";
import { ApiError } from "../http/api-error";
import { Reply } from "../http/reply";

/** An error's body in a protocol's shape (protocols/<protocol>/response.ts). */
export type ErrorFormat = (error: ApiError, requestId: string) => unknown;


export const invalidRequest = (message: string, code = "invalid_request", param: string | null = null) =>
  new ApiError({ status: 400, type: "invalid_request_error", code, message, param });

/** A model routed to a provider that lacks the endpoint's API (embeddings on Anthropic …). */
export function unsupported(provider: string, what: string): ApiError {
  return new ApiError({
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
export function fromZodError(error: z.ZodError): ApiError {
  const issue = mostSpecific(error.issues[0]!);
  const param = formatPath(issue.path) || null;
  return invalidRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, "invalid_body", param);
}

function requestError(status: number, code: string, message: string): Reply {
  const error = new ApiError({ status, type: "invalid_request_error", code, message });
  return Reply.json(error.toJSON(), { "x-request-id": crypto.randomUUID() }, status);
}

/** For the verbs a /v1 route does not serve: a 405 in the OpenAI error shape. */
export const methodNotAllowed = (request: { method: string; url: string }) =>
  requestError(405, "method_not_allowed", `${request.method} is not supported on ${new URL(request.url).pathname}.`);

/** For /v1 paths the hub does not serve: a 404 in the OpenAI error shape, not an HTML page. */
export const unknownUrl = (request: { method: string; url: string }) =>
  requestError(404, "unknown_url", `Unknown request URL: ${request.method} ${new URL(request.url).pathname}.`);

/** For a path another process of a scaled-out hub serves (HUB_ROLE): a 404 that names no role or host. */
export const notServedHere = (request: { method: string; url: string }) =>
  requestError(404, "unknown_url", `Unknown request URL: ${request.method} ${new URL(request.url).pathname}. This address does not serve it.`);
