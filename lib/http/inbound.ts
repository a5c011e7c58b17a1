/**
 * What the hub's API wrappers read of a request, however it arrived: a web Request (Next's route
 * handlers) is one, and so is the hot-path server's view of Node's own request (gateway/node-front.ts).
 */
export interface InboundRequest {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
  signal?: AbortSignal | null;
  /** read only through lib/http/body.ts, which caps it */
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}
