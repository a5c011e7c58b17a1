// A protocol-faithful fake of the Amazon Bedrock Runtime API on loopback, for the real
// @aws-sdk/client-bedrock-runtime to talk to. It serves, under POST /model/{modelId}/…:
//
//   converse         ConverseResponse JSON
//   converse-stream  the same answer as binary AWS event stream frames (see aws-event-stream.ts)
//   invoke           Titan text embeddings, and Nova Canvas / Titan image generation (TEXT_IMAGE)
//   count-tokens     CountTokens for Converse-shaped or Anthropic-native InvokeModel input
//
// Every request must carry a valid SigV4 signature for the fake's key pair, region and the
// "bedrock" service; the fake re-derives the signature itself. Requests are validated the way
// Bedrock does (400 ValidationException with Bedrock's wording), and errors use Bedrock's shape:
// the x-amzn-errortype header and a {"message"} body. The model id picks the scenario, as
// contract.ts describes.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import { crc32, jsonEvent, jsonException } from "./aws-event-stream";
import {
  CACHE_READ_TOKENS,
  CACHE_WRITE_TOKENS,
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

interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const field = (value: unknown, key: string): Json => (isRecord(value) && isRecord(value[key]) ? value[key] : {});

// ---------------------------------------------------------------------------------------------
// Errors

/** An error answer: the HTTP status, Bedrock's error type (x-amzn-errortype) and its message. */
class BedrockError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new BedrockError(400, "ValidationException", message);

/** Model-native bodies (InvokeModel) are checked against a JSON schema; Bedrock words failures like this. */
const malformed = (detail: string) => invalid(`Malformed input request: ${detail}, please reformat your input and try again.`);

/** Bedrock's constraint messages count list members from 1: messages.0.content.1 → messages.1.member.content.2.member */
const memberPath = (path: string) => path.replace(/\.(\d+)/g, (_, n: string) => `.${Number(n) + 1}.member`);

const constraint = (value: unknown, path: string, rule: string) =>
  invalid(`1 validation error detected: Value ${value === undefined || value === null ? "null" : `'${String(value)}'`} at '${memberPath(path)}' failed to satisfy constraint: ${rule}`);

const SCENARIO_ERRORS: Record<number, [type: string, message: string]> = {
  400: ["ValidationException", "The provided request is not valid."],
  403: ["AccessDeniedException", "You don't have access to the model with the specified model ID."],
  404: ["ResourceNotFoundException", "The requested resource could not be found."],
  408: ["ModelTimeoutException", "The model took too long to respond. Try your request again."],
  424: ["ModelErrorException", "The model failed to process the request."],
  429: ["ThrottlingException", "Too many requests, please wait before trying again."],
  500: ["InternalServerException", "The server encountered an internal error while processing the request."],
  503: ["ServiceUnavailableException", "The service is currently unavailable. Try your request again later."],
};

function scenarioError(status: number): BedrockError {
  const [type, message] = SCENARIO_ERRORS[status] ?? ["InternalServerException", `The fake upstream failed with status ${status}.`];
  return new BedrockError(status, type, message);
}

const requestIdHeader = () => ({ "x-amzn-requestid": randomUUID() });

// ---------------------------------------------------------------------------------------------
// SigV4: the fake derives the signature from what arrived on the wire and the secret it knows,
// so a client that signs with the wrong secret, region or service, or changes the body after
// signing, is refused just as AWS would refuse it.

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding, which SigV4 requires (encodeURIComponent leaves !'()* alone). */
const uriEscape = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Outside S3 the path is encoded a second time on top of the encoding it already has on the wire. */
const canonicalPath = (wirePath: string) => wirePath.split("/").map(uriEscape).join("/");

function canonicalQuery(wireQuery: string): string {
  return wireQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=").map((part) => uriEscape(decodeURIComponent(part))))
    .map(([key = "", value = ""]) => `${key}=${value}`)
    .sort()
    .join("&");
}

const canonicalHeaderValue = (value: string | string[] | undefined) =>
  String(value ?? "")
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .trim();

/** `scope` is the credential scope after the key id: date, region, service, "aws4_request". */
function expectedSignature(exchange: FakeExchange, signedHeaders: string[], scope: string[], secret: string): string {
  const wireUrl = exchange.req.url ?? "/";
  const queryAt = wireUrl.indexOf("?");
  const canonicalRequest = [
    exchange.req.method ?? "POST",
    canonicalPath(queryAt < 0 ? wireUrl : wireUrl.slice(0, queryAt)),
    canonicalQuery(queryAt < 0 ? "" : wireUrl.slice(queryAt + 1)),
    ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(exchange.req.headers[name])}`),
    "",
    signedHeaders.join(";"),
    // the body as received, not the client's x-amz-content-sha256 claim: a body changed after signing fails
    sha256Hex(exchange.raw),
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", String(exchange.req.headers["x-amz-date"]), scope.join("/"), sha256Hex(canonicalRequest)].join("\n");
  // the key is derived step by step from the secret through date, region, service and "aws4_request"
  const signingKey = scope.reduce<string | Buffer>((key, part) => hmac(key, part), `AWS4${secret}`);
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

const signatureError = (message: string) => new BedrockError(403, "InvalidSignatureException", message);

/** The credential scope must name this fake's key, its region, the bedrock service and the request's own date. */
function scopeError(scope: string[], amzDate: string, credentials: AwsCredentials): BedrockError | null {
  const [accessKeyId, date = "", region, service, terminator] = scope;
  if (accessKeyId !== credentials.accessKeyId) return new BedrockError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  if (region !== credentials.region) return signatureError(`Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== "bedrock") return signatureError("Credential should be scoped to correct service: 'bedrock'.");
  if (terminator !== "aws4_request") return signatureError("Credential should be scoped with a valid terminator: 'aws4_request'.");
  if (!amzDate.startsWith(date)) return signatureError("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.");
  return null;
}

function authenticate(exchange: FakeExchange, credentials: AwsCredentials): BedrockError | null {
  const header = exchange.req.headers.authorization;
  if (!header) return new BedrockError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  const match = AUTHORIZATION.exec(header);
  if (!match) return new BedrockError(403, "IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
  const [, credential = "", signedHeaders = "", signature] = match;
  const scope = credential.split("/");
  const problem = scopeError(scope, String(exchange.req.headers["x-amz-date"] ?? ""), credentials);
  if (problem) return problem;
  if (signature !== expectedSignature(exchange, signedHeaders.split(";"), scope.slice(1), credentials.secretAccessKey)) {
    return signatureError(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reading a Converse request

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Bedrock looks at the bytes, not only the declared format: a JPEG labelled png is refused.
const IMAGE_SIGNATURES: Record<string, (bytes: Buffer) => boolean> = {
  png: (b) => b.subarray(0, 8).equals(PNG_MAGIC),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  gif: (b) => b.subarray(0, 4).toString("latin1") === "GIF8",
  webp: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `path` is where the image block sits, e.g. messages.0.content.1.image */
function readImage(image: Json, path: string): SeenImage {
  const format = image.format;
  const matches = typeof format === "string" ? IMAGE_SIGNATURES[format] : undefined;
  if (!matches) throw constraint(format, `${path}.format`, "Member must satisfy enum value set: [png, jpeg, gif, webp]");
  const source = field(image, "source");
  const mediaType = `image/${String(format)}`;
  if (isRecord(source.s3Location)) return { mediaType, bytes: 0 };
  const encoded = source.bytes;
  const bytes = typeof encoded === "string" && encoded.length > 0 && BASE64.test(encoded) ? Buffer.from(encoded, "base64") : null;
  if (!bytes || !matches(bytes)) throw invalid(`The model returned the following errors: ${path}.source: Could not process image`);
  return { mediaType, bytes: bytes.length };
}

/** One message, reduced to what the fake answers from and what Bedrock checks across turns. */
interface Turn {
  role: "user" | "assistant";
  /** text blocks, and the text/json content of tool results */
  texts: string[];
  images: SeenImage[];
  toolUseIds: string[];
  toolResultIds: string[];
}

function readToolResult(result: Json, path: string, turn: Turn) {
  const content = records(result.content);
  if (result.status === "error" && content.length === 0) throw invalid(`The content field at ${path} cannot be empty when status value is error.`);
  turn.toolResultIds.push(String(result.toolUseId));
  for (const [k, item] of content.entries()) {
    if (typeof item.text === "string") turn.texts.push(item.text);
    if (item.json !== undefined) turn.texts.push(JSON.stringify(item.json));
    if (isRecord(item.image)) turn.images.push(readImage(item.image, `${path}.content.${k}.image`));
  }
}

function readTurn(message: Json, i: number): Turn {
  const role = message.role;
  if (role !== "user" && role !== "assistant") throw constraint(role, `messages.${i}.role`, "Member must satisfy enum value set: [user, assistant]");
  const blocks = records(message.content);
  if (blocks.length === 0) throw invalid(`The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
  const turn: Turn = { role, texts: [], images: [], toolUseIds: [], toolResultIds: [] };
  for (const [j, block] of blocks.entries()) {
    const path = `messages.${i}.content.${j}`;
    if (typeof block.text === "string") turn.texts.push(block.text);
    if (isRecord(block.image)) turn.images.push(readImage(block.image, `${path}.image`));
    if (isRecord(block.toolUse)) turn.toolUseIds.push(String(block.toolUse.toolUseId));
    if (isRecord(block.toolResult)) readToolResult(block.toolResult, `${path}.toolResult`, turn);
  }
  return turn;
}

function checkTurnOrder(turns: Turn[]) {
  if (turns[0]?.role !== "user") throw invalid("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  for (const [i, turn] of turns.entries()) {
    if (i > 0 && turn.role === turns[i - 1]?.role) {
      throw invalid("A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");
    }
  }
}

/** Tool results must answer exactly the tool calls of the assistant turn right before them. */
function checkToolPairing(turns: Turn[]) {
  for (const [i, turn] of turns.entries()) {
    if (turn.role !== "user") continue;
    const calls = turns[i - 1]?.toolUseIds ?? [];
    if (turn.toolResultIds.length > calls.length) {
      throw invalid(`The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`);
    }
    const unknown = turn.toolResultIds.filter((id) => !calls.includes(id));
    if (unknown.length > 0) throw invalid(`messages.${i}.content: toolResult blocks reference toolUse ids that are not in the previous turn: ${unknown.join(", ")}`);
    const unanswered = calls.filter((id) => !turn.toolResultIds.includes(id));
    if (unanswered.length > 0) throw invalid(`Expected toolResult blocks at messages.${i}.content for the following Ids: ${unanswered.join(", ")}`);
  }
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Checks toolConfig and returns the name of the tool the model will call (the one toolChoice
 * names, else the first), or undefined when the request offers no tools.
 */
function readToolConfig(body: Json, usesToolBlocks: boolean): string | undefined {
  if (body.toolConfig === undefined) {
    if (usesToolBlocks) throw invalid("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
    return undefined;
  }
  const tools = records(field(body, "toolConfig").tools);
  // cachePoint entries may sit between tools; only toolSpec entries define tools
  const specs = tools.flatMap((tool, k) => (tool.cachePoint !== undefined ? [] : [{ spec: field(tool, "toolSpec"), k }]));
  if (specs.length === 0) throw constraint("[]", "toolConfig.tools", "Member must have length greater than or equal to 1");
  for (const { spec, k } of specs) {
    const path = `toolConfig.tools.${k}.toolSpec`;
    if (typeof spec.name !== "string" || !TOOL_NAME.test(spec.name)) throw constraint(spec.name, `${path}.name`, "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
    if (!isRecord(field(spec, "inputSchema").json)) throw constraint(undefined, `${path}.inputSchema`, "Member must not be null");
  }
  const names = specs.map(({ spec }) => String(spec.name));
  const chosen = field(field(body.toolConfig, "toolChoice"), "tool").name;
  if (chosen === undefined) return names[0];
  if (typeof chosen !== "string" || !names.includes(chosen)) throw invalid(`The tool ${String(chosen)} named in toolChoice is not defined in toolConfig.tools.`);
  return chosen;
}

/** What every operation that reads a conversation (Converse, ConverseStream, CountTokens) learns from it. */
interface Conversation {
  /** every text of the prompt (system included), for promptTokens */
  texts: string[];
  lastText: string;
  lastImages: SeenImage[];
  /** the last user turn returns tool results, so the model answers in text instead of calling again */
  answersTools: boolean;
  /** the tool the model calls, if the request offers tools */
  toolName: string | undefined;
}

function readConversation(body: Json): Conversation {
  const messages = records(body.messages);
  if (messages.length === 0) throw constraint("[]", "messages", "Member must have length greater than or equal to 1");
  const turns = messages.map(readTurn);
  checkTurnOrder(turns);
  checkToolPairing(turns);
  const usesToolBlocks = turns.some((t) => t.toolUseIds.length > 0 || t.toolResultIds.length > 0);
  const toolName = readToolConfig(body, usesToolBlocks);
  const system = records(body.system).flatMap((block) => (typeof block.text === "string" ? [block.text] : []));
  const last = turns.findLast((t) => t.role === "user")!;
  return {
    texts: [...system, ...turns.flatMap((t) => t.texts)],
    lastText: last.texts.join(" "),
    lastImages: last.images,
    answersTools: last.toolResultIds.length > 0,
    toolName,
  };
}

interface Limits {
  maxTokens?: number;
  stopSequences: string[];
}

function readInferenceConfig(body: Json): Limits {
  const config = field(body, "inferenceConfig");
  const { maxTokens, temperature, topP, stopSequences } = config;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) {
    throw constraint(maxTokens, "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1");
  }
  for (const [name, value] of Object.entries({ temperature, topP })) {
    if (value !== undefined && (typeof value !== "number" || value < 0 || value > 1)) {
      throw constraint(value, `inferenceConfig.${name}`, "Member must have value between 0 and 1");
    }
  }
  return { maxTokens: maxTokens as number | undefined, stopSequences: Array.isArray(stopSequences) ? stopSequences.map(String) : [] };
}

// ---------------------------------------------------------------------------------------------
// The answer, planned once and then written as JSON or as a stream

type AnswerBlock =
  | { kind: "reasoning"; pieces: string[]; signature: string }
  | { kind: "text"; pieces: string[] }
  | { kind: "toolUse"; toolUseId: string; name: string; pieces: string[] };

type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";

interface Answer {
  blocks: AnswerBlock[];
  stopReason: StopReason;
  usage: Json;
}

const splitPieces = (text: string) => text.split(/(?<= )/).filter(Boolean);

/** Cuts the reply where the model would stop: before the first stop sequence, or at maxTokens pieces. */
function limitReply(pieces: string[], limits: Limits): { pieces: string[]; stopReason: StopReason } {
  const text = pieces.join("");
  const cuts = limits.stopSequences.map((s) => (s ? text.indexOf(s) : -1)).filter((at) => at >= 0);
  const stopped = cuts.length > 0 ? splitPieces(text.slice(0, Math.min(...cuts))) : pieces;
  if (limits.maxTokens !== undefined && stopped.length > limits.maxTokens) return { pieces: stopped.slice(0, limits.maxTokens), stopReason: "max_tokens" };
  return { pieces: stopped, stopReason: cuts.length > 0 ? "stop_sequence" : "end_turn" };
}

/** Bedrock reports cached prompt tokens beside inputTokens, not inside it; totalTokens counts them all. */
function usageFor(scenario: Scenario, prompt: number, output: number): Json {
  if (scenario.kind !== "cache") return { inputTokens: prompt, outputTokens: output, totalTokens: prompt + output };
  return {
    inputTokens: prompt - CACHE_READ_TOKENS - CACHE_WRITE_TOKENS,
    outputTokens: output,
    totalTokens: prompt + output,
    cacheReadInputTokens: CACHE_READ_TOKENS,
    cacheWriteInputTokens: CACHE_WRITE_TOKENS,
  };
}

const REASONING_SIGNATURE = createHash("sha256").update(`fake-bedrock:${REASONING_TEXT}`).digest("base64");

function planAnswer(scenario: Scenario, conversation: Conversation, limits: Limits): Answer {
  const prompt = promptTokens(conversation.texts);
  if (conversation.toolName && !conversation.answersTools) {
    const toolUseId = `tooluse_${randomBytes(16).toString("base64url").slice(0, 22)}`;
    return {
      blocks: [{ kind: "toolUse", toolUseId, name: conversation.toolName, pieces: TOOL_ARGUMENT_PIECES }],
      stopReason: "tool_use",
      usage: usageFor(scenario, prompt, TOOL_ARGUMENT_PIECES.length),
    };
  }
  const reply = limitReply(replyPieces(conversation.lastText, conversation.lastImages), limits);
  const reasoning = scenario.kind === "reasoning";
  const blocks: AnswerBlock[] = [{ kind: "text", pieces: reply.pieces }];
  if (reasoning) blocks.unshift({ kind: "reasoning", pieces: splitPieces(REASONING_TEXT), signature: REASONING_SIGNATURE });
  return { blocks, stopReason: reply.stopReason, usage: usageFor(scenario, prompt, reply.pieces.length + (reasoning ? REASONING_TOKENS : 0)) };
}

const answerText = (answer: Answer) => answer.blocks.flatMap((b) => (b.kind === "text" ? b.pieces : [])).join("");

function contentBlock(block: AnswerBlock): Json {
  const text = block.pieces.join("");
  if (block.kind === "reasoning") return { reasoningContent: { reasoningText: { text, signature: block.signature } } };
  if (block.kind === "toolUse") return { toolUse: { toolUseId: block.toolUseId, name: block.name, input: TOOL_ARGUMENTS } };
  return { text };
}

function pieceDelta(block: AnswerBlock, piece: string): Json {
  if (block.kind === "reasoning") return { reasoningContent: { text: piece } };
  if (block.kind === "toolUse") return { toolUse: { input: piece } };
  return { text: piece };
}

const PADDING_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Bedrock pads each stream event with a "p" field of varying length so sizes do not reveal token lengths. */
function paddedEvent(eventType: string, payload: Json): Buffer {
  const length = 1 + ((JSON.stringify(payload).length * 7) % PADDING_ALPHABET.length);
  return jsonEvent(eventType, { ...payload, p: PADDING_ALPHABET.slice(0, length) });
}

/** A JSON answer for fake-slow / fake-gated waits before it is sent at all. */
async function holdJsonAnswer(exchange: FakeExchange, scenario: Scenario) {
  if (scenario.kind === "slow") await sleep(300);
  if (scenario.kind === "gated") await exchange.gate();
}

async function answerConverse(exchange: FakeExchange, scenario: Scenario, answer: Answer, started: number) {
  await holdJsonAnswer(exchange, scenario);
  if (exchange.res.destroyed) return;
  exchange.record.sentText = answerText(answer);
  exchange.json(
    200,
    {
      output: { message: { role: "assistant", content: answer.blocks.map(contentBlock) } },
      stopReason: answer.stopReason,
      usage: answer.usage,
      metrics: { latencyMs: Date.now() - started },
    },
    requestIdHeader(),
  );
}

async function streamConverse(exchange: FakeExchange, scenario: Scenario, answer: Answer, started: number) {
  const { res, record } = exchange;
  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", ...requestIdHeader() });
  // false once the client has gone, so the fake stops writing
  const send = (frame: Buffer) => {
    if (res.destroyed) return false;
    res.write(frame);
    return true;
  };

  if (!send(paddedEvent("messageStart", { role: "assistant" }))) return;
  let deltas = 0;
  let textDeltas = 0;
  for (const [contentBlockIndex, block] of answer.blocks.entries()) {
    // Bedrock opens only tool-use blocks explicitly; text and reasoning blocks start with their first delta
    if (block.kind === "toolUse") {
      const start = { toolUse: { toolUseId: block.toolUseId, name: block.name } };
      if (!send(paddedEvent("contentBlockStart", { start, contentBlockIndex }))) return;
    }
    for (const piece of block.pieces) {
      if (!send(paddedEvent("contentBlockDelta", { delta: pieceDelta(block, piece), contentBlockIndex }))) return;
      deltas++;
      if (block.kind === "text") {
        record.sentText += piece;
        textDeltas++;
      }
      if (scenario.kind === "stream-error" && textDeltas === 2) {
        send(jsonException("modelStreamErrorException", { message: "The model stopped unexpectedly while generating the response.", originalStatusCode: 500 }));
        res.end();
        return;
      }
      if (scenario.kind === "gated" && deltas === 1) await exchange.gate();
      if (scenario.kind === "slow") await sleep(50);
    }
    if (block.kind === "reasoning" && !send(paddedEvent("contentBlockDelta", { delta: { reasoningContent: { signature: block.signature } }, contentBlockIndex }))) return;
    if (!send(paddedEvent("contentBlockStop", { contentBlockIndex }))) return;
  }
  if (!send(paddedEvent("messageStop", { stopReason: answer.stopReason }))) return;
  if (!send(paddedEvent("metadata", { usage: answer.usage, metrics: { latencyMs: Date.now() - started } }))) return;
  res.end();
  exchange.finish();
}

// ---------------------------------------------------------------------------------------------
// CountTokens

/** CountTokens' invokeModel form carries a native request body; Bedrock counts tokens only for Anthropic models, so that is the shape read. */
function anthropicTexts(request: Json): string[] {
  const texts = (content: unknown) => (typeof content === "string" ? [content] : records(content).flatMap((b) => (typeof b.text === "string" ? [b.text] : [])));
  return [...texts(request.system), ...records(request.messages).flatMap((m) => texts(m.content))];
}

function countTokens(body: Json): number {
  const input = field(body, "input");
  if (isRecord(input.converse)) return promptTokens(readConversation(input.converse).texts);
  const encoded = field(input, "invokeModel").body;
  if (typeof encoded !== "string") throw invalid("The input field must contain exactly one of converse or invokeModel.");
  const native = parseJsonObject(Buffer.from(encoded, "base64"));
  if (!native) throw malformed("#: expected a JSON object");
  return promptTokens(anthropicTexts(native));
}

// ---------------------------------------------------------------------------------------------
// InvokeModel: Titan embeddings and image generation

function embeddingFor(text: string, dimensions: number, normalize: boolean): number[] {
  // 32 values per hash block, each block hashed with its index so long vectors do not repeat
  const values = Array.from({ length: dimensions }, (_, i) => {
    const digest = createHash("sha256").update(`${text}:${Math.floor(i / 32)}`).digest();
    return (digest[i % 32]! - 127.5) / 127.5;
  });
  if (!normalize) return values;
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

function titanEmbedding(body: Json): { payload: Json; inputTokens: number } {
  const { inputText, dimensions = 1024, normalize } = body;
  if (typeof inputText !== "string" || inputText.length === 0) throw malformed("#: required key [inputText] not found");
  if (dimensions !== 256 && dimensions !== 512 && dimensions !== 1024) throw malformed(`#/dimensions: ${String(dimensions)} is not a valid enum value`);
  const embedding = embeddingFor(inputText, dimensions, normalize !== false);
  const inputTokens = promptTokens([inputText]);
  return { payload: { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: inputTokens }, inputTokens };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const framed = Buffer.alloc(8 + data.length + 4);
  framed.writeUInt32BE(data.length, 0);
  typed.copy(framed, 4);
  framed.writeUInt32BE(crc32(typed), 4 + typed.length);
  return framed;
}

/** A real PNG of the requested size, one flat colour, so clients that decode or measure it get what they asked for. */
function solidPng(width: number, height: number, rgb: Buffer): Buffer {
  const row = Buffer.alloc(1 + width * 3); // first byte 0: the row's filter type "None"
  for (let x = 0; x < width; x++) rgb.copy(row, 1 + x * 3, 0, 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: RGB
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([PNG_MAGIC, pngChunk("IHDR", header), pngChunk("IDAT", pixels), pngChunk("IEND", Buffer.alloc(0))]);
}

function integerIn(value: unknown, fallback: number, min: number, max: number, path: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw malformed(`${path}: ${String(value)} is not an integer between ${min} and ${max}`);
  return value as number;
}

function generatedImages(body: Json): Json {
  if (body.taskType !== "TEXT_IMAGE") throw malformed(`#/taskType: ${String(body.taskType)} is not a task type the fake upstream serves (only TEXT_IMAGE)`);
  const text = field(body, "textToImageParams").text;
  if (typeof text !== "string" || text.length === 0) throw malformed("#/textToImageParams: required key [text] not found");
  const config = field(body, "imageGenerationConfig");
  const count = integerIn(config.numberOfImages, 1, 1, 5, "#/imageGenerationConfig/numberOfImages");
  const width = integerIn(config.width, 1024, 320, 4096, "#/imageGenerationConfig/width");
  const height = integerIn(config.height, 1024, 320, 4096, "#/imageGenerationConfig/height");
  const images = Array.from({ length: count }, (_, i) => solidPng(width, height, createHash("sha256").update(`${text}:${i}`).digest()).toString("base64"));
  return { images };
}

async function invokeModel(exchange: FakeExchange, scenario: Scenario, modelId: string, started: number) {
  const body = parseJsonObject(exchange.raw);
  if (!body) throw malformed("#: expected a JSON object");
  let payload: Json;
  const headers: Record<string, string> = requestIdHeader();
  if (modelId.includes("titan-embed")) {
    const embedding = titanEmbedding(body);
    payload = embedding.payload;
    headers["x-amzn-bedrock-input-token-count"] = String(embedding.inputTokens);
    headers["x-amzn-bedrock-output-token-count"] = "0";
  } else if (modelId.includes("nova-canvas") || modelId.includes("titan-image")) {
    payload = generatedImages(body);
  } else {
    throw invalid(`The provided model identifier is invalid. (The fake upstream serves InvokeModel only for titan-embed, nova-canvas and titan-image models, not ${modelId}.)`);
  }
  await holdJsonAnswer(exchange, scenario);
  if (exchange.res.destroyed) return;
  exchange.json(200, payload, { ...headers, "x-amzn-bedrock-invocation-latency": String(Date.now() - started) });
}

// ---------------------------------------------------------------------------------------------
// Routing

function parseJsonObject(raw: Buffer): Json | null {
  try {
    const value: unknown = JSON.parse(raw.toString("utf8"));
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|count-tokens)$/;

async function handle(exchange: FakeExchange, credentials: AwsCredentials) {
  const started = Date.now();
  const denied = authenticate(exchange, credentials);
  if (denied) throw denied;
  const route = exchange.req.method === "POST" ? ROUTE.exec(exchange.url.pathname) : null;
  if (!route) throw new BedrockError(404, "UnknownOperationException", `No Bedrock Runtime operation at ${exchange.req.method} ${exchange.url.pathname}.`);
  const modelId = decodeURIComponent(route[1]!);
  const operation = route[2];
  const scenario = scenarioFor(modelId);
  if (scenario.kind === "error") throw scenarioError(scenario.status);
  if (scenario.kind === "hang") return; // accepted and never answered: the client must time out or give up

  if (operation === "invoke") return invokeModel(exchange, scenario, modelId, started);
  const body = parseJsonObject(exchange.raw);
  if (!body) throw new BedrockError(400, "SerializationException", "The request body is not a JSON object.");
  if (operation === "count-tokens") {
    const inputTokens = countTokens(body);
    await holdJsonAnswer(exchange, scenario);
    if (!exchange.res.destroyed) exchange.json(200, { inputTokens }, requestIdHeader());
    return;
  }
  const answer = planAnswer(scenario, readConversation(body), readInferenceConfig(body));
  if (operation === "converse-stream") return streamConverse(exchange, scenario, answer, started);
  return answerConverse(exchange, scenario, answer, started);
}

export async function startFakeBedrock(
  options: { accessKeyId?: string; secretAccessKey?: string; region?: string } = {},
): Promise<FakeUpstream & { accessKeyId: string; secretAccessKey: string; region: string }> {
  const credentials: AwsCredentials = {
    accessKeyId: options.accessKeyId ?? "AKIAFAKEBEDROCK00001",
    secretAccessKey: options.secretAccessKey ?? "fakeBedrockSecretKey/0123456789abcdefGHIJ",
    region: options.region ?? "us-east-1",
  };
  const upstream = await startHttpFake(async (exchange) => {
    try {
      await handle(exchange, credentials);
    } catch (error) {
      if (!(error instanceof BedrockError) || exchange.res.headersSent) throw error;
      exchange.json(error.status, { message: error.message }, { "x-amzn-errortype": error.type, ...requestIdHeader() });
    }
  });
  return {
    url: upstream.url,
    requests: upstream.requests,
    release: upstream.release,
    waitForEarlyClose: upstream.waitForEarlyClose,
    close: upstream.close,
    ...credentials,
  };
}
