// A protocol-faithful fake of OpenAI's API, and of the OpenAI-compatible providers that differ from it
// in small ways (the `flavor`), on loopback:
//
//   POST /v1/chat/completions   JSON, or SSE `data:` events ending with `data: [DONE]`; with
//                               stream_options.include_usage, every chunk carries `usage: null` and a
//                               final chunk with `choices: []` carries the usage
//   POST /v1/embeddings         float vectors, or base64 little-endian float32 when asked
//   POST /v1/images/generations b64_json (or url) images
//   GET  /v1/models             a one-model list
//   POST /v1/audio/transcriptions  multipart uploads of a WAV (openai-audio.ts has the details, and wavFile()
//   POST /v1/audio/translations    to make one): json, text, srt, vtt or verbose_json transcripts
//   POST /v1/audio/speech          audio streamed in 4 chunks 40 ms apart; record.sentAt tells when they left
//   POST /v1/moderations           one result per input; text containing "kill" is flagged as violence
//                                  (these four: "openai" flavor only)
//   /v1/videos …                   Sora's video jobs (openai-videos.ts; "openai" flavor only): create, retrieve,
//                                  download, list, delete, with knobs on `fake.videos`
//
// Errors are OpenAI's {error:{message,type,param,code}}; the model name picks the scenario (contract.ts).
// Flavors:
//   deepseek    cache hits as prompt_cache_hit_tokens/miss; reasoning as `reasoning_content`; refuses
//               `reasoning_content` sent back in input messages (400), as DeepSeek does
//   openrouter  usage on every stream (asked or not) with a `cost`; reasoning as `reasoning`
//   xai         grok-4 models refuse presence/frequency penalties and stop (400); reasoning_content
//   doubao      reasoning_content; accepts endpoint ids (ep-…) as models
//   poe         refuses parameters outside Poe's documented list (400)
import { createHash } from "node:crypto";
import {
  CACHE_READ_TOKENS,
  REASONING_TEXT,
  REASONING_TOKENS,
  RETRY_AFTER_SECONDS,
  TOOL_ARGUMENT_PIECES,
  LONG_ANSWER_TOKENS,
  longAnswerTokens,
  promptTokens,
  replyPieces,
  scenarioFor,
  sleep,
  type FakeUpstream,
  type SeenImage,
} from "./contract";
import { startHttpFake, type FakeExchange } from "./http-fake";
import { OPENAI_AUDIO_PATHS, handleOpenAIAudio } from "./openai-audio";
import { createOpenAIVideos, isVideosPath, type FakeOpenAIVideos } from "./openai-videos";

export type OpenAIFlavor = "openai" | "deepseek" | "openrouter" | "xai" | "doubao" | "poe";

export interface FakeOpenAI extends FakeUpstream {
  apiKey: string;
  /** accepts another key from now on (a key rotated back in at the provider) */
  allowKey(key: string): void;
  /** the video jobs, and the knobs that pace and break them */
  videos: FakeOpenAIVideos;
}

/** A 1×1 PNG, what image generation returns. */
export const FAKE_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const POE_PARAMETERS = new Set([
  "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stream", "stream_options", "stop", "tools", "tool_choice", "parallel_tool_calls",
]);

type Message = { role: string; content?: unknown; reasoning_content?: unknown };
type ContentPart = { type?: string; text?: string; image_url?: { url?: string } };

function seenImage(url: string): SeenImage {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { mediaType: data[1]!, bytes: Buffer.from(data[2]!, "base64").length };
  const ext = /\.(png|jpe?g|gif|webp)(\?|$)/i.exec(url)?.[1]?.toLowerCase();
  return { mediaType: ext ? `image/${ext === "jpg" ? "jpeg" : ext}` : "image/unknown", bytes: 0 };
}

function texts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return (content as ContentPart[]).flatMap((p) => (p.type === "text" && p.text ? [p.text] : []));
}

function lastUserTurn(messages: Message[]): { text: string; images: SeenImage[] } {
  const last = [...messages].reverse().find((m) => m.role === "user");
  const images = Array.isArray(last?.content)
    ? (last!.content as ContentPart[]).flatMap((p) => (p.type === "image_url" && p.image_url?.url ? [seenImage(p.image_url.url)] : []))
    : [];
  return { text: texts(last?.content).join(" "), images };
}

