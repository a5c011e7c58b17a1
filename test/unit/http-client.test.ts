import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postEventStream, postJson } from "@/lib/providers/shared/http-client";
import { UpstreamError } from "@/lib/providers/upstream-error";

// The chat hot path's own HTTP client against a loopback server that answers as OpenAI-style
// upstreams do: JSON, Server-Sent Events cut at awkward places, error bodies, slow answers.

type Scenario = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const scenarios: Record<string, Scenario> = {
  "/json": (req, res, body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ echo: JSON.parse(body), auth: req.headers.authorization, extra: req.headers["x-extra"] })),
  "/limited": (_req, res) =>
    res.writeHead(429, { "content-type": "application/json", "retry-after": "7" }).end(JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded", param: null } })),
  "/html": (_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("Bad Gateway\n<html>…</html>"),
  "/slow": (_req, res) => setTimeout(() => res.writeHead(200).end("{}"), 500),
  "/stream": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    // an event split across writes, CRLF line ends, a comment, a multi-line data field, then [DONE]
    const wire = [': keep-alive\n\n', 'data: {"n":', '1}\r\n\r\n', 'data: {"n":2}\n\ndata: {"n":\ndata: 3}\n\n', "data: [DONE]\n\n", 'data: {"n":4}\n\n'];
    let i = 0;
    const next = () => (i < wire.length ? (res.write(wire[i++]), setTimeout(next, 5)) : res.end());
    next();
  },
  // [DONE], then the body's end a moment later, as an upstream that flushes before it closes
  "/stream-linger": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write('data: {"n":1}\n\ndata: [DONE]\n\n');
    setTimeout(() => res.end(), 300);
  },
  // an upstream that goes on generating until its reader goes away
  "/stream-endless": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const timer = setInterval(() => res.write('data: {"n":1}\n\n'), 5);
    res.on("close", () => {
      clearInterval(timer);
      endlessClosed();
    });
  },
  "/stream-error": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end('data: {"n":1}\n\ndata: {"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}\n\n');
  },
};

let origin = "";
let connections = 0;
let endlessClosed: () => void;
const endlessClosedPromise = new Promise<void>((resolve) => (endlessClosed = resolve));
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => scenarios[req.url ?? ""]!(req, res, body));
});
server.on("connection", () => connections++);
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as UpstreamError);

describe("postJson", () => {
  it("posts JSON with the given headers and returns the parsed answer", async () => {
    const answer = await postJson(`${origin}/json`, { authorization: "Bearer k", "x-extra": "1" }, { model: "m", messages: [] }, options());
    expect(answer).toEqual({ echo: { model: "m", messages: [] }, auth: "Bearer k", extra: "1" });
  });

  it("turns an OpenAI-style error body into an UpstreamError with status, type, code and Retry-After", async () => {
    const error = await failure(postJson(`${origin}/limited`, {}, {}, options()));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: "http", status: 429, message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded", retryAfter: 7 });
  });

  it("reports a non-JSON error page by its first line", async () => {
    expect(await failure(postJson(`${origin}/html`, {}, {}, options()))).toMatchObject({ kind: "http", status: 502, message: "Bad Gateway" });
  });

  it("times out an upstream that does not answer in time, and reports an unreachable one", async () => {
    expect(await failure(postJson(`${origin}/slow`, {}, {}, { ...options(), timeoutMs: 100 }))).toMatchObject({ kind: "timeout" });
    expect(await failure(postJson("http://127.0.0.1:1/x", {}, {}, options()))).toMatchObject({ kind: "connection" });
  });

  it("reports a body JSON cannot encode as the request's fault, not a connection failure", async () => {
    const deep: unknown[] = [];
    let inner = deep;
    for (let i = 0; i < 20_000; i++) inner = (inner[0] = []) as unknown[];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const payload of [{ extra: 1n }, { extra: deep }, cyclic]) {
      expect(await failure(postJson(`${origin}/json`, {}, payload, options()))).toMatchObject({ kind: "request", message: expect.stringMatching(/cannot be encoded as JSON/) });
    }
  });

  it("reports a call its caller cancelled as aborted", async () => {
    const abort = new AbortController();
    const pending = failure(postJson(`${origin}/slow`, {}, {}, { signal: abort.signal, timeoutMs: 5000 }));
    setTimeout(() => abort.abort(), 20);
    expect(await pending).toMatchObject({ kind: "aborted" });
  });
});

describe("postEventStream", () => {
  const collect = async (path: string) => {
    const seen: unknown[] = [];
    for await (const event of await postEventStream(`${origin}${path}`, {}, {}, options())) seen.push(event);
    return seen;
  };

  it("yields each event's data, whatever the line ends and however the bytes were cut, until [DONE]", async () => {
    expect(await collect("/stream")).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("throws an error event sent mid-stream as an UpstreamError, after the events before it", async () => {
    const seen: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const event of await postEventStream(`${origin}/stream-error`, {}, {}, options())) seen.push(event);
      })(),
    );
    expect(seen).toEqual([{ n: 1 }]);
    expect(error).toMatchObject({ kind: "http", status: 502, message: "overloaded", code: "overloaded" });
  });

  it("stops at [DONE] without cutting the connection or waiting for the body's end, so the next call reuses it", async () => {
    await collect("/stream-linger"); // the pool may open its connection here
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      expect(await collect("/stream-linger")).toEqual([{ n: 1 }]);
      expect(Date.now() - started).toBeLessThan(200); // the body ends 300 ms after [DONE]
      await new Promise((r) => setTimeout(r, 350)); // the drain finishes and the connection goes back to the pool
    }
    expect(connections - before).toBe(0);
  });

  it("cuts the connection when its consumer stops early, so the upstream stops generating", async () => {
    for await (const event of await postEventStream(`${origin}/stream-endless`, {}, {}, options())) {
      expect(event).toEqual({ n: 1 });
      break;
    }
    await expect(Promise.race([endlessClosedPromise.then(() => "closed"), new Promise((r) => setTimeout(() => r("still open"), 1000))])).resolves.toBe("closed");
  });
});
