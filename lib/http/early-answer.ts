import type { IncomingMessage, ServerResponse } from "node:http";

// A request answered before its body was read to the end (refused, 413, or answered without it).
// Node then reads and discards the rest of the body to reach the next request on the connection —
// for an endless body, forever. Closing at once is no better: the client is still sending, the
// kernel answers its bytes with a reset, and a reset makes the client's kernel drop the answer it has
// not read yet; and a keep-alive client would reuse a connection we closed without a word.
// So: a short rest of the body (a small POST answered 401) is discarded and the connection kept, as
// Node does; a body that goes on past that is given a lingering close, as nginx and Apache do — the
// answer is out, the connection half-closed, what still arrives discarded for a bounded while, then
// the connection closed.

/** What is discarded, keeping the connection, before the body counts as too much to wait for. */
const KEEP_BYTES = 64 * 1024;
const KEEP_MS = 500;
/** The lingering close that follows: how long and how much is still discarded before closing. */
const LINGER_MS = 1000;
const LINGER_BYTES = 4 * 1024 * 1024;

export function closeWhenAnsweredEarly(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    if (req.complete) return;
    const socket = req.socket;
    let discarded = 0;
    let limit = KEEP_BYTES;
    let timer: NodeJS.Timeout;
    const done = () => {
      clearTimeout(timer);
      socket.off("data", count);
    };
    const lingerThenClose = () => {
      // past what a lingering close discards: read no more, but close only when the linger ends — a
      // reset now could make the client's kernel drop the answer before a busy client has read it
      if (limit === LINGER_BYTES) return void socket.pause();
      limit = LINGER_BYTES;
      discarded = 0;
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
      socket.end();
    };
    const count = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limit) lingerThenClose();
    };
    timer = setTimeout(lingerThenClose, KEEP_MS).unref();
    // counted on the socket: Node discards a dumped request's body without emitting it
    socket.on("data", count);
    // the body ended: within the allowance the connection serves its next request; while lingering,
    // nothing more arrives, so it can close without a reset
    req.once("end", () => (limit === LINGER_BYTES ? socket.destroy() : done()));
    req.once("error", () => socket.destroy());
    socket.once("close", done);
    req.resume();
  });
}
