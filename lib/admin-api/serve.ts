import { z } from "zod";
import { AdminError } from "../admin/errors";
import { AccessDenied } from "../caller";
import { isUniqueViolation } from "../db/errors";
import { ApiError } from "../http/api-error";
import type { InboundRequest } from "../http/inbound";
import { Reply } from "../http/reply";
import { uuidv7 } from "../ids";
import { lifecycle } from "../lifecycle";
import { fromZodError } from "../gateway/errors";
import { asApiError, readJson } from "../gateway/with-api-key";
import { adminCaller, requireScope } from "./auth";
import type { AdminRoute } from "./define";
import { onceFor } from "../http/idempotency";

// The admin API's one wrapper: admission, admin token, scope, parameters, query and body through
// their zod schemas, Idempotency-Key, and every error in the one documented shape ({"error": {message, type, code, param}}).

export const ADMIN_API_PREFIX = "/api/admin/v1";

/** An operator's refusal (lib/admin) as the API answers it. */
function fromAdminError(error: unknown): unknown {
  if (error instanceof AdminError) {
    const status = { invalid: 400, not_found: 404, conflict: 409 }[error.code];
    return new ApiError({ status, type: status === 404 ? "not_found_error" : "invalid_request_error", code: error.code, message: error.message });
  }
  if (error instanceof AccessDenied) return new ApiError({ status: 404, type: "not_found_error", code: "not_found", message: "Not found." });
  // a concurrent request created the same thing between our check and our write
  if (isUniqueViolation(error)) return new ApiError({ status: 409, type: "invalid_request_error", code: "conflict", message: "It already exists; it was created by a concurrent request." });
  return error;
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

const errorReply = (error: ApiError, requestId: string) => Reply.json(error.toJSON(), { ...error.headers, "x-request-id": requestId }, error.status);

/** Serves one route of the table; `params` come from the matched path. */
export function serveRoute(definition: AdminRoute, params: Record<string, string>) {
  return async (request: InboundRequest): Promise<Reply> => {
    const requestId = uuidv7();
    const admitted = lifecycle.admit();
    try {
      if (!admitted) throw new ApiError({ status: 503, type: "service_unavailable", code: "shutting_down", message: "The hub is shutting down; retry the request.", headers: { "retry-after": "1" } });
      const caller = await adminCaller(request);
      requireScope(caller, definition.scope);
      const url = new URL(request.url);
      const ctx: Parameters<AdminRoute["handler"]>[0] = {
        caller,
        params: parse(definition.params, params) as never,
        query: parse(definition.query, Object.fromEntries(url.searchParams)) as never,
        body: definition.body ? parse(definition.body, await readJson(request)) : undefined,
      };
      const run = async () => {
        try {
          return { status: definition.status ?? 200, body: await definition.handler(ctx) };
        } catch (error) {
          throw fromAdminError(error);
        }
      };
      const key = request.headers.get("idempotency-key");
      const answer = definition.idempotent && key !== null ? await onceFor(caller.tokenId, key, { method: request.method, path: url.pathname, body: ctx.body }, run) : { ...(await run()), replayed: false };
      if (answer.body instanceof Reply) {
        answer.body.headers["x-request-id"] = requestId;
        return answer.body;
      }
      return Reply.json(answer.body, { "x-request-id": requestId, ...(answer.replayed ? { "idempotent-replayed": "true" } : {}) }, answer.status);
    } catch (error) {
      return errorReply(asApiError(error, requestId), requestId);
    } finally {
      if (admitted) lifecycle.release();
    }
  };
}

/** For paths under the prefix that no route has: 404 (after the caller proved who they are). */
export function noSuchRoute(allowed: string[] | null) {
  return async (request: InboundRequest): Promise<Reply> => {
    const requestId = uuidv7();
    try {
      await adminCaller(request);
      if (allowed) throw new ApiError({ status: 405, type: "invalid_request_error", code: "method_not_allowed", message: `${request.method} is not supported here (use ${allowed.join(" or ")}).`, headers: { allow: allowed.join(", ") } });
      throw new ApiError({ status: 404, type: "not_found_error", code: "unknown_url", message: `There is no admin API at ${new URL(request.url).pathname}; see ${ADMIN_API_PREFIX}/openapi.json.` });
    } catch (error) {
      return errorReply(asApiError(error, requestId), requestId);
    }
  };
}
