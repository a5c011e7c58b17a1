import type { IncomingMessage } from "node:http";

// The one way the hub reads a request body: as a stream, counting bytes, and stopping the moment the
// cap is passed. A declared content-length over the cap is refused before any byte is read; an
// absent or lying one (chunked bodies) cannot get past the count. Callers refuse a request they
// would answer without its body (bad key, missing signature) BEFORE calling this.

export const MiB = 1024 * 1024;
/** Stripe webhooks and Auth.js forms are small; anything bigger is an attack */
export const SMALL_BODY_BYTES = 1 * MiB;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limit: number) {
    super(`The request body exceeds ${limit} bytes.`);
  }
}

/** What a body can be read from: a web Request, or Node's own request. */
export type BodySource = Request | IncomingMessage | { headers: { get(name: string): string | null }; body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null };

function declaredLength(source: BodySource): number | null {
  const value = typeof source.headers.get === "function" ? source.headers.get("content-length") : (source as IncomingMessage).headers["content-length"];
  if (value === null || value === undefined) return null;
  const length = Number(value);
  return Number.isFinite(length) ? length : null;
}

/** True when the request says up front that its body is over the cap. */
export const declaresTooMuch = (source: BodySource, limit: number) => (declaredLength(source) ?? 0) > limit;

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // stops the producer (Next stops pulling from Node's request)
    void reader.cancel().catch(() => undefined);
  }
}

function streamOf(source: BodySource): AsyncIterable<Uint8Array> | null {
  const stream = "body" in source ? source.body : (source as IncomingMessage);
  if (!stream) return null;
  if (stream instanceof ReadableStream) return chunksOf(stream);
  // a Node stream's own iterator destroys it on an early exit, and with it the socket the 413 must
  // still be written to
  if ("iterator" in stream && typeof stream.iterator === "function") return (stream as IncomingMessage).iterator({ destroyOnReturn: false });
  return stream as AsyncIterable<Uint8Array>;
}

/** Reads the whole body (at most `limit` bytes) or throws BodyTooLargeError as soon as it is passed. */
export async function readBody(source: BodySource, limit: number): Promise<Buffer> {
  if (declaresTooMuch(source, limit)) throw new BodyTooLargeError(limit);
  const stream = streamOf(source);
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // leaving the loop early (the throw) cancels a web stream and stops iterating a Node stream; the
  // server closes the connection once the 413 is written (node-front.ts), so nothing more is read
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks, size);
}

export async function readBodyText(source: BodySource, limit: number): Promise<string> {
  return (await readBody(source, limit)).toString("utf8");
}
