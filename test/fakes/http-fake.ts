// The loopback HTTP server under every fake upstream: records each request, notices connections that
// close before the answer is finished, and shares one release()-able gate.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createGate, type FakeUpstream, type RecordedRequest } from "./contract";

export interface FakeExchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
  /** the raw request body */
  raw: Buffer;
  /** URL of the request (path and query parsed) */
  url: URL;
  /** waits until the test calls release() */
  gate(): Promise<void>;
  /** sends a JSON answer and marks the exchange finished */
  json(status: number, payload: unknown, headers?: Record<string, string>): void;
  /** marks a streamed answer finished (call after res.end()) */
  finish(): void;
}

export async function startHttpFake(handle: (exchange: FakeExchange) => Promise<void> | void, options: { basePath?: string; port?: number } = {}): Promise<FakeUpstream & { origin: string }> {
  const requests: RecordedRequest[] = [];
  const gate = createGate();
  const earlyCloseWaiters: Array<(r: RecordedRequest) => void> = [];

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let body: Record<string, unknown> | null = null;
    if (raw.length && /json/.test(String(req.headers["content-type"] ?? "json"))) {
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        body = null;
      }
    }
    const record: RecordedRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body, closedEarly: false, finished: false, sentText: "" };
    requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) {
        record.closedEarly = true;
        for (const wake of earlyCloseWaiters.splice(0)) wake(record);
      }
    });
    const exchange: FakeExchange = {
      req,
      res,
      record,
      raw,
      url: new URL(req.url ?? "/", "http://fake.local"),
      gate: gate.wait,
      json(status, payload, headers = {}) {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
        record.finished = true;
      },
      finish() {
        record.finished = true;
      },
    };
    try {
      await handle(exchange);
    } catch (error) {
      if (!res.headersSent) exchange.json(500, { error: `fake upstream crashed: ${(error as Error).message}` });
      else res.destroy();
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}${options.basePath ?? ""}`,
    requests,
    release: gate.release,
    waitForEarlyClose(timeoutMs = 5000) {
      const already = requests.find((r) => r.closedEarly);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no upstream request was closed early")), timeoutMs);
        earlyCloseWaiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    close() {
      gate.release();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
