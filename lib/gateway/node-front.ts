import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env";
import { declaresTooMuch } from "../http/body";
import { closeWhenAnsweredEarly } from "../http/early-answer";
import { log } from "../log";
import { bodyTooLarge } from "../http/api-error";
import { clientGone } from "./relay/disconnect";
import type { Reply } from "../http/reply";
import type { Serve } from "./routes";
import type { InboundRequest } from "../http/inbound";

// The gateway without Next: the hub's HTTP server (scripts/server.cjs) offers every request here
// first; the gateway's routes (routes.ts) are answered from Node's own request and response,
// everything else goes on to Next. Same wrapper, same handlers, same errors — only the transport
// differs, and it costs a fraction of Next's routing and web streams (bench/README.md).

class NodeRequest implements InboundRequest {
  readonly method: string;
  readonly url: string;
  readonly headers = { get: (name: string) => header(this.req, name) };

  constructor(
    private readonly req: IncomingMessage,
    readonly signal: AbortSignal,
  ) {
    this.method = req.method ?? "GET";
    this.url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  }

  /** Node's request itself: lib/http/body.ts reads it with a cap */
  get body(): IncomingMessage {
    return this.req;
  }
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Resolves when the response can take more, or the client is gone. */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });

/** Pieces of a body as they come, null at its end (FrameSource is the hub's own). */
type Source<T> = { next(): Promise<T | null>; cancel(): Promise<void> };

/** A web stream's reader as a source of pieces. */
function readerOf(stream: ReadableStream<Uint8Array>): Source<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: async () => {
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    cancel: () => reader.cancel(),
  };
}

/** Writes each piece of a body as it comes; the body hears that nobody reads it any more (relay/disconnect.ts). */
async function relay(source: Source<string | Uint8Array>, res: ServerResponse, gone: AbortSignal): Promise<void> {
  const cancel = () => void source.cancel().catch((error: Error) => log.warn({ err: error.message }, "a streamed body failed to stop"));
  // a client may already be gone by the time its answer starts
  if (gone.aborted) cancel();
  else gone.addEventListener("abort", cancel, { once: true });
  // the pieces one turn of the event loop produces (an upstream read often holds several events) leave in
  // one socket write; uncorking on the next tick sends them before any I/O, so nothing waits
  const uncork = () => res.uncork();
  try {
    for (;;) {
      const piece = await source.next();
      if (piece === null || res.destroyed) break;
      if (res.writableCorked === 0) {
        res.cork();
        process.nextTick(uncork);
      }
      if (!res.write(piece)) await drained(res);
    }
  } finally {
    gone.removeEventListener("abort", cancel);
    res.end();
  }
}

async function write(reply: Reply, res: ServerResponse, gone: AbortSignal): Promise<void> {
  // the hub's own streams go to the socket piece by piece, without a web stream in between
  if ("frames" in reply.body || "stream" in reply.body) {
    res.writeHead(reply.status, reply.headers);
    res.flushHeaders();
    await relay("frames" in reply.body ? reply.body.frames : readerOf(reply.body.stream), res, gone);
    return;
  }
  const json = "json" in reply.body;
  const text = json ? JSON.stringify(reply.body.json) : reply.body.text;
  res.writeHead(reply.status, { ...reply.headers, ...(json ? { "content-type": "application/json" } : {}), "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function serve(run: Serve, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const gone = clientGone(res);
  try {
    await write(await run(new NodeRequest(req, gone)), res, gone);
  } catch (error) {
    // the wrapper answers every failure of a call itself; this is a failure to write the answer
    log.error({ err: error, url: req.url }, "could not write a response");
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "The hub failed to write its response.", type: "server_error", code: "internal_error" } }));
    else res.destroy();
  }
}

/** What serves a path from Node; null hands the request on to Next. */
export type RouteLookup = (method: string, path: string) => Serve | null;

/** The server's first look at each request: serves it if `lookup` has its route, else false (Next's). */
export const nodeFront = (lookup: RouteLookup) => (req: IncomingMessage, res: ServerResponse): boolean => {
  // every request, the gateway's and Next's: the server sees them all here first
  closeWhenAnsweredEarly(req, res);
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  // a trailing slash names the same route (Next redirected it)
  const route = lookup(req.method ?? "GET", path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);
  if (!route) return refuseOversizedForNext(req, res);
  void serve(route, req, res);
  return true;
};

/**
 * Next reads the bodies of its pages and routes itself: a declared length over HUB_MAX_BODY_BYTES is
 * refused here before Next reads a byte. Chunked bodies are capped where they are read (route
 * handlers through lib/http/body.ts, server actions by Next's serverActions.bodySizeLimit).
 */
function refuseOversizedForNext(req: IncomingMessage, res: ServerResponse): boolean {
  const limit = env().HUB_MAX_BODY_BYTES;
  if (!declaresTooMuch(req, limit)) return false;
  // no "connection: close": Node would then close at once and the client might never read this answer
  res.writeHead(413, { "content-type": "application/json" }).end(JSON.stringify(bodyTooLarge(limit).toJSON()));
  return true;
}
