import type { IncomingMessage, ServerResponse } from "node:http";

// A request answered before its body was read to the end (refused, 413, or answered without it)
// must not keep its connection: Node would otherwise read and discard the rest of the body to reach
// the next request on it — for an endless body, forever. Closing at once is no better: the client is
// still sending, the kernel answers its bytes with a reset, and a reset makes the client's kernel
// drop the answer it has not read yet. So, as nginx and Apache do ("lingering close"): send the
// answer, half-close, discard what still arrives for a short, bounded while, then close.

const LINGER_MS = 1000;
const LINGER_BYTES = 4 * 1024 * 1024;

export function closeWhenAnsweredEarly(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    if (req.complete) return;
    const socket = req.socket;
    const close = () => socket.destroy();
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    let discarded = 0;
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) close();
    });
    req.on("error", close);
    req.resume();
    socket.end();
  });
}
