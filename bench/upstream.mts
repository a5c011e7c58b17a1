// The benchmark's upstream: an OpenAI chat-completions endpoint that answers after a fixed latency,
// non-streamed or as a 20-chunk stream with usage, and nothing else — no recording, no scenarios — so
// that what is measured is the gateway in front of it. Runs as its own process:
//
//   node --import tsx bench/upstream.mts --port 4100 --latency 50
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" }, latency: { type: "string", default: "0" } } });
const latency = Number(values.latency);
export const STREAM_CHUNKS = 20;

const created = Math.floor(Date.now() / 1000);
const usage = { prompt_tokens: 12, completion_tokens: STREAM_CHUNKS, total_tokens: 12 + STREAM_CHUNKS, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
const completion = (model: string) =>
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "word ".repeat(STREAM_CHUNKS).trim(), refusal: null }, finish_reason: "stop", logprobs: null }],
    usage,
  });
const chunk = (model: string, delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;

const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url?.endsWith("/models")) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ id: "bench-model", object: "model", created, owned_by: "bench" }] }));
    return;
  }
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (d: string) => (raw += d));
  req.on("end", async () => {
    const body = JSON.parse(raw || "{}") as { model?: string; stream?: boolean };
    const model = body.model ?? "bench-model";
    await wait(latency);
    if (!body.stream) {
      res.writeHead(200, { "content-type": "application/json" }).end(completion(model));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk(model, { role: "assistant", content: "" }));
    for (let i = 0; i < STREAM_CHUNKS; i++) res.write(chunk(model, { content: i ? " word" : "word" }));
    res.write(chunk(model, {}, "stop"));
    res.write(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), "127.0.0.1", () => {
  const address = server.address();
  console.log(JSON.stringify({ ready: true, port: typeof address === "object" && address ? address.port : 0 }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
