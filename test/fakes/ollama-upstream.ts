// A wire-faithful fake of Ollama's native REST API on loopback: /api/chat (NDJSON stream by default,
// one JSON object with "stream": false), /api/embed, the legacy /api/embeddings, /api/tags and
// /api/version, with Ollama's flat {"error": "..."} bodies. The scenarios follow ./contract.ts; the
// Ollama-specific parts are:
//   - images are raw base64 (no media type); the type is sniffed from the decoded bytes
//   - tool calls arrive whole in one chunk, with an id and function.index (Ollama >= 0.12.10)
//   - thinking arrives in message.thinking, and only when the request's `think` asks for it
//   - a failure after the stream started is a line {"error": "..."}; there is no Retry-After
//   - there are no cache counters, so fake-cache behaves like any plain model
import { createHash, randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import {
  REASONING_TEXT,
  REASONING_TOKENS,
  TOOL_ARGUMENTS,
  TOOL_ARGUMENT_PIECES,
  promptTokens,
  replyPieces,
  scenarioFor,
  sleep,
  type FakeUpstream,
  type Scenario,
  type SeenImage,
} from "./contract";
import { startHttpFake, type FakeExchange } from "./http-fake";

export const OLLAMA_VERSION = "0.12.10";
export const EMBEDDING_DIMENSIONS = 768;
export const STREAM_ERROR_MESSAGE = "an error was encountered while running the model: unexpected EOF";

type Json = Record<string, unknown>;

interface ChatMessage {
  role: string;
  content: string;
  images: SeenImage[];
}

interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  think: boolean;
  /** the first tool's name, when the request offers tools */
  toolName: string | undefined;
}

interface ToolCall {
  id: string;
  function: { index: number; name: string; arguments: Json };
}

interface Answer {
  thinking: string[];
  content: string[];
  toolCalls: ToolCall[] | undefined;
  evalCount: number;
}