function errorBody(status: number, model: string) {
  const known: Record<number, [string, string, string | null]> = {
    400: ["invalid_request_error", `The model \`${model}\` does not support this request.`, "unsupported_parameter"],
    401: ["invalid_request_error", "Incorrect API key provided: sk-up***-key. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key"],
    403: ["invalid_request_error", "Project does not have access to this model.", "model_not_found"],
    404: ["invalid_request_error", `The model \`${model}\` does not exist or you do not have access to it.`, "model_not_found"],
    429: ["requests", `Rate limit reached for requests. Please try again in ${RETRY_AFTER_SECONDS}s.`, "rate_limit_exceeded"],
    500: ["server_error", "The server had an error while processing your request. Sorry about that!", null],
    503: ["server_error", "The engine is currently overloaded, please try again later.", null],
  };
  const [type, message, code] = known[status] ?? ["server_error", `fake failure ${status}`, null];
  return { error: { message, type, param: null, code } };
}

function embedding(input: string, dimensions: number): number[] {
  const digest = createHash("sha256").update(input).digest();
  return Array.from({ length: dimensions }, (_, i) => (digest[i % digest.length]! - 128) / 128);
}

/** A request the flavor's real service would refuse, with its error; null when fine. */
function refusal(flavor: OpenAIFlavor, body: Record<string, unknown>): string | null {
  if (flavor === "poe") {
    const unknown = Object.keys(body).filter((k) => !POE_PARAMETERS.has(k));
    if (unknown.length) return `Unsupported parameter(s): ${unknown.join(", ")}`;
  }
  if (flavor === "deepseek" && (body.messages as Message[]).some((m) => m.reasoning_content !== undefined)) {
    return "The reasoning_content is an intermediate result for display purposes only and will not be included in the context for inference. Please remove the reasoning_content from your input messages.";
  }
  if (flavor === "xai" && String(body.model).startsWith("grok-4")) {
    const refused = ["presence_penalty", "frequency_penalty", "stop"].filter((k) => body[k] !== undefined);
    if (refused.length) return `Argument not supported on this model: ${refused[0]}`;
  }
  return null;
}

function usageFor(flavor: OpenAIFlavor, body: Record<string, unknown>, counted: number, scenario: string) {
  // a long answer is reported, not written: the usage is what a client is billed for
  const long = longAnswerTokens(String(body.model), body.max_completion_tokens ?? body.max_tokens);
  const completion = long === null ? counted : long * Number(body.n ?? 1);
  const prompt = promptTokens((body.messages as Message[]).flatMap((m) => texts(m.content)));
  const cached = scenario === "cache" ? CACHE_READ_TOKENS : 0;
  const reasoning = scenario === "reasoning" ? REASONING_TOKENS : 0;
  const base = { prompt_tokens: prompt, completion_tokens: completion + reasoning, total_tokens: prompt + completion + reasoning };
  if (flavor === "deepseek") {
    return { ...base, prompt_cache_hit_tokens: cached, prompt_cache_miss_tokens: prompt - cached, completion_tokens_details: { reasoning_tokens: reasoning } };
  }
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    ...(flavor === "openrouter" ? { cost: 0.0000123 } : {}),
  };
}

