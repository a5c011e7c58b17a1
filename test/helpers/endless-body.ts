import { connect, type Socket } from "node:net";

// A client that sends a request's headers and then an endless chunked body, as an attacker holding a
// connection open would, and measures what the server accepted: the bytes the socket took before the
// answer arrived and after it. A server that stops reading fills the socket buffers and the writes
// stall (or the connection closes); one that keeps reading takes everything offered.

export interface EndlessBodyResult {
  /** the answer's status line code; null when none came within the bounds */
  status: number | null;
  /** the answer as received (head and the start of its body) */
  answer: string;
  /** body bytes the socket took before the answer arrived */
  bytesBeforeAnswer: number;
  /** body bytes the socket took after the answer, while the client went on sending */
  bytesAfterAnswer: number;
  /** milliseconds from the first body byte to the answer */
  answeredAfterMs: number | null;
}

export interface EndlessBodyOptions {
  headers: Record<string, string>;
  /** stop sending (without an answer) after this many bytes; bounds the test */
  maxBytes?: number;
  /** stop waiting for an answer after this long */
  maxMs?: number;
  /** keep sending this long after the answer, to see whether the server still reads */
  afterAnswerMs?: number;
  /** send `content-length` instead of chunked framing (a length the body then exceeds, or matches) */
  contentLength?: number;
}

const CHUNK = Buffer.alloc(64 * 1024, "a");
const FRAME = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from("\r\n")]);

export async function sendEndlessBody(url: string, options: EndlessBodyOptions): Promise<EndlessBodyResult> {
  const { maxBytes = 96 * 1024 * 1024, maxMs = 20_000, afterAnswerMs = 1500 } = options;
  const target = new URL(url);
  const socket: Socket = connect(Number(target.port), target.hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const framing = options.contentLength === undefined ? { "transfer-encoding": "chunked" } : { "content-length": String(options.contentLength) };
  const head = Object.entries({ host: target.host, ...framing, ...options.headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.write(`POST ${target.pathname}${target.search} HTTP/1.1\r\n${head}\r\n`);

  let answer = "";
  let answeredAt: number | null = null;
  let closed = false;
  socket.on("data", (data: Buffer) => {
    answer += data.toString("latin1");
    if (answeredAt === null && /^HTTP\/1\.1 \d{3}/.test(answer)) answeredAt = Date.now();
  });
  socket.on("error", () => (closed = true));
  socket.on("close", () => (closed = true));

  const started = Date.now();
  const frame = options.contentLength === undefined ? FRAME : CHUNK;
  let before = 0;
  let after = 0;
  // one write at a time, counted when the socket has taken it: what was counted is what the socket accepted
  let pending: Promise<boolean> | null = null;
  const taken = () => {
    if (answeredAt === null) before += CHUNK.length;
    else after += CHUNK.length;
  };
  for (;;) {
    if (closed) break;
    if (answeredAt !== null ? Date.now() - answeredAt > afterAnswerMs : before >= maxBytes || Date.now() - started > maxMs) break;
    pending ??= new Promise<boolean>((resolve) => socket.write(frame, (error) => resolve(!error)));
    const done = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (done === null) continue;
    pending = null;
    if (done) taken();
  }
  // an answer that arrived while the last write waited
  await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
  return { status: status ? Number(status) : null, answer, bytesBeforeAnswer: before, bytesAfterAnswer: after, answeredAfterMs: answeredAt === null ? null : answeredAt - started };
}

/** The JSON body of an answer read by sendEndlessBody (for a non-chunked JSON answer). */
export function answerJson(result: EndlessBodyResult): unknown {
  const split = result.answer.indexOf("\r\n\r\n");
  const head = result.answer.slice(0, split);
  let body = result.answer.slice(split + 4);
  if (/transfer-encoding: chunked/i.test(head)) {
    let text = "";
    for (;;) {
      const eol = body.indexOf("\r\n");
      const size = Number.parseInt(body.slice(0, eol), 16);
      if (!size) break;
      text += body.slice(eol + 2, eol + 2 + size);
      body = body.slice(eol + 2 + size + 2);
    }
    body = text;
  }
  return JSON.parse(Buffer.from(body, "latin1").toString("utf8"));
}
