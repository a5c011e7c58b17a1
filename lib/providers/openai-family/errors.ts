import OpenAI from "openai";
import { parseRetryAfter, UpstreamError } from "../upstream-error";

/** Maps whatever the openai SDK threw to an UpstreamError. */
export function fromOpenAIError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof OpenAI.APIUserAbortError) return new UpstreamError({ kind: "aborted", message: "request aborted" });
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new UpstreamError({ kind: "timeout", message: "upstream request timed out" });
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error.cause as Error | undefined)?.message;
    return new UpstreamError({ kind: "connection", message: cause ? `could not reach the upstream: ${cause}` : "could not reach the upstream" });
  }
  if (error instanceof OpenAI.APIError) {
    const body = (error.error ?? {}) as { message?: unknown };
    const message = typeof body.message === "string" && body.message ? body.message : error.message;
    // an error event inside an SSE stream has no HTTP status: the upstream failed mid-answer
    return new UpstreamError({
      kind: "http",
      status: error.status ?? 502,
      message,
      type: error.type ?? null,
      code: error.code ?? null,
      param: error.param ?? null,
      retryAfter: parseRetryAfter(error.headers?.get("retry-after")),
    });
  }
  if (error instanceof Error && error.name === "AbortError") return new UpstreamError({ kind: "aborted", message: "request aborted" });
  return new UpstreamError({ kind: "connection", message: error instanceof Error ? error.message : String(error) });
}
