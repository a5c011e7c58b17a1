// A wire-faithful fake of Anthropic's Messages API on loopback, for pointing the real @anthropic-ai/sdk at.
// The model name picks the scenario, as ./contract.ts describes.
//
//   POST /v1/messages               a Message as JSON, or the named SSE events of a stream (`"stream": true`)
//   POST /v1/messages/count_tokens  { input_tokens } for the same request, validated the same way (no max_tokens)
//   GET  /v1/models[/{id}]          one model, in the API's list page shape
//
// The key may come as `x-api-key` or, as SDK 1.x sends it, `Authorization: Bearer <key>`; x-api-key wins when
// both are sent, as on the real API. Requests that name anthropic-version 2026-10-21 (what SDK 1.x sends) get
// that version's stricter rules: no temperature/top_p/top_k, no document blocks in assistant turns, no
// citations on user text. 2023-06-01 requests are spared them.
//
// Stricter than today's API on purpose: a leading assistant turn and consecutive same-role turns are refused
// (the API now accepts and merges them), so the hub is held to the shape every Claude platform accepts.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import {
  CACHE_READ_TOKENS,
  CACHE_WRITE_TOKENS,
  REASONING_TEXT,
  REASONING_TOKENS,
  RETRY_AFTER_SECONDS,
  TOOL_ARGUMENT_PIECES,
  TOOL_ARGUMENTS,
  promptTokens,
  replyPieces,
  scenarioFor,
  sleep,
  type FakeUpstream,
  type Scenario,
  type SeenImage,
} from "./contract";
import { startHttpFake, type FakeExchange } from "./http-fake";

type Json = Record<string, unknown>;
type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";

const LATEST_VERSION = "2026-10-21";
const SAMPLING_PARAMETERS = ["temperature", "top_p", "top_k"];
const BLOCK_TYPES = ["text", "image", "document", "search_result", "tool_use", "tool_result", "thinking", "redacted_thinking"];
const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
const ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

const MODEL = {
  type: "model",
  id: "claude-sonnet-4-5",
  display_name: "Claude Sonnet 4.5",
  created_at: "2025-09-29T00:00:00Z",
  capabilities: null,
  deprecated_at: null,
  lifecycle: "active",
  line: "sonnet",
  max_input_tokens: 200_000,
  max_tokens: 64_000,
  retires_at: null,
};

// error.type and the API's default message for each status it documents
const ERRORS: Record<number, [string, string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Billing error"],
  403: ["permission_error", "Permission denied"],
  404: ["not_found_error", "Not found"],
  409: ["conflict_error", "Conflict"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "Rate limited"],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timeout"],
  529: ["overloaded_error", "Overloaded"],
};

/** A request the API refuses with 400 invalid_request_error; the message names the offending field. */
class InvalidRequest extends Error {}