const ROLES = new Set(["system", "user", "assistant", "tool"]);
const THINK_LEVELS = new Set(["low", "medium", "high"]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function startFakeOllama(options: { apiKey?: string } = {}): Promise<FakeUpstream> {
  const fake = await startHttpFake(async (exchange) => {
    // Ollama itself has no auth; an authenticating proxy (or ollama.com) rejects before routing.
    if (options.apiKey && exchange.req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return exchange.json(401, { error: "unauthorized" });
    }
    await route(exchange);
  });
  return { url: fake.url, requests: fake.requests, release: fake.release, waitForEarlyClose: fake.waitForEarlyClose, close: fake.close };
}

async function route(exchange: FakeExchange): Promise<void> {
  const key = `${exchange.req.method} ${exchange.url.pathname}`;
  switch (key) {
    case "GET /":
    case "HEAD /":
      exchange.res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      exchange.res.end("Ollama is running");
      return exchange.finish();
    case "GET /api/version":
      return exchange.json(200, { version: OLLAMA_VERSION });
    case "GET /api/tags":
      return exchange.json(200, { models: [installedModel()] });
    case "POST /api/chat":
      return handleChat(exchange);
    case "POST /api/embed":
      return handleEmbed(exchange);
    case "POST /api/embeddings":
      return handleLegacyEmbeddings(exchange);
    default:
      // Ollama's router (gin) answers unknown routes and methods with a plain-text 404
      exchange.res.writeHead(404, { "content-type": "text/plain" });
      exchange.res.end("404 page not found");
      return exchange.finish();
  }
}

function installedModel() {
  return {
    name: "llama3.2:latest",
    model: "llama3.2:latest",
    modified_at: "2025-09-30T14:02:11.583401+02:00",
    size: 2019393189,
    digest: createHash("sha256").update("llama3.2:latest").digest("hex"),
    details: { parent_model: "", format: "gguf", family: "llama", families: ["llama"], parameter_size: "3.2B", quantization_level: "Q4_K_M" },
  };
}

// ---------------------------------------------------------------- request parsing

/**
 * The parsed body, or null after answering 400 the way Ollama does for an empty or broken body.
 * Ollama ignores Content-Type (curl -d sends a form type), so the raw bytes are parsed here too.
 */
function jsonBody(exchange: FakeExchange): Json | null {
  if (exchange.raw.length === 0) {
    exchange.json(400, { error: "missing request body" });
    return null;
  }
  let body: unknown;
  try {
    body = JSON.parse(exchange.raw.toString("utf8"));
  } catch (error) {
    exchange.json(400, { error: (error as Error).message });
    return null;
  }
  if (jsonKind(body) !== "object") {
    exchange.json(400, { error: `json: cannot unmarshal ${jsonKind(body)} into a request object` });
    return null;
  }
  exchange.record.body = body as Json;
  return exchange.record.body;
}

/** The JSON kind Go names in its unmarshal errors. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** Go's encoding/json error for a value of the wrong type, which Ollama returns verbatim. */
function typeError(value: unknown, field: string, goType: string): string {
  return `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${field} of type ${goType}`;
}

/**
 * Ollama decodes images with Go's strict base64 (padding required, no data: prefix); this returns
 * where Go would reject the string, or -1 when it decodes.
 */
function base64ErrorAt(data: string): number {
  const illegal = /[^A-Za-z0-9+/=\r\n]/.exec(data);
  if (illegal) return illegal.index;
  const compact = data.replace(/[\r\n]/g, "");
  const padding = compact.indexOf("=");
  if (padding !== -1 && (padding < compact.length - 2 || /[^=]/.test(compact.slice(padding)))) return padding;
  return compact.length % 4 === 0 ? -1 : compact.length - (compact.length % 4);
}

function sniffMediaType(bytes: Buffer): string {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  const head = bytes.toString("latin1", 0, 12);
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return "image/gif";
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "image/webp";
  return "application/octet-stream";
}

function parseImages(value: unknown): SeenImage[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return typeError(value, "Message.messages.images", "[]api.ImageData");
  const images: SeenImage[] = [];
  for (const image of value) {
    if (typeof image !== "string") return typeError(image, "Message.messages.images", "api.ImageData");
    const at = base64ErrorAt(image);
    if (at !== -1) return `illegal base64 data at input byte ${at}`;
    const bytes = Buffer.from(image, "base64");
    images.push({ mediaType: sniffMediaType(bytes), bytes: bytes.length });
  }
  return images;
}

/** Checks what Go's JSON binding would reject: content must be a string, tool arguments an object. */
function bindingError(message: Json): string | undefined {
  if (message.content !== undefined && message.content !== null && typeof message.content !== "string") {
    return typeError(message.content, "Message.messages.content", "string");
  }
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return undefined;
  if (!Array.isArray(calls)) return typeError(calls, "Message.messages.tool_calls", "[]api.ToolCall");
  for (const call of calls as Array<{ function?: { arguments?: unknown } }>) {
    const args = call?.function?.arguments;
    if (args !== undefined && args !== null && jsonKind(args) !== "object") {
      return typeError(args, "ToolCallFunction.messages.tool_calls.function.arguments", "api.ToolCallFunctionArguments");
    }
  }
  return undefined;
}

function parseMessage(raw: unknown): ChatMessage | string {
  if (jsonKind(raw) !== "object") return typeError(raw, "ChatRequest.messages", "api.Message");
  const message = raw as Json;
  const broken = bindingError(message);
  if (broken) return broken;
  const images = parseImages(message.images);
  if (typeof images === "string") return images;
  // Ollama lower-cases roles while unmarshalling
  return { role: String(message.role ?? "").toLowerCase(), content: (message.content as string | undefined) ?? "", images };
}

function parseThink(value: unknown): boolean | string {
  if (value === undefined || value === null || typeof value === "boolean") return value === true;
  if (typeof value === "string" && THINK_LEVELS.has(value)) return true;
  return `invalid think value: ${JSON.stringify(value)} (must be "high", "medium", "low", true, or false)`;
}

/** The request as Ollama understands it, or the message of the 400 it answers with. */
function parseChat(body: Json): ChatRequest | string {
  const rawMessages = body.messages ?? [];
  if (!Array.isArray(rawMessages)) return typeError(rawMessages, "ChatRequest.messages", "[]api.Message");
  const messages: ChatMessage[] = [];
  for (const raw of rawMessages) {
    const message = parseMessage(raw);
    if (typeof message === "string") return message;
    messages.push(message);
  }
  const think = parseThink(body.think);
  if (typeof think === "string") return think;

  const model = typeof body.model === "string" ? body.model : "";
  if (!model) return "model is required";
  const stranger = messages.find((m) => !ROLES.has(m.role));
  if (stranger) return `invalid role "${stranger.role}": must be one of system, user, assistant or tool`;

  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ function?: { name?: unknown } }>) : [];
  const toolName = tools.length > 0 ? String(tools[0]?.function?.name ?? "") : undefined;
  return { model, messages, stream: body.stream !== false, think, toolName };
}