export async function startFakeOpenAI(options: { apiKey?: string; flavor?: OpenAIFlavor; port?: number } = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? "sk-upstream-fake-secret-0123456789abcdef";
  const accepted = new Set([apiKey]);
  const flavor = options.flavor ?? "openai";
  const reasoningField = flavor === "openrouter" ? "reasoning" : "reasoning_content";
  const videos = createOpenAIVideos(errorBody);

  async function chat(x: FakeExchange, body: Record<string, unknown>) {
    const model = String(body.model ?? "");
    const scenario = scenarioFor(model);
    const id = `chatcmpl-fake${x.record.path.length}${Date.now()}`;
    const created = Math.floor(Date.now() / 1000);
    const n = Number(body.n ?? 1);
    const withTools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== "none";
    const { text, images } = lastUserTurn(body.messages as Message[]);
    const pieces = replyPieces(text, images);
    const reasoning = scenario.kind === "reasoning" ? REASONING_TEXT : "";
    const toolName = withTools ? String((body.tools as Array<{ function: { name: string } }>)[0]!.function.name) : "";

    if (!body.stream) {
      if (scenario.kind === "slow") await sleep(300);
      if (scenario.kind === "gated") await x.gate();
      const message = withTools
        ? { role: "assistant", content: null, tool_calls: [{ id: "call_0", type: "function", function: { name: toolName, arguments: TOOL_ARGUMENT_PIECES.join("") } }], refusal: null }
        : { role: "assistant", content: pieces.join(""), refusal: null, ...(reasoning ? { [reasoningField]: reasoning } : {}) };
      const choices = Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: withTools ? "tool_calls" : "stop" }));
      x.record.sentText = withTools ? "" : pieces.join("");
      const completion = (withTools ? TOOL_ARGUMENT_PIECES.length + 2 : pieces.length) * n;
      return x.json(200, { id, object: "chat.completion", created, model, choices, usage: usageFor(flavor, body, completion, scenario.kind), system_fingerprint: "fp_fake" });
    }

    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true || flavor === "openrouter";
    x.res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      x.res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`);
    const perChoice = (delta: Record<string, unknown>, finish: string | null = null) =>
      Array.from({ length: n }, (_, index) => ({ index, delta, logprobs: null, finish_reason: finish }));

    send(perChoice({ role: "assistant", content: withTools ? null : "", refusal: null }));
    if (flavor === "openrouter") x.res.write(": OPENROUTER PROCESSING\n\n");
    if (reasoning) send(perChoice({ [reasoningField]: reasoning }));
    let sent = 0;
    if (withTools) {
      send(perChoice({ tool_calls: [{ index: 0, id: "call_0", type: "function", function: { name: toolName, arguments: "" } }] }));
      for (const piece of TOOL_ARGUMENT_PIECES) {
        if (x.res.destroyed) return;
        send(perChoice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
        sent++;
        if (scenario.kind === "slow") await sleep(50);
      }
    } else {
      for (const [i, piece] of pieces.entries()) {
        if (x.res.destroyed) return;
        send(perChoice({ content: piece }));
        x.record.sentText += piece;
        sent++;
        if (scenario.kind === "gated" && i === 0) await x.gate();
        if (scenario.kind === "slow") await sleep(50);
        if (scenario.kind === "stream-error" && i === 1) {
          x.res.write(`data: ${JSON.stringify({ error: { message: "The upstream model crashed mid-answer.", type: "server_error", param: null, code: null } })}\n\n`);
          x.res.end();
          return;
        }
      }
    }
    if (x.res.destroyed) return;
    send(perChoice({}, withTools ? "tool_calls" : "stop"));
    if (includeUsage) {
      x.res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_fake", choices: [], usage: usageFor(flavor, body, (sent + (withTools ? 2 : 0)) * n, scenario.kind) })}\n\n`);
    }
    x.res.end("data: [DONE]\n\n");
    x.finish();
  }

  const fake = await startHttpFake(async (x) => {
    if (!accepted.has(String(x.req.headers.authorization).replace(/^Bearer /, ""))) return x.json(401, errorBody(401, ""));
    const body = x.record.body ?? {};
    const model = String(body.model ?? "");
    const path = x.url.pathname;

    if (x.req.method === "GET" && path === "/v1/models") {
      return x.json(200, { object: "list", data: [{ id: "fake-model", object: "model", created: 1700000000, owned_by: "fake" }] });
    }
    if (flavor === "openai" && isVideosPath(path)) return videos.handle(x);
    if (x.req.method !== "POST") return x.json(404, errorBody(404, model));
    // these read their model from a multipart form too, so they play the scenarios themselves
    if (flavor === "openai" && OPENAI_AUDIO_PATHS.has(path)) return handleOpenAIAudio(x, errorBody);
    const scenario = scenarioFor(model);
    if (scenario.kind === "error") return x.json(scenario.status, errorBody(scenario.status, model), scenario.status === 429 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {});
    if (scenario.kind === "hang") return; // never answers; the client must time out or give up

    if (path === "/v1/embeddings") {
      const inputs = Array.isArray(body.input) ? (body.input as unknown[]).map(String) : [String(body.input)];
      const dimensions = Number(body.dimensions ?? 8);
      const base64 = body.encoding_format === "base64";
      const data = inputs.map((input, index) => {
        const vector = embedding(input, dimensions);
        return { object: "embedding", index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector };
      });
      const tokens = model.endsWith("fake-long-uncapped") ? LONG_ANSWER_TOKENS * inputs.length : inputs.reduce((n, i) => n + i.split(/\s+/).filter(Boolean).length, 0);
      return x.json(200, { object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
    }
    if (path === "/v1/images/generations") {
      const count = Number(body.n ?? 1);
      const asUrl = body.response_format === "url";
      const data = Array.from({ length: count }, () => (asUrl ? { url: `${fake.origin}/files/image.png`, revised_prompt: body.prompt } : { b64_json: FAKE_PNG_BASE64 }));
      const output = longAnswerTokens(model, null) === null ? 272 : LONG_ANSWER_TOKENS * count;
      const usage = { input_tokens: 9, output_tokens: output, total_tokens: 9 + output, input_tokens_details: { text_tokens: 9, image_tokens: 0 } };
      return x.json(200, { created: Math.floor(Date.now() / 1000), data, ...(model.startsWith("gpt-image") ? { usage } : {}) });
    }
    if (path !== "/v1/chat/completions") return x.json(404, errorBody(404, model));
    const refused = refusal(flavor, body);
    if (refused) return x.json(400, { error: { message: refused, type: "invalid_request_error", param: null, code: "invalid_request" } });
    return chat(x, body);
  }, { basePath: "/v1", port: options.port });

  return { ...fake, apiKey, allowKey: (key) => accepted.add(key), videos };
}