function reject(message: string): never {
  throw new InvalidRequest(message);
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Anthropic-looking ids: msg_…, toolu_…, req_… */
const newId = (prefix: string) => `${prefix}01${randomBytes(16).toString("base64url").replace(/[-_]/g, "").slice(0, 22)}`;

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeUpstream & { apiKey: string }> {
  const apiKey = options.apiKey ?? "sk-ant-fake-0123456789abcdef";
  const fake = await startHttpFake((exchange) => route(exchange, apiKey));
  return { ...fake, apiKey };
}

async function route(exchange: FakeExchange, apiKey: string): Promise<void> {
  const requestId = newId("req_");
  const { method } = exchange.record;
  const path = exchange.url.pathname;
  const credentials = credentialError(exchange.req.headers, apiKey);
  if (credentials) return sendError(exchange, requestId, 401, credentials);
  const version = headerValue(exchange.req.headers["anthropic-version"]);
  if (!version) return sendError(exchange, requestId, 400, "anthropic-version: header is required");

  try {
    if (method === "GET" && path === "/v1/models") {
      return exchange.json(200, { data: [MODEL], has_more: false, first_id: MODEL.id, last_id: MODEL.id }, { "request-id": requestId });
    }
    if (method === "GET" && path.startsWith("/v1/models/")) {
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      if (id !== MODEL.id) return sendError(exchange, requestId, 404, `model: ${id}`);
      return exchange.json(200, MODEL, { "request-id": requestId });
    }
    if (method === "POST" && path === "/v1/messages") return await createMessage(exchange, requestId, version);
    if (method === "POST" && path === "/v1/messages/count_tokens") {
      const conversation = readConversation(requestBody(exchange), version);
      return exchange.json(200, { input_tokens: promptTokens(conversation.texts) }, { "request-id": requestId });
    }
    return sendError(exchange, requestId, 404, "Not Found");
  } catch (error) {
    if (error instanceof InvalidRequest) return sendError(exchange, requestId, 400, error.message);
    throw error;
  }
}

function credentialError(headers: IncomingHttpHeaders, apiKey: string): string | null {
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
  const presented = headerValue(headers["x-api-key"]) ?? bearer;
  if (!presented) return "x-api-key header is required";
  return presented === apiKey ? null : "invalid x-api-key";
}

function sendError(exchange: FakeExchange, requestId: string, status: number, message?: string, headers: Record<string, string> = {}) {
  const [type, defaultMessage] = ERRORS[status] ?? (status < 500 ? ["invalid_request_error", "Invalid request"] : ["api_error", "Internal server error"]);
  // The SDK obeys x-should-retry over its own status rules, so it has to say what the real API says.
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  exchange.json(
    status,
    { type: "error", error: { type, message: message ?? defaultMessage }, request_id: requestId },
    { "request-id": requestId, "x-should-retry": String(retryable), ...headers },
  );
}

function requestBody(exchange: FakeExchange): Json {
  return exchange.record.body ?? reject("The request body is not valid JSON.");
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and validating the request

interface Conversation {
  /** every text the prompt carries, system included, for promptTokens() */
  texts: string[];
  /** the last user turn's text blocks, joined with a space */
  lastUserText: string;
  lastUserImages: SeenImage[];
}

interface Turn {
  role: "user" | "assistant" | "system";
  /** the turn's own text blocks */
  texts: string[];
  /** texts nested in tool results */
  nestedTexts: string[];
  images: SeenImage[];
  toolUseIds: string[];
  toolResults: Array<{ id: string; path: string }>;
}

interface Rules {
  /** anthropic-version 2026-10-21 or later */
  latest: boolean;
  hasTools: boolean;
}

function readConversation(body: Json, version: string): Conversation {
  if (typeof body.model !== "string" || body.model === "") reject("model: Field required");
  const rules: Rules = { latest: version >= LATEST_VERSION, hasTools: readToolNames(body).length > 0 };
  if (rules.latest) {
    for (const name of SAMPLING_PARAMETERS) if (name in body) reject(`${name}: Extra inputs are not permitted`);
  }
  const system = systemTexts(body.system);
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) reject("messages: at least one message is required");
  const turns = messages.map((message, i) => readTurn(message, i, i === messages.length - 1, rules));
  checkTurnOrder(turns);
  checkToolPairs(turns);

  const lastUser = turns.findLast((turn) => turn.role === "user");
  return {
    texts: [...system, ...turns.flatMap((turn) => [...turn.texts, ...turn.nestedTexts])],
    lastUserText: lastUser?.texts.join(" ") ?? "",
    lastUserImages: lastUser?.images ?? [],
  };
}

function systemTexts(system: unknown): string[] {
  if (system === undefined) return [];
  if (typeof system === "string") return system ? [system] : [];
  if (Array.isArray(system) && system.every((block) => isObject(block) && block.type === "text" && typeof block.text === "string")) {
    return system.map((block: Json) => block.text as string);
  }
  return reject("system: Input should be a valid string or a list of text blocks");
}

function readToolNames(body: Json): string[] {
  if (body.tools === undefined) return [];
  if (!Array.isArray(body.tools)) reject("tools: Input should be a valid list");
  return body.tools.map((tool: unknown, i) => {
    const name = isObject(tool) ? tool.name : undefined;
    if (typeof name !== "string") reject(`tools.${i}.name: Field required`);
    if (!TOOL_NAME_PATTERN.test(name)) reject(`tools.${i}.name: String should match pattern '${TOOL_NAME_PATTERN.source}'`);
    return name;
  });
}

function readTurn(message: unknown, index: number, isLast: boolean, rules: Rules): Turn {
  const path = `messages.${index}`;
  if (!isObject(message)) reject(`${path}: Input should be a valid dictionary`);
  const { role, content } = message;
  if (role !== "user" && role !== "assistant" && role !== "system") reject(`${path}.role: Input should be 'user', 'assistant' or 'system'`);
  const blocks = typeof content === "string" ? (content ? [{ type: "text", text: content }] : []) : content;
  if (!Array.isArray(blocks)) reject(`${path}.content: Input should be a valid string or a list of content blocks`);
  if (blocks.length === 0 && !(isLast && role === "assistant")) {
    reject(`${path}: all messages must have non-empty content except for the optional final assistant message`);
  }
  const turn: Turn = { role, texts: [], nestedTexts: [], images: [], toolUseIds: [], toolResults: [] };
  blocks.forEach((block: unknown, j) => readBlock(block, `${path}.content.${j}`, turn, rules));
  return turn;
}

function readBlock(block: unknown, path: string, turn: Turn, rules: Rules): void {
  const type = isObject(block) ? block.type : undefined;
  if (!isObject(block) || typeof type !== "string" || !BLOCK_TYPES.includes(type)) {
    reject(`${path}: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: ${BLOCK_TYPES.map((t) => `'${t}'`).join(", ")}`);
  }
  if (turn.role === "system" && type !== "text") reject(`${path}: system messages may only contain text blocks`);
  if ((type === "tool_use" || type === "tool_result") && !rules.hasTools) {
    reject(`${path}.type: Requests which include \`tool_use\` or \`tool_result\` blocks must define tools.`);
  }
  switch (type) {
    case "text":
      turn.texts.push(readText(block, path, turn.role === "user" && rules.latest));
      break;
    case "image":
      turn.images.push(readImage(block, path));
      break;
    case "document":
      if (turn.role === "assistant" && rules.latest) reject(`${path}: document blocks are not allowed in assistant messages`);
      break;
    case "tool_use":
      if (turn.role !== "assistant") reject(`${path}: tool_use blocks may only appear in assistant messages`);
      if (typeof block.id !== "string" || !ID_PATTERN.test(block.id)) reject(`${path}.id: String should match pattern '${ID_PATTERN.source}'`);
      if (typeof block.name !== "string") reject(`${path}.name: Field required`);
      turn.toolUseIds.push(block.id);
      break;
    case "tool_result":
      if (turn.role !== "user") reject(`${path}: tool_result blocks may only appear in user messages`);
      if (typeof block.tool_use_id !== "string") reject(`${path}.tool_use_id: Field required`);
      turn.toolResults.push({ id: block.tool_use_id, path });
      turn.nestedTexts.push(...toolResultTexts(block.content, `${path}.content`));
      break;
    // thinking, redacted_thinking and search_result go back to the API opaque; the fake has nothing to check in them
  }
}

function readText(block: Json, path: string, refuseCitations: boolean): string {
  if (typeof block.text !== "string" || block.text === "") reject("messages: text content blocks must be non-empty");
  if (refuseCitations && Array.isArray(block.citations) && block.citations.length > 0) {
    reject(`${path}.citations: citations are not accepted on text blocks in user messages`);
  }
  return block.text;
}

function readImage(block: Json, path: string): SeenImage {
  const source = block.source;
  if (!isObject(source)) return reject(`${path}.source: Field required`);
  if (source.type === "base64") {
    const mediaType = source.media_type;
    if (typeof mediaType !== "string" || !IMAGE_MEDIA_TYPES.includes(mediaType)) {
      reject(`${path}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
    }
    return { mediaType, bytes: decodedLength(source.data) ?? reject(`${path}.source.base64.data: invalid base64 data`) };
  }
  if (source.type === "url") {
    if (typeof source.url !== "string" || !/^https?:\/\/\S+$/.test(source.url)) reject(`${path}.source.url.url: Input should be a valid URL`);
    return { mediaType: mediaTypeFromUrl(source.url), bytes: 0 };
  }
  return reject(`${path}.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url'`);
}

/** Decoded size of strict base64 (what Buffer.from would silently half-decode, e.g. a data: URL, is refused). */
function decodedLength(data: unknown): number | null {
  if (typeof data !== "string" || data === "" || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return null;
  return Buffer.from(data, "base64").length;
}

function mediaTypeFromUrl(url: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const known: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };
  // the real API sniffs the fetched bytes; the fake fetches nothing, so an unknown extension stays unknown
  return (extension && known[extension]) || "image/unknown";
}

function toolResultTexts(content: unknown, path: string): string[] {
  if (content === undefined) return [];
  if (typeof content === "string") return content ? [content] : [];
  if (!Array.isArray(content)) return reject(`${path}: Input should be a valid string or a list of content blocks`);
  return content.flatMap((block: unknown, i) => {
    if (!isObject(block)) return reject(`${path}.${i}: Input should be a valid dictionary`);
    if (block.type === "text") return [readText(block, `${path}.${i}`, false)];
    if (block.type === "image") readImage(block, `${path}.${i}`);
    return [];
  });
}

function checkTurnOrder(turns: Turn[]): void {
  if (turns[0]?.role !== "user") reject('messages: first message must use the "user" role');
  let previous = "user";
  turns.forEach((turn, i) => {
    if (i === 0) return;
    if (turn.role === "system") {
      if (turns[i - 1]?.role !== "user") reject(`messages.${i}: a system message must immediately follow a user message`);
      return;
    }
    if (turn.role === previous) {
      reject(`messages: roles must alternate between "user" and "assistant", but found multiple "${turn.role}" roles in a row`);
    }
    previous = turn.role;
  });
}

function checkToolPairs(turns: Turn[]): void {
  turns.forEach((turn, i) => {
    if (turn.role !== "user") return;
    const offered = turns[i - 1]?.toolUseIds ?? [];
    const unexpected = turn.toolResults.find((result) => !offered.includes(result.id));
    if (unexpected) {
      reject(
        `${unexpected.path}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.id}. ` +
          "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
      );
    }
    const unanswered = offered.filter((id) => !turn.toolResults.some((result) => result.id === id));
    if (unanswered.length > 0) {
      reject(
        `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(", ")}. ` +
          "Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
      );
    }
  });
}

function readMaxTokens(body: Json): number {
  const maxTokens = body.max_tokens;
  if (maxTokens === undefined) reject("max_tokens: Field required");
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 0) {
    reject("max_tokens: Input should be a valid integer greater than or equal to 0");
  }
  return maxTokens;
}

function readStopSequences(body: Json): string[] {
  const stops = body.stop_sequences;
  if (stops === undefined) return [];
  if (!Array.isArray(stops) || !stops.every((stop) => typeof stop === "string" && stop !== "")) {
    reject("stop_sequences: Input should be a list of non-empty strings");
  }
  return stops;
}

// ---------------------------------------------------------------------------------------------------------------
// Planning and sending the answer

interface Answer {
  id: string;
  requestId: string;
  model: string;
  scenario: Scenario;
  /** fake-reasoning: a thinking block (with this signature) comes first */
  signature: string | null;
  tool: { id: string; name: string } | null;
  /** the text pieces to send, already cut at max_tokens or a stop sequence */
  pieces: string[];
  stopReason: StopReason;
  stopSequence: string | null;
  input: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
  /** all output tokens, thinking included */
  outputTokens: number;
  thinkingTokens: number;
}

async function createMessage(exchange: FakeExchange, requestId: string, version: string): Promise<void> {
  const body = requestBody(exchange);
  const maxTokens = readMaxTokens(body);
  const conversation = readConversation(body, version);
  const answer = planAnswer(body, conversation, maxTokens, requestId);
  const { scenario } = answer;
  if (scenario.kind === "error") {
    const retryAfter: Record<string, string> = scenario.status === 429 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {};
    return sendError(exchange, requestId, scenario.status, undefined, retryAfter);
  }
  if (scenario.kind === "hang") return; // the response stays open until the client gives up
  return body.stream === true ? streamAnswer(exchange, answer) : sendAnswer(exchange, answer);
}

function planAnswer(body: Json, conversation: Conversation, maxTokens: number, requestId: string): Answer {
  const model = body.model as string;
  const scenario = scenarioFor(model);
  const toolName = toolToCall(body);
  const signature = scenario.kind === "reasoning" ? randomBytes(48).toString("base64") : null;
  const thinkingTokens = signature ? REASONING_TOKENS : 0;
  const input = inputUsage(conversation.texts, scenario);
  const common = { id: newId("msg_"), requestId, model, scenario, signature, input, thinkingTokens };
  if (toolName) {
    const tool = { id: newId("toolu_"), name: toolName };
    const outputTokens = TOOL_ARGUMENT_PIECES.length + 2 + thinkingTokens;
    return { ...common, tool, pieces: [], stopReason: "tool_use", stopSequence: null, outputTokens };
  }
  const cut = cutReply(replyPieces(conversation.lastUserText, conversation.lastUserImages), readStopSequences(body), maxTokens);
  return { ...common, tool: null, ...cut, outputTokens: cut.pieces.length + thinkingTokens };
}

function toolToCall(body: Json): string | null {
  const [first] = readToolNames(body);
  const choice = isObject(body.tool_choice) ? body.tool_choice : {};
  if (first === undefined || choice.type === "none") return null;
  return choice.type === "tool" && typeof choice.name === "string" ? choice.name : first;
}

/** Stops the reply where the model would: before the first stop sequence, or after max_tokens pieces. */
function cutReply(pieces: string[], stopSequences: string[], maxTokens: number) {
  const reply = pieces.join("");
  const hits = stopSequences.map((sequence) => ({ sequence, at: reply.indexOf(sequence) })).filter((hit) => hit.at >= 0);
  const stop = hits.sort((a, b) => a.at - b.at)[0];
  const kept = stop ? takeChars(pieces, stop.at) : pieces;
  if (kept.length > maxTokens) return { pieces: kept.slice(0, maxTokens), stopReason: "max_tokens" as const, stopSequence: null };
  if (stop) return { pieces: kept, stopReason: "stop_sequence" as const, stopSequence: stop.sequence };
  return { pieces: kept, stopReason: "end_turn" as const, stopSequence: null };
}

/** The leading pieces that make up the first `length` characters of their concatenation. */
function takeChars(pieces: string[], length: number): string[] {
  const kept: string[] = [];
  let left = length;
  for (const piece of pieces) {
    if (left <= 0) break;
    kept.push(piece.slice(0, left));
    left -= piece.length;
  }
  return kept;
}

function inputUsage(texts: string[], scenario: Scenario): Answer["input"] {
  const prompt = promptTokens(texts);
  if (scenario.kind !== "cache") return { input_tokens: prompt, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  // Anthropic's input_tokens excludes cache reads and writes; a prompt shorter than both floors at 0.
  return {
    input_tokens: Math.max(0, prompt - CACHE_READ_TOKENS - CACHE_WRITE_TOKENS),
    cache_creation_input_tokens: CACHE_WRITE_TOKENS,
    cache_read_input_tokens: CACHE_READ_TOKENS,
  };
}

function usage(answer: Answer, outputTokens: number, thinkingTokens: number) {
  return {
    ...answer.input,
    cache_creation: { ephemeral_5m_input_tokens: answer.input.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { thinking_tokens: thinkingTokens },
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: "global",
    speed: "standard",
  };
}

function messageShell(answer: Answer) {
  return { id: answer.id, type: "message", role: "assistant", model: answer.model, container: null, diagnostics: null, stop_details: null };
}

async function sendAnswer(exchange: FakeExchange, answer: Answer): Promise<void> {
  if (answer.scenario.kind === "slow") await sleep(300);
  if (answer.scenario.kind === "gated") await exchange.gate();
  if (exchange.res.destroyed) return;
  const content: Json[] = [];
  if (answer.signature) content.push({ type: "thinking", thinking: REASONING_TEXT, signature: answer.signature });
  if (answer.tool) content.push({ type: "tool_use", ...answer.tool, input: TOOL_ARGUMENTS, caller: { type: "direct" } });
  else if (answer.pieces.length > 0) content.push({ type: "text", text: answer.pieces.join(""), citations: null });
  exchange.record.sentText = answer.pieces.join("");
  exchange.json(
    200,
    {
      ...messageShell(answer),
      content,
      stop_reason: answer.stopReason,
      stop_sequence: answer.stopSequence,
      usage: usage(answer, answer.outputTokens, answer.thinkingTokens),
    },
    { "request-id": answer.requestId },
  );
}

interface StreamedBlock {
  start: Json;
  deltas: Json[];
  /** the answer itself (text or tool arguments), which the scenarios pace, gate and break */
  answer: boolean;
}

function streamedBlocks(answer: Answer): StreamedBlock[] {
  const blocks: StreamedBlock[] = [];
  if (answer.signature) {
    blocks.push({
      start: { type: "thinking", thinking: "", signature: "" },
      deltas: [
        { type: "thinking_delta", thinking: REASONING_TEXT },
        { type: "signature_delta", signature: answer.signature },
      ],
      answer: false,
    });
  }
  if (answer.tool) {
    blocks.push({
      start: { type: "tool_use", ...answer.tool, input: {}, caller: { type: "direct" } },
      deltas: TOOL_ARGUMENT_PIECES.map((piece) => ({ type: "input_json_delta", partial_json: piece })),
      answer: true,
    });
  } else if (answer.pieces.length > 0) {
    blocks.push({ start: { type: "text", text: "", citations: null }, deltas: answer.pieces.map((text) => ({ type: "text_delta", text })), answer: true });
  }
  return blocks;
}

async function streamAnswer(exchange: FakeExchange, answer: Answer): Promise<void> {
  const { res, record } = exchange;
  const { kind } = answer.scenario;
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": answer.requestId });
  // false once the client has gone, so the caller stops
  const send = (type: string, data: Json = {}) => {
    if (res.destroyed) return false;
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    return true;
  };

  const start = { ...messageShell(answer), content: [], stop_reason: null, stop_sequence: null, usage: usage(answer, 1, 0) };
  send("message_start", { message: start });
  send("ping");
  for (const [index, block] of streamedBlocks(answer).entries()) {
    if (!send("content_block_start", { index, content_block: block.start })) return;
    for (const [i, delta] of block.deltas.entries()) {
      if (!send("content_block_delta", { index, delta })) return;
      if (!block.answer) continue;
      if (block.start.type === "text") record.sentText += answer.pieces[i] ?? "";
      if (kind === "stream-error" && i === 1) {
        send("error", { error: { type: "overloaded_error", message: "Overloaded" } });
        res.end();
        return;
      }
      if (kind === "gated" && i === 0) await exchange.gate();
      if (kind === "slow") await sleep(50);
    }
    if (!send("content_block_stop", { index })) return;
  }
  send("message_delta", {
    delta: { stop_reason: answer.stopReason, stop_sequence: answer.stopSequence, stop_details: null, container: null },
    usage: { ...answer.input, output_tokens: answer.outputTokens, output_tokens_details: { thinking_tokens: answer.thinkingTokens }, server_tool_use: null },
  });
  if (!send("message_stop")) return;
  res.end();
  exchange.finish();
}
