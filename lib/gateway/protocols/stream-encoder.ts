import type { ChatCompletionChunk } from "../../canonical/completion";
import type { ApiError } from "../../http/api-error";

/** How a client protocol writes canonical chunks as Server-Sent Events (the relay, relay/sse.ts, sends them). */
export interface StreamEncoder {
  /** the frames for one chunk, written as soon as it arrives (none to leave it out) */
  chunk(chunk: ChatCompletionChunk): string[];
  /** the frames after the last chunk */
  end(): string[];
  /** the frame that reports a failure once the response has started */
  error(error: ApiError): string;
}
