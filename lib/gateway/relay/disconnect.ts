import type { ServerResponse } from "node:http";
import { env } from "../../env";
import { ApiError } from "../../http/api-error";

// "The client went away", decided here for every transport and endpoint. A transport only reports
// it: Node's server through clientGone(res), Next by aborting the request's signal or cancelling the
// body it was reading. What it means for the call:
// - before an answer streams, the upstream call is cancelled at once (followClient);
// - while a stream is relayed, nothing more is written; the upstream is read on for up to
//   HUB_DISCONNECT_DRAIN_MS so that its own final usage is what is charged, and cancelled after
//   that (drainAfterClientLeft); the call is recorded as 499.

export const clientClosed = () =>
  new ApiError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "The client closed the connection mid-stream." });

/** Node's report: aborted when the response closes before all of it was written. */
export function clientGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once("close", () => res.writableFinished || gone.abort());
  return gone.signal;
}

/** Cancels the call's upstream request when the client leaves, unless a stream is being relayed. */
export function followClient(signal: AbortSignal | null | undefined, call: { relaying: boolean }, upstream: AbortController): void {
  signal?.addEventListener("abort", () => call.relaying || upstream.abort(), { once: true });
}

/** Reads the rest of the upstream until it ends or the drain window closes; true when it ended. */
async function drain<T>(iterator: AsyncIterator<T>, observe: (chunk: T) => void): Promise<boolean> {
  const deadline = Date.now() + env().HUB_DISCONNECT_DRAIN_MS;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), left)));
    const next = await Promise.race([iterator.next(), timeout]).catch(() => ({ done: true as const, value: undefined }));
    clearTimeout(timer);
    if (next === "timeout") return false;
    if (next.done) return true;
    observe(next.value);
  }
}

/** A relayed stream whose client left: each chunk still to come goes to `observe` until the upstream ends or the window closes, which cancels it. */
export async function drainAfterClientLeft<T>(upstream: AbortController, iterator: AsyncIterator<T>, observe: (chunk: T) => void): Promise<void> {
  if (await drain(iterator, observe)) return;
  upstream.abort();
  await iterator.return?.().catch(() => undefined);
}