// ---------------------------------------------------------------- scenarios

function errorMessage(status: number, model: string): string {
  switch (status) {
    case 400:
      return `"${model}" does not support chat`;
    case 401:
      return "unauthorized";
    case 404:
      return `model "${model}" not found, try pulling it first`;
    case 500:
      return "llama runner process has terminated: exit status 2";
    case 503:
      return "server busy, please try again.  maximum pending requests exceeded";
    default:
      return (STATUS_CODES[status] ?? `status ${status}`).toLowerCase();
  }
}

/** Plays the scenarios that decide before any answer; false when nothing more should be sent. */
function proceeds(exchange: FakeExchange, scenario: Scenario, model: string): boolean {
  if (scenario.kind === "error") {
    exchange.json(scenario.status, { error: errorMessage(scenario.status, model) });
    return false;
  }
  return scenario.kind !== "hang";
}

async function delayJsonAnswer(exchange: FakeExchange, scenario: Scenario): Promise<void> {
  if (scenario.kind === "slow") await sleep(300);
  if (scenario.kind === "gated") await exchange.gate();
}

// ---------------------------------------------------------------- /api/chat

const now = () => new Date().toISOString();

/** Ollama's timing counters, in nanoseconds; deterministic so tests can rely on them. */
function metrics(promptCount: number, evalCount: number) {
  const load = 2_500_000;
  const promptEval = promptCount * 400_000;
  const evalDuration = evalCount * 15_000_000;
  return {
    total_duration: load + promptEval + evalDuration + 1_000_000,
    load_duration: load,
    prompt_eval_count: promptCount,
    prompt_eval_duration: promptEval,
    eval_count: evalCount,
    eval_duration: evalDuration,
  };
}

function planAnswer(chat: ChatRequest, scenario: Scenario): Answer {
  const thinking = scenario.kind === "reasoning" && chat.think ? REASONING_TEXT.split(/(?<= )/) : [];
  const thinkingTokens = thinking.length > 0 ? REASONING_TOKENS : 0;
  if (chat.toolName !== undefined) {
    const call = { id: `call_${randomBytes(4).toString("hex")}`, function: { index: 0, name: chat.toolName, arguments: { ...TOOL_ARGUMENTS } } };
    // the model generated the arguments token by token even though Ollama sends them whole
    return { thinking, content: [], toolCalls: [call], evalCount: TOOL_ARGUMENT_PIECES.length + thinkingTokens };
  }
  const lastUser = chat.messages.findLast((m) => m.role === "user");
  const content = replyPieces(lastUser?.content ?? "", lastUser?.images ?? []);
  return { thinking, content, toolCalls: undefined, evalCount: content.length + thinkingTokens };
}

function finalLine(chat: ChatRequest, answer: Answer, message: Json) {
  return {
    model: chat.model,
    created_at: now(),
    message: { role: "assistant", content: "", ...message },
    done_reason: "stop",
    done: true,
    ...metrics(promptTokens(chat.messages.map((m) => m.content)), answer.evalCount),
  };
}

