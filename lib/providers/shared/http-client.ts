import { Pool, errors } from "undici";
import { processSingleton } from "../../singleton";
import { parseRetryAfter, unanswered, unsendable, upstreamAborted, upstreamTimeout, UpstreamError } from "../upstream-error";
import { details } from "./sdk-errors";

// The chat hot path's HTTP client. The SDKs go through fetch, whose web streams and Request/Response
// objects cost more CPU per call than the rest of the gateway together (bench/README.md): chat calls to
// OpenAI-style upstreams use one keep-alive undici pool per origin instead, and speak the (small) wire
// protocol themselves — a JSON POST, and Server-Sent Events for streams.

const pools = processSingleton("upstream-pools", () => new Map<string, Pool>());

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });
    pools.set(origin, pool);
  }
  return pool;
}

export interface PostOptions {
  signal: AbortSignal;
  /** how long the upstream may take to answer (its status line), and to send each next piece of a stream */
  timeoutMs: number;
  /** headers added to the request (the trace context of a traced call) */
  headers?: Record<string, string>;
}

/** The caller's signal, also aborted when the upstream has not answered in time (undici's own timers tick once a second). */
export function answerDeadline(options: PostOptions) {
  const controller = new AbortController();
  let timedOut = false;
  if (options.signal.aborted) controller.abort();
  else options.signal.addEventListener("abort", () => controller.abort(), { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  return { signal: controller.signal, answered: () => clearTimeout(timer), timedOut: () => timedOut };
}

type Body = AsyncIterable<Buffer> & {
  text(): Promise<string>;
  json(): Promise<unknown>;
  dump(): Promise<void>;
  iterator(options: { destroyOnReturn: boolean }): AsyncIterable<Buffer>;
  destroy(): void;
  once(event: "error", listener: () => void): Body;
};

function transportError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return upstreamTimeout();
  }
  if (error instanceof errors.RequestAbortedError || (error instanceof Error && error.name === "AbortError")) {
    return upstreamAborted();
  }
  return unanswered(error);
}

/** The request body; a value JSON cannot encode (too deep, a BigInt, a cycle) is the request's fault, not the upstream's. */
function encode(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    throw unsendable(`the request cannot be encoded as JSON: ${(error as Error).message}`);
  }
}

async function httpError(status: number, headers: Record<string, string | string[] | undefined>, body: Body): Promise<UpstreamError> {
  const text = await body.text().catch(() => "");
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a proxy's HTML page or plain text: its first line says what happened
  }
  const found = details(parsed);
  const retryAfter = headers["retry-after"];
  return new UpstreamError({
    kind: "http",
    status,
    message: found.message ?? (text.trim().split("\n")[0]?.slice(0, 300) || `upstream answered HTTP ${status}`),
    type: found.type ?? null,
    code: found.code ?? null,
    param: found.param ?? null,
    retryAfter: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
  });
}

/** POSTs JSON; the body of a 2xx answer, or the upstream's error as an UpstreamError. */
async function post(url: string, headers: Record<string, string>, payload: unknown, options: PostOptions): Promise<Body> {
  const target = new URL(url);
  const encoded = encode(payload);
  const deadline = answerDeadline(options);
  try {
    const response = await poolFor(target.origin).request({
      path: target.pathname + target.search,
      method: "POST",
      headers: options.headers ? { ...headers, ...options.headers, "content-type": "application/json" } : { ...headers, "content-type": "application/json" },
      body: encoded,
      signal: deadline.signal,
      headersTimeout: 0,
      bodyTimeout: options.timeoutMs,
    });
    deadline.answered();
    const body = response.body as unknown as Body;
    if (response.statusCode >= 400) throw await httpError(response.statusCode, response.headers, body);
    return body;
  } catch (error) {
    deadline.answered();
    throw deadline.timedOut() ? upstreamTimeout() : transportError(error);
  }
}

export async function postJson<T>(url: string, headers: Record<string, string>, payload: unknown, options: PostOptions): Promise<T> {
  const body = await post(url, headers, payload, options);
  try {
    return (await body.json()) as T;
  } catch (error) {
    if (error instanceof SyntaxError) throw new UpstreamError({ kind: "http", status: 502, message: "the upstream's answer is not valid JSON" });
    throw transportError(error);
  }
}

/**
 * POSTs JSON and yields the `data:` payloads of the Server-Sent Events stream it answers with, parsed,
 * until `[DONE]`. An event carrying `{error}` (how OpenAI-style upstreams fail mid-stream) is thrown.
 */
export async function postEventStream<T>(url: string, headers: Record<string, string>, payload: unknown, options: PostOptions): Promise<AsyncIterable<T>> {
  return events<T>(await post(url, headers, payload, options));
}

async function* events<T>(body: Body): AsyncIterable<T> {
  let buffer = "";
  let done = false;
  try {
    // leaving the loop must not destroy the body by itself (undici would abort the socket, and build an
    // AbortError with its stack, at every [DONE]): `finally` decides between draining and cutting
    for await (const piece of body.iterator({ destroyOnReturn: false })) {
      buffer += piece.toString("utf8");
      const crlf = buffer.includes("\r");
      let start = 0;
      let end: number;
      while ((end = eventEnd(buffer, start, crlf)) !== -1) {
        const data = dataOf(buffer.slice(start, end));
        start = end + (buffer.startsWith("\r\n\r\n", end) ? 4 : 2);
        if (data === null) continue;
        if (data === "[DONE]") {
          done = true;
          return;
        }
        let parsed: T & { error?: unknown };
        try {
          parsed = JSON.parse(data) as T & { error?: unknown };
        } catch {
          throw new UpstreamError({ kind: "http", status: 502, message: "the upstream sent an event that is not valid JSON" });
        }
        if (parsed && typeof parsed === "object" && parsed.error) {
          const found = details(parsed);
          throw new UpstreamError({ kind: "http", status: 502, message: found.message ?? "the upstream failed mid-stream", type: found.type, code: found.code });
        }
        yield parsed as T;
      }
      if (start > 0) buffer = buffer.slice(start);
    }
  } catch (error) {
    throw transportError(error);
  } finally {
    // after [DONE] only the body's end is left: drain it in the background (the caller does not wait on the
    // upstream closing) so the connection is reused. A consumer that stopped early (the client went away)
    // cuts the connection instead, so the upstream stops generating what nobody will read, or pay for.
    if (done) void body.dump().catch(() => undefined);
    else body.once("error", () => undefined).destroy(); // the abort it reports is ours, not news
  }
}

/** Where the first complete event at or after `from` ends (before its blank line), or -1. */
function eventEnd(buffer: string, from: number, crlf: boolean): number {
  const lf = buffer.indexOf("\n\n", from);
  if (!crlf) return lf;
  const crlfEnd = buffer.indexOf("\r\n\r\n", from);
  if (lf === -1) return crlfEnd;
  return crlfEnd === -1 ? lf : Math.min(lf, crlfEnd);
}

/** The event's data (its `data:` lines joined), or null for comments and events without data. */
function dataOf(event: string): string | null {
  let data: string | null = null;
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const value = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
    data = data === null ? value : `${data}\n${value}`;
  }
  return data;
}
