// A protocol-faithful fake of OpenAI's API on loopback: chat completions (JSON and SSE with
// `data:` events, a final usage chunk when stream_options.include_usage is set, and `[DONE]`),
// streamed tool-call argument deltas, embeddings (float and base64), models, and OpenAI-shaped
// errors. The model name picks the behaviour:
//
//   fake-error-<status>  fails with that HTTP status (429 carries Retry-After)
//   fake-hang            accepts the request and never answers
//   fake-gated           streams its first chunk, then waits for release()
//   fake-slow            50 ms between chunks (300 ms before a JSON answer)
//   fake-stream-error    two chunks, then an SSE error event
//   fake-reasoning       usage with cached and reasoning tokens
//   anything with tools  answers with a get_weather tool call
//   anything else        "Hello from the fake upstream! You said: <last user text>"
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | null;
  /** the connection closed before the fake finished its answer */
  closedEarly: boolean;
  finished: boolean;
  /** the text content the fake sent, per choice 0 */
  sentText: string;
}

export interface FakeOpenAI {
  /** base URL including /v1, as the openai SDK wants it */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** lets every gated stream continue */
  release(): void;
  /** resolves when a request's connection closed before the fake finished answering */
  waitForEarlyClose(timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

type Message = { role: string; content?: unknown };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function text(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.flatMap((p: { type?: string; text?: string }) => (p.type === "text" && p.text ? [p.text] : [])).join(" ");
  return "";
}

function promptTokens(body: Record<string, unknown>): number {
  const messages = (body.messages as Message[] | undefined) ?? [];
  return 8 + messages.reduce((n, m) => n + text(m.content).split(/\s+/).filter(Boolean).length, 0);
}

function replyPieces(body: Record<string, unknown>): string[] {
  const messages = (body.messages as Message[] | undefined) ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const reply = `Hello from the fake upstream! You said: ${text(lastUser?.content)}`;
  return reply.split(/(?<= )/);
}

const TOOL_ARGUMENT_PIECES = ['{"city":', ' "Paris",', ' "unit": "cel', 'sius"}'];

function errorBody(status: number, model: string) {
  const known: Record<number, [string, string, string | null]> = {
    400: ["invalid_request_error", `The model \`${model}\` does not support this request.`, "unsupported_parameter"],
    401: ["invalid_request_error", "Incorrect API key provided: sk-up***-key. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key"],
    403: ["invalid_request_error", "Project does not have access to this model.", "model_not_found"],
    404: ["invalid_request_error", `The model \`${model}\` does not exist or you do not have access to it.`, "model_not_found"],
    429: ["requests", "Rate limit reached for requests. Please try again in 7s.", "rate_limit_exceeded"],
    500: ["server_error", "The server had an error while processing your request. Sorry about that!", null],
    503: ["server_error", "The engine is currently overloaded, please try again later.", null],
  };
  const [type, message, code] = known[status] ?? ["server_error", `fake failure ${status}`, null];
  return { error: { message, type, param: null, code } };
}

function usage(body: Record<string, unknown>, completion: number, model: string) {
  const prompt = promptTokens(body);
  const reasoning = model === "fake-reasoning";
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: reasoning ? 8 : 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning ? 12 : 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function embedding(input: string, dimensions: number): number[] {
  const digest = createHash("sha256").update(input).digest();
  return Array.from({ length: dimensions }, (_, i) => (digest[i % digest.length]! - 128) / 128);
}

export async function startFakeOpenAI(options: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? "sk-upstream-fake-secret-0123456789abcdef";
  const requests: RecordedRequest[] = [];
  let gate: { promise: Promise<void>; open: () => void };
  const newGate = () => {
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    gate = { promise, open };
  };
  newGate();
  const earlyCloseWaiters: Array<(r: RecordedRequest) => void> = [];

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
      closedEarly: false,
      finished: false,
      sentText: "",
    };
    requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) {
        record.closedEarly = true;
        for (const wake of earlyCloseWaiters.splice(0)) wake(record);
      }
    });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${requests.length}`, ...headers });
      res.end(JSON.stringify(payload));
      record.finished = true;
    };

    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(401, errorBody(401, ""));
    const body = record.body ?? {};
    const model = String(body.model ?? "");

    if (req.method === "GET" && req.url === "/v1/models") {
      return json(200, { object: "list", data: [{ id: "fake-model", object: "model", created: 1700000000, owned_by: "fake" }] });
    }
    if (req.method !== "POST") return json(404, errorBody(404, model));

    const failure = /^fake-error-(\d{3})$/.exec(model);
    if (failure) {
      const status = Number(failure[1]);
      return json(status, errorBody(status, model), status === 429 ? { "retry-after": "7" } : {});
    }
    if (model === "fake-hang") return; // never answers; the client must time out or give up

    if (req.url === "/v1/embeddings") {
      const inputs = Array.isArray(body.input) ? (body.input as unknown[]).map(String) : [String(body.input)];
      const dimensions = Number(body.dimensions ?? 8);
      const base64 = body.encoding_format === "base64";
      const data = inputs.map((input, index) => {
        const vector = embedding(input, dimensions);
        return { object: "embedding", index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector };
      });
      const tokens = inputs.reduce((n, i) => n + i.split(/\s+/).filter(Boolean).length, 0);
      return json(200, { object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
    }
    if (req.url !== "/v1/chat/completions") return json(404, errorBody(404, model));

    const id = `chatcmpl-fake${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const n = Number(body.n ?? 1);
    const withTools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== "none";
    const pieces = replyPieces(body);

    if (!body.stream) {
      if (model === "fake-slow") await sleep(300);
      if (model === "fake-gated") await gate.promise;
      const choices = Array.from({ length: n }, (_, index) =>
        withTools
          ? {
              index,
              message: {
                role: "assistant",
                content: null,
                tool_calls: [{ id: `call_${index}`, type: "function", function: { name: "get_weather", arguments: TOOL_ARGUMENT_PIECES.join("") } }],
                refusal: null,
              },
              logprobs: null,
              finish_reason: "tool_calls",
            }
          : { index, message: { role: "assistant", content: pieces.join(""), refusal: null }, logprobs: null, finish_reason: "stop" },
      );
      record.sentText = withTools ? "" : pieces.join("");
      const completion = withTools ? TOOL_ARGUMENT_PIECES.length + 2 : pieces.length;
      return json(200, { id, object: "chat.completion", created, model, choices, usage: usage(body, completion * n, model), system_fingerprint: "fp_fake" });
    }

    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`);
    const perChoice = (delta: Record<string, unknown>, finish: string | null = null) =>
      Array.from({ length: n }, (_, index) => ({ index, delta, logprobs: null, finish_reason: finish }));

    send(perChoice({ role: "assistant", content: withTools ? null : "", refusal: null }));
    let sent = 0;
    if (withTools) {
      send(perChoice({ tool_calls: [{ index: 0, id: "call_0", type: "function", function: { name: "get_weather", arguments: "" } }] }));
      for (const piece of TOOL_ARGUMENT_PIECES) {
        if (res.destroyed) return;
        send(perChoice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
        sent++;
        if (model === "fake-slow") await sleep(50);
      }
    } else {
      for (const [i, piece] of pieces.entries()) {
        if (res.destroyed) return;
        send(perChoice({ content: piece }));
        record.sentText += piece;
        sent++;
        if (model === "fake-gated" && i === 0) await gate.promise;
        if (model === "fake-slow") await sleep(50);
        if (model === "fake-stream-error" && i === 1) {
          res.write(`data: ${JSON.stringify({ error: { message: "The upstream model crashed mid-answer.", type: "server_error", param: null, code: null } })}\n\n`);
          res.end();
          return;
        }
      }
    }
    if (res.destroyed) return;
    send(perChoice({}, withTools ? "tool_calls" : "stop"));
    if (includeUsage) {
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices: [], usage: usage(body, (sent + (withTools ? 2 : 0)) * n, model) })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
    record.finished = true;
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    release() {
      gate.open();
      newGate();
    },
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
      gate.open();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