async function handleChat(exchange: FakeExchange): Promise<void> {
  const body = jsonBody(exchange);
  if (!body) return;
  const chat = parseChat(body);
  if (typeof chat === "string") return exchange.json(400, { error: chat });
  const scenario = scenarioFor(chat.model);
  if (!proceeds(exchange, scenario, chat.model)) return;
  if (chat.messages.length === 0) {
    // an empty conversation only loads the model
    return exchange.json(200, { model: chat.model, created_at: now(), message: { role: "assistant", content: "" }, done_reason: "load", done: true });
  }
  const answer = planAnswer(chat, scenario);
  if (chat.stream) return streamChat(exchange, chat, scenario, answer);
  await delayJsonAnswer(exchange, scenario);
  if (exchange.res.destroyed) return;
  exchange.record.sentText = answer.content.join("");
  exchange.json(
    200,
    finalLine(chat, answer, {
      content: exchange.record.sentText,
      ...(answer.thinking.length > 0 ? { thinking: answer.thinking.join("") } : {}),
      ...(answer.toolCalls ? { tool_calls: answer.toolCalls } : {}),
    }),
  );
}

async function streamChat(exchange: FakeExchange, chat: ChatRequest, scenario: Scenario, answer: Answer): Promise<void> {
  const { res, record } = exchange;
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  const writeLine = (payload: object) => res.write(`${JSON.stringify(payload)}\n`);
  const send = async (message: Json) => {
    writeLine({ model: chat.model, created_at: now(), message: { role: "assistant", content: "", ...message }, done: false });
    if (scenario.kind === "slow") await sleep(50);
  };

  for (const piece of answer.thinking) {
    if (res.destroyed) return;
    await send({ thinking: piece });
  }
  if (answer.toolCalls && !res.destroyed) await send({ tool_calls: answer.toolCalls });
  for (const [i, piece] of answer.content.entries()) {
    if (res.destroyed) return;
    await send({ content: piece });
    record.sentText += piece;
    if (scenario.kind === "gated" && i === 0) await exchange.gate();
    if (scenario.kind === "stream-error" && i === 1) {
      writeLine({ error: STREAM_ERROR_MESSAGE });
      res.end();
      return;
    }
  }
  if (res.destroyed) return;
  res.end(`${JSON.stringify(finalLine(chat, answer, {}))}\n`);
  exchange.finish();
}

// ---------------------------------------------------------------- embeddings

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** A unit-length vector derived from the text's hash (Ollama normalises its embeddings). */
function embedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash("sha256").update(`${block}\u0000${text}`).digest();
    for (let i = 0; i < digest.length && values.length < dimensions; i += 4) values.push(digest.readUInt32BE(i) / 0x7fffffff - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((v) => v / norm);
}

function embedInputs(input: unknown): string[] | undefined {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((i) => typeof i === "string")) return input;
  return undefined;
}

async function handleEmbed(exchange: FakeExchange): Promise<void> {
  const body = jsonBody(exchange);
  if (!body) return;
  const model = typeof body.model === "string" ? body.model : "";
  if (!model) return exchange.json(400, { error: "model is required" });
  const inputs = embedInputs(body.input);
  if (!inputs) return exchange.json(400, { error: "invalid input type" });
  const scenario = scenarioFor(model);
  if (!proceeds(exchange, scenario, model)) return;
  await delayJsonAnswer(exchange, scenario);
  if (exchange.res.destroyed) return;
  const dimensions = typeof body.dimensions === "number" && body.dimensions > 0 ? body.dimensions : EMBEDDING_DIMENSIONS;
  const tokens = inputs.reduce((n, input) => n + wordCount(input), 0);
  exchange.json(200, {
    model,
    embeddings: inputs.map((input) => embedding(input, dimensions)),
    total_duration: 3_000_000 + tokens * 200_000,
    load_duration: 2_500_000,
    prompt_eval_count: tokens,
  });
}

async function handleLegacyEmbeddings(exchange: FakeExchange): Promise<void> {
  const body = jsonBody(exchange);
  if (!body) return;
  const model = typeof body.model === "string" ? body.model : "";
  if (!model) return exchange.json(400, { error: "model is required" });
  const scenario = scenarioFor(model);
  if (!proceeds(exchange, scenario, model)) return;
  await delayJsonAnswer(exchange, scenario);
  if (exchange.res.destroyed) return;
  const prompt = typeof body.prompt === "string" ? body.prompt : "";
  // the legacy endpoint answers an empty prompt with an empty vector rather than an error
  exchange.json(200, { embedding: prompt ? embedding(prompt, EMBEDDING_DIMENSIONS) : [] });
}
