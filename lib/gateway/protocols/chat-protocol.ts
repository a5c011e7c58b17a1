import type { ChatCompletion } from "../../canonical/completion";
import type { z } from "zod";
import type { ChatRequest } from "../../canonical/schema";
import type { InboundRequest } from "../../http/inbound";
import type { Endpoint } from "../call-record";
import type { CallContext } from "../context";
import type { ErrorFormat } from "../errors";
import type { StreamEncoder } from "./stream-encoder";

// What the gateway needs to know of a client protocol that speaks chat: everything else (routing,
// admission, failover, metering, the stream/non-stream fork, disconnects) is the same for all of
// them (serveChat in ../chat.ts). A new protocol is a folder beside this file and a line in
// ../routes.ts.

/** One chat call as a protocol's answer sees it: the client's body, its canonical request, the call. */
export interface ChatExchange<Body> {
  body: Body;
  request: ChatRequest;
  ctx: CallContext;
}

export interface ChatProtocol<Body> {
  /** what the call is recorded as */
  endpoint: Endpoint;
  body: z.ZodType<Body>;
  errorFormat: ErrorFormat;
  toChatRequest(body: Body): ChatRequest;
  /** the hash of the body's cache_control prefix (affinity.ts), for protocols whose marks the canonical request does not keep */
  cachedPrefix?(body: Body): string | null;
  /** whether the HTTP request asks for a streamed answer whatever its body says (an Accept header), for the protocols that honour one */
  streamsFor?(request: InboundRequest): boolean;
  /** the answer to a call that did not stream */
  answer(completion: ChatCompletion, exchange: ChatExchange<Body>): unknown;
  /** the writer of a streamed answer, made once the upstream's first chunk is in */
  encoder(exchange: ChatExchange<Body>): StreamEncoder;
}
