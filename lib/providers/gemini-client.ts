import { ApiError, GoogleGenAI } from "@google/genai";
import { sdkClients } from "./shared/client-cache";
import type { CallOptions, UpstreamTarget } from "./types";
import { unanswered, upstreamAborted, upstreamTimeout, UpstreamError } from "./upstream-error";

// What every Gemini call shares: the @google/genai client of a provider and credential, and how its
// failures (and those of the hub's own requests to the API) become UpstreamErrors.

export const GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

export const geminiBaseUrl = (target: UpstreamTarget) => target.provider.baseUrl ?? GEMINI_BASE_URL;

export const clientFor = sdkClients(
  (target: UpstreamTarget) =>
    new GoogleGenAI({
      apiKey: target.credential?.secret.apiKey ?? "",
      httpOptions: { baseUrl: geminiBaseUrl(target), headers: target.provider.config.headers },
    }),
);

/**
 * What every Gemini request passes the SDK: the call's signal, its timeout and its trace headers (the SDK
 * adds per-request headers to the client's own, the API key among them).
 */
export const requestOptions = (options: CallOptions) => ({
  abortSignal: options.signal,
  httpOptions: { timeout: options.timeoutMs, ...(options.headers ? { headers: options.headers } : {}) },
});

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<{ "@type"?: string; retryDelay?: string; reason?: string }> };
}

/** An HTTP error answer of the Gemini API (a google.rpc.Status body, or whatever a proxy sent). */
export function googleHttpError(status: number, text: string): UpstreamError {
  let body: GoogleErrorBody = {};
  try {
    body = JSON.parse(text) as GoogleErrorBody;
  } catch {
    // not JSON: keep the text as it is
  }
  const details = body.error?.details ?? [];
  const retry = details.find((d) => d["@type"]?.endsWith("RetryInfo"))?.retryDelay;
  // Google answers a bad API key with 400 INVALID_ARGUMENT; it is an authentication failure
  const badKey = details.some((d) => d.reason === "API_KEY_INVALID");
  return new UpstreamError({
    kind: "http",
    status: badKey ? 401 : status,
    message: body.error?.message ?? (text.trim().split("\n")[0]?.slice(0, 300) || `upstream answered HTTP ${status}`),
    type: body.error?.status ?? null,
    code: badKey ? "invalid_api_key" : (body.error?.status?.toLowerCase() ?? null),
    retryAfter: retry ? Math.ceil(Number.parseFloat(retry)) : null,
  });
}

export function fail(error: unknown, signal: AbortSignal): UpstreamError {
  if (error instanceof UpstreamError) return error;
  // the SDK keeps the error body in the message, after a "got status: …" prefix
  if (error instanceof ApiError) return googleHttpError(error.status, error.message.replace(/^got status: [^.]*\.\s*/, ""));
  const err = error as Error;
  if (err?.name === "AbortError" || err?.name === "TimeoutError") {
    return signal.aborted ? upstreamAborted() : upstreamTimeout();
  }
  return unanswered(error);
}

export async function run<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fail(error, signal);
  }
}
