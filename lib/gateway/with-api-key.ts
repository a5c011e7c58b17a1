import type { InboundRequest } from "../http/inbound";
import type { z } from "zod";
import { isDatabaseUnavailable } from "../db/errors";
import { env } from "../env";
import { BodyTooLargeError, readBodyText } from "../http/body";
import { exceedsJsonDepth } from "../http/json-depth";
import { log } from "../log";
import { publicBaseUrl } from "../public-url";
import { authenticate, type Principal } from "./authenticate";
import { CallRecord, type Endpoint } from "./call-record";
import type { CallContext } from "./context";
import { type ErrorFormat, fromZodError, invalidRequest } from "./errors";
import { bodyTooLarge, ApiError } from "../http/api-error";
import { lifecycle } from "../lifecycle";
import { openAIError } from "./protocols/openai/response";
import { followClient } from "./relay/disconnect";
import { Reply } from "../http/reply";
import { startCallTrace } from "../telemetry/tracing";

// The wrapper every API route goes through: request id, admission (refused while shutting
// down), API key, body parsing with zod, and errors in the protocol's shape (OpenAI's by default). Handlers only parse → call → respond.
// The wrapper does not depend on how the request arrived: Next's route handlers pass their web Request,
// the hot-path server (node-front.ts) an InboundRequest over Node's own request.

/** a Reply, or what goes out as JSON (a web Response is neither: Reply.stream takes its body) */
type Handler<B, Q, R> = (ctx: CallContext, body: B, request: R, query: Q) => Promise<Reply | Record<string, unknown> | readonly unknown[]>;
type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** The body as JSON: at most HUB_MAX_BODY_BYTES, nested at most HUB_MAX_JSON_DEPTH deep (checked before parsing). */
export async function readJson(request: InboundRequest): Promise<unknown> {
  const { HUB_MAX_BODY_BYTES, HUB_MAX_JSON_DEPTH } = env();
  const text = await readBodyText(request, HUB_MAX_BODY_BYTES).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError ? bodyTooLarge(error.limit) : error;
  });
  if (!text.trim()) throw invalidRequest("The request body is empty; send a JSON object.", "invalid_json");
  if (exceedsJsonDepth(text, HUB_MAX_JSON_DEPTH)) {
    throw invalidRequest(`The JSON body nests arrays and objects deeper than ${HUB_MAX_JSON_DEPTH} levels.`, "json_too_deep");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest("We could not parse the JSON body of your request: it is not valid JSON.", "invalid_json");
  }
}

function errorReply(error: ApiError, requestId: string, format: ErrorFormat): Reply {
  return Reply.json(format(error, requestId), { ...error.headers, "x-request-id": requestId }, error.status);
}

/** Any failure as the error an API answers: ours as they are, the rest a 503 (database) or a 500 that reveals nothing. */
export function asApiError(error: unknown, requestId: string): ApiError {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) {
    log.warn({ requestId, err: (error as Error).message }, "database unreachable");
    return new ApiError({
      status: 503,
      type: "service_unavailable",
      code: "database_unavailable",
      message: "The hub cannot reach its database right now; retry shortly.",
      headers: { "retry-after": "2" },
    });
  }
  log.error({ requestId, err: error }, "unhandled error in gateway");
  return new ApiError({
    status: 500,
    type: "server_error",
    code: "internal_error",
    message: `The hub failed to handle this request (request id ${requestId}).`,
  });
}

export interface GatewayCallOptions<S, Q, R> {
  endpoint: Endpoint;
  body?: S;
  query?: Q;
  role?: "admin";
  /** who is calling; a hub API key unless given (the web UI's routes use the signed-in session) */
  authenticate?: (request: R) => Promise<Principal>;
  /** the error shape of the route's protocol (Anthropic's on /v1/messages); OpenAI's unless given */
  errorFormat?: ErrorFormat;
}

/** The wrapper for any transport: a request in, a Reply out. */
export function gatewayCall<S extends z.ZodType | undefined, Q extends z.ZodType | undefined = undefined, R extends InboundRequest = InboundRequest>(
  options: GatewayCallOptions<S, Q, R>,
  handler: Handler<Parsed<S>, Parsed<Q>, R>,
) {
  return async (request: R): Promise<Reply> => {
    const admitted = lifecycle.admit();
    const call = new CallRecord(options.endpoint, admitted);
    call.trace = startCallTrace(options.endpoint, request.headers);
    const abort = new AbortController();
    followClient(request.signal, call, abort);
    try {
      if (!admitted) {
        throw new ApiError({ status: 503, type: "service_unavailable", code: "shutting_down", message: "The hub is shutting down; retry the request.", headers: { "retry-after": "1" } });
      }
      const principal: Principal = await (options.authenticate ?? authenticate)(request);
      call.principal = principal;
      if (options.role === "admin" && principal.role !== "admin") {
        throw new ApiError({ status: 403, type: "permission_error", code: "admin_only", message: "This API is for administrators." });
      }
      let body: unknown;
      if (options.body) {
        const parsed = options.body.safeParse(await readJson(request));
        if (!parsed.success) throw fromZodError(parsed.error);
        body = parsed.data;
        call.keepRequestBody(body);
      }
      let query: unknown;
      if (options.query) {
        const parsed = options.query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
        if (!parsed.success) throw fromZodError(parsed.error);
        query = parsed.data;
      }
      const result = await handler({ call, principal, abort, origin: publicBaseUrl(request.headers) }, body as never, request, query as never);
      const reply = result instanceof Reply ? result : Reply.json(result);
      Object.assign(reply.headers, { "x-request-id": call.requestId, ...call.rate?.headers });
      // a streamed body finishes its call record when the stream ends
      if (!call.stream) {
        call.keepResponseBody(reply);
        call.finish(reply.status);
      }
      return reply;
    } catch (error) {
      const failure = asApiError(error, call.requestId);
      call.finish(failure.status, failure.forRecord());
      return errorReply(failure, call.requestId, options.errorFormat ?? openAIError);
    }
  };
}

/** The wrapper as a Next route handler. */
export function withApiKey<S extends z.ZodType | undefined, Q extends z.ZodType | undefined = undefined>(
  options: GatewayCallOptions<S, Q, Request>,
  handler: Handler<Parsed<S>, Parsed<Q>, Request>,
) {
  const run = gatewayCall(options, handler);
  return async (request: Request): Promise<Response> => (await run(request)).toResponse();
}
