// A wire-faithful fake of Google's Gemini API (Generative Language API, v1beta) on loopback, for
// `new GoogleGenAI({ apiKey, httpOptions: { baseUrl: fake.url } })`:
//
//   POST /v1beta/models/{model}:generateContent                GenerateContentResponse JSON
//   POST /v1beta/models/{model}:streamGenerateContent?alt=sse  one `data:` event per piece, \r\n\r\n framed
//   POST /v1beta/models/{model}:batchEmbedContents             what models.embedContent calls
//   POST /v1beta/models/{model}:embedContent                   the single-content REST form
//   POST /v1beta/models/{model}:predict                        Imagen: {predictions:[{bytesBase64Encoded}]}
//   POST /v1beta/models/{model}:predictLongRunning             Veo (gemini-veo.ts): an operation, polled at
//   GET  /v1beta/models/{model}/operations/{id}                its name until done; the video file downloads
//   GET  /v1beta/files/{id}:download?alt=media                 from the API, redirected to a storage server
//   GET  /v1beta/models                                        a one-model list, to test a connection
//
// Audio through generateContent: inline audio/* parts in the last user turn are "heard" and answered
// with "Fake transcript of <seconds> seconds of audio." ("Fake translation of …" when the instruction
// says to translate), the seconds read from a WAV header (else the bytes at 16 kB/s) and counted at
// Gemini's 32 tokens a second (AUDIO in promptTokensDetails). generationConfig.responseModalities
// ["AUDIO"] (only models named *-tts*, with a prebuilt voice Gemini has) answers one inlineData part of
// "audio/L16;codec=pcm;rate=24000": 20 ms of silent 16-bit PCM per character of the prompt, counted at
// 25 output tokens a second of audio; record.sentBytes holds the PCM's length.
//
// The key travels in `x-goog-api-key` (or `?key=`). Errors are google.rpc.Status bodies
// ({error:{code,message,status,details?}}). The model name picks the scenario described in contract.ts.
import { randomBytes, createHash } from "node:crypto";
import {
  CACHE_READ_TOKENS,
  REASONING_TEXT,
  REASONING_TOKENS,
  RETRY_AFTER_SECONDS,
  TOOL_ARGUMENTS,
  promptTokens,
  replyPieces,
  scenarioFor,
  sleep,
  type FakeUpstream,
  type Scenario,
  type SeenImage,
} from "./contract";
import { googleError, isBase64 } from "./google-rpc";
import { createFakeVeo, isVeoPath, type FakeVeo } from "./gemini-veo";
import { startHttpFake, type FakeExchange } from "./http-fake";
import { wavDuration } from "./openai-audio";

const DEFAULT_API_KEY = "AIza-fake-0123456789abcdef";

/** A 1×1 PNG: what every Imagen prediction returns. */
export const FAKE_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

// Google documents these for histories Gemini did not produce (another vendor's turns, hand-built
// transcripts): they pass the thought-signature check.
const VALIDATOR_SKIPPING_SIGNATURES = new Set(["skip_thought_signature_validator", "context_engineering_is_the_way_to_go"]);

const DEFAULT_EMBEDDING_DIMENSIONS = 768;
export const IMAGE_OUTPUT_TOKENS = 1290;
const MAX_EMBEDDING_DIMENSIONS = 3072;
const DEFAULT_IMAGE_COUNT = 4;
const MAX_IMAGE_COUNT = 4;
/** Gemini counts audio input at 32 tokens a second, and TTS output at 25 */
export const AUDIO_INPUT_TOKENS_PER_SECOND = 32;
export const AUDIO_OUTPUT_TOKENS_PER_SECOND = 25;
/** what a second of non-WAV audio is taken to weigh (128 kbit/s) */
const AUDIO_BYTES_PER_SECOND = 16_000;
export const TTS_MIME_TYPE = "audio/L16;codec=pcm;rate=24000";
/** 20 ms of 24 kHz 16-bit mono PCM for every character the model is asked to say */
export const TTS_PCM_BYTES_PER_CHARACTER = 960;
const TTS_PCM_BYTES_PER_SECOND = 48_000;
export const GEMINI_VOICE_NAMES = new Set([
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina",
  "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix",
  "Sadachbia", "Sadaltager", "Sulafat",
]);

interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType?: string; data?: string };
  fileData?: { mimeType?: string; fileUri?: string };
  functionCall?: { name?: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name?: string; response?: Record<string, unknown>; id?: string };
}

interface Content {
  role?: string;
  parts: Part[];
}

interface GenerateContentRequest {
  contents?: Content[];
  systemInstruction?: { parts?: Part[] };
  generationConfig?: {
    candidateCount?: number;
    responseModalities?: string[];
    thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
    speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } } };
  };
  tools?: Array<{ functionDeclarations?: Array<{ name?: string }> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
}

type Veo = Awaited<ReturnType<typeof createFakeVeo>>;

/** One request the fake is answering, after routing. */
interface Call {
  exchange: FakeExchange;
  model: string;
  method: string;
  scenario: Scenario;
  body: Record<string, unknown>;
  /** every thought signature this fake has handed out */
  signatures: Set<string>;
  veo: Veo;
}

/** One streamed chunk's part; a JSON answer merges them. */
interface Step {
  part: Part;
  outputTokens: number;
}

interface Reply {
  steps: Step[];
  promptTokens: number;
  /** of promptTokens, those that were audio */
  audioTokens: number;
  thinking: boolean;
  cached: boolean;
  candidates: number;
  responseId: string;
}

// --- errors ---------------------------------------------------------------------------------------

const INTERNAL_MESSAGE = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting";

function scenarioError(status: number, model: string, method: string) {
  const messages: Record<number, string> = {
    400: "Request contains an invalid argument.",
    403: "The caller does not have permission",
    404: `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
    429: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in ${RETRY_AFTER_SECONDS}s.`,
    500: INTERNAL_MESSAGE,
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
  };
  // Google sends no Retry-After header: its retry hint is this RetryInfo detail
  const details =
    status === 429
      ? [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests", quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", quotaDimensions: { location: "global", model }, quotaValue: "10" }],
          },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${RETRY_AFTER_SECONDS}s` },
        ]
      : undefined;
  return googleError(status, messages[status] ?? `fake failure ${status}`, details);
}

function authError(exchange: FakeExchange, apiKey: string): { status: number; body: unknown } | undefined {
  const header = exchange.req.headers["x-goog-api-key"];
  const given = (Array.isArray(header) ? header[0] : header) ?? exchange.url.searchParams.get("key") ?? undefined;
  if (given === apiKey) return undefined;
  if (given === undefined) {
    const message = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
    return { status: 403, body: googleError(403, message) };
  }
  const message = "API key not valid. Please pass a valid API key.";
  const details = [
    { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
    { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message },
  ];
  return { status: 400, body: googleError(400, message, details) };
}

// --- request validation (each returns Gemini's 400 message, or undefined) -------------------------

const roleOf = (content: Content) => content.role ?? "user";
const DATA_FIELDS = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];

function partProblem(part: Part, path: string): string | undefined {
  if (typeof part !== "object" || part === null || !DATA_FIELDS.some((field) => field in part)) {
    return `* GenerateContentRequest.${path}.data: required oneof field 'data' must have one initialized field\n`;
  }
  if (part.inlineData && !isBase64(part.inlineData.data)) {
    return `Invalid value at '${path}.inline_data.data' (TYPE_BYTES), Base64 decoding failed for "${String(part.inlineData.data)}"`;
  }
  return undefined;
}

function shapeProblem(contents: Content[]): string | undefined {
  for (const [i, content] of contents.entries()) {
    if (typeof content !== "object" || content === null || (content.role !== undefined && content.role !== "user" && content.role !== "model")) {
      return "Please use a valid role: user, model.";
    }
    if (!Array.isArray(content.parts) || content.parts.length === 0) return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`;
    for (const [j, part] of content.parts.entries()) {
      const problem = partProblem(part, `contents[${i}].parts[${j}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

const callsIn = (content: Content | undefined) => (content?.parts ?? []).flatMap((p) => (p.functionCall ? [p.functionCall] : []));
const responsesIn = (content: Content | undefined) => (content?.parts ?? []).flatMap((p) => (p.functionResponse ? [p.functionResponse] : []));

function functionTurnProblem(contents: Content[]): string | undefined {
  for (const [i, content] of contents.entries()) {
    const previous = contents[i - 1];
    if (callsIn(content).length > 0 && (!previous || roleOf(previous) !== "user")) {
      return "Please ensure that function call turn comes immediately after a user turn or after a function response turn.";
    }
    const responses = responsesIn(content);
    if (responses.length === 0) continue;
    const calls = callsIn(previous);
    if (!previous || roleOf(previous) !== "model" || calls.length === 0) return "Please ensure that function response turn comes immediately after a function call turn.";
    if (responses.length !== calls.length) return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
    const unmatched = responses.find((r) => !calls.some((c) => c.name === r.name));
    if (unmatched) return `Function response \`${unmatched.name}\` at contents[${i}] does not match any function call of the function call turn before it.`;
  }
  return undefined;
}

/** Index of the user content that opened the current turn: function calls after it are the ones Gemini checks. */
function currentTurnStart(contents: Content[]): number {
  const opener = contents.findLastIndex((c) => roleOf(c) === "user" && c.parts.some((p) => !p.functionResponse));
  return Math.max(opener, 0);
}

function signatureProblem(contents: Content[], issued: ReadonlySet<string>): string | undefined {
  for (let i = currentTurnStart(contents); i < contents.length; i++) {
    const content = contents[i]!;
    // in a step with parallel calls only the first call carries the signature
    const firstCall = roleOf(content) === "model" ? content.parts.find((p) => p.functionCall) : undefined;
    if (!firstCall) continue;
    const signature = firstCall.thoughtSignature;
    if (signature === undefined) {
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${firstCall.functionCall?.name}\` , position ${i}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
    if (!issued.has(signature) && !VALIDATOR_SKIPPING_SIGNATURES.has(signature)) return "Corrupted thought signature.";
  }
  return undefined;
}

const FUNCTION_CALLING_MODES = ["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"];

function declaredFunctions(request: GenerateContentRequest): string[] {
  return (request.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []).flatMap((d) => (d.name ? [d.name] : []));
}

function toolConfigProblem(request: GenerateContentRequest): string | undefined {
  const config = request.toolConfig?.functionCallingConfig;
  if (!config) return undefined;
  if (config.mode !== undefined && !FUNCTION_CALLING_MODES.includes(config.mode)) {
    return `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "${config.mode}"`;
  }
  const declared = declaredFunctions(request);
  if (config.mode === "ANY" && declared.length === 0) return "Function calling config is set without function_declarations.";
  const undeclared = config.allowedFunctionNames?.find((name) => !declared.includes(name));
  if (undeclared !== undefined) return `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function \`${undeclared}\` is not declared in tools.\n`;
  return undefined;
}

function speechProblem(request: GenerateContentRequest, model: string): string | undefined {
  const config = request.generationConfig;
  const audio = config?.responseModalities?.includes("AUDIO") ?? false;
  if (audio !== model.includes("-tts")) {
    return audio ? "Model does not support the requested response modality: AUDIO" : "The requested combination of response modalities (TEXT) is not supported by the model.";
  }
  const voice = config?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName;
  if (voice !== undefined && !GEMINI_VOICE_NAMES.has(voice)) return `Voice name ${voice} is not supported. Allowed voice names are: ${[...GEMINI_VOICE_NAMES].map((v) => v.toLowerCase()).join(", ")}`;
  return undefined;
}

function requestProblem(request: GenerateContentRequest, issued: ReadonlySet<string>, model: string): string | undefined {
  const contents = request.contents;
  if (!Array.isArray(contents) || contents.length === 0) return "* GenerateContentRequest.contents: contents is not specified\n";
  return shapeProblem(contents) ?? functionTurnProblem(contents) ?? signatureProblem(contents, issued) ?? toolConfigProblem(request) ?? speechProblem(request, model);
}

// --- the answer ----------------------------------------------------------------------------------

function imageOf(part: Part): SeenImage[] {
  const { inlineData, fileData } = part;
  if (inlineData?.mimeType?.startsWith("image/")) return [{ mediaType: inlineData.mimeType, bytes: Buffer.from(inlineData.data ?? "", "base64").length }];
  if (fileData?.mimeType?.startsWith("image/")) return [{ mediaType: fileData.mimeType, bytes: 0 }];
  return [];
}

/** The text and images of the last user turn that said something (function results say nothing). */
function lastUserTurn(contents: Content[]): { text: string; images: SeenImage[] } {
  const parts = contents.findLast((c) => roleOf(c) === "user" && c.parts.some((p) => !p.functionResponse))?.parts ?? [];
  const text = parts.flatMap((p) => (typeof p.text === "string" && !p.thought ? [p.text] : [])).join(" ");
  return { text, images: parts.flatMap(imageOf) };
}

function allTexts(request: GenerateContentRequest, contents: Content[]): string[] {
  const parts = [...(request.systemInstruction?.parts ?? []), ...contents.flatMap((c) => c.parts)];
  return parts.flatMap((p) => (typeof p.text === "string" ? [p.text] : []));
}

function functionToCall(request: GenerateContentRequest, contents: Content[]): string | undefined {
  const declared = declaredFunctions(request);
  const config = request.toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? "AUTO";
  if (declared.length === 0 || mode === "NONE") return undefined;
  // holding the function's result, a model answers in words; only ANY forces yet another call
  if (mode !== "ANY" && responsesIn(contents.at(-1)).length > 0) return undefined;
  return config?.allowedFunctionNames?.[0] ?? declared[0];
}

function functionCallPart(name: string, signatures: Set<string>): Part {
  const thoughtSignature = randomBytes(48).toString("base64");
  signatures.add(thoughtSignature);
  return { functionCall: { name, args: TOOL_ARGUMENTS, id: `call_${randomBytes(8).toString("hex")}` }, thoughtSignature };
}

/** Seconds of the inline audio of the last user turn (a WAV's header, else its size at 16 kB/s); null when there is none. */
function heardSeconds(contents: Content[]): number | null {
  const parts = contents.findLast((c) => roleOf(c) === "user")?.parts ?? [];
  const audio = parts.flatMap((p) => (p.inlineData?.mimeType?.startsWith("audio/") ? [Buffer.from(p.inlineData.data ?? "", "base64")] : []));
  if (audio.length === 0) return null;
  return audio.reduce((total, bytes) => total + (wavDuration(bytes) ?? bytes.length / AUDIO_BYTES_PER_SECOND), 0);
}

/** What the fake "hears" in `seconds` of audio: a translation when the instruction asks for one. */
export function fakeTranscript(seconds: number, translate = false): string {
  return `Fake ${translate ? "translation" : "transcript"} of ${Number(seconds.toFixed(2))} seconds of audio.`;
}

export const audioInputTokens = (seconds: number) => Math.ceil(seconds * AUDIO_INPUT_TOKENS_PER_SECOND);
/** the PCM bytes and output tokens of saying `text` */
export function spokenPcm(text: string): { bytes: number; tokens: number } {
  const bytes = [...text].length * TTS_PCM_BYTES_PER_CHARACTER;
  return { bytes, tokens: Math.ceil((bytes / TTS_PCM_BYTES_PER_SECOND) * AUDIO_OUTPUT_TOKENS_PER_SECOND) };
}

function planReply(request: GenerateContentRequest, contents: Content[], call: Call): Reply {
  const thinkingConfig = request.generationConfig?.thinkingConfig;
  const thinking = call.scenario.kind === "reasoning" && thinkingConfig?.thinkingBudget !== 0;
  const steps: Step[] = [];
  if (thinking && thinkingConfig?.includeThoughts === true) steps.push({ part: { text: REASONING_TEXT, thought: true }, outputTokens: 0 });
  const name = functionToCall(request, contents);
  const seconds = heardSeconds(contents);
  if (request.generationConfig?.responseModalities?.includes("AUDIO")) {
    // TTS models answer the whole audio as one inline part of raw PCM
    const pcm = spokenPcm(lastUserTurn(contents).text);
    steps.push({ part: { inlineData: { mimeType: TTS_MIME_TYPE, data: Buffer.alloc(pcm.bytes).toString("base64") } }, outputTokens: pcm.tokens });
  } else if (seconds !== null) {
    const translate = /\btranslate\b/i.test(lastUserTurn(contents).text);
    steps.push(...fakeTranscript(seconds, translate).split(/(?<= )/).map((text) => ({ part: { text }, outputTokens: 1 })));
  } else if (request.generationConfig?.responseModalities?.includes("IMAGE")) {
    // image models (gemini-*-image) answer with the picture as an inline part; Google bills ~1290 tokens for it
    steps.push({ part: { inlineData: { mimeType: "image/png", data: FAKE_PNG_BASE64 } }, outputTokens: IMAGE_OUTPUT_TOKENS });
  } else if (name) {
    // Gemini sends a function call whole, never in pieces
    steps.push({ part: functionCallPart(name, call.signatures), outputTokens: 1 });
  } else {
    const turn = lastUserTurn(contents);
    steps.push(...replyPieces(turn.text, turn.images).map((text) => ({ part: { text }, outputTokens: 1 })));
  }
  const audioTokens = seconds === null ? 0 : audioInputTokens(seconds);
  return {
    steps,
    promptTokens: promptTokens(allTexts(request, contents)) + audioTokens,
    audioTokens,
    thinking,
    cached: call.scenario.kind === "cache",
    candidates: Math.max(1, request.generationConfig?.candidateCount ?? 1),
    responseId: randomBytes(15).toString("base64url"),
  };
}

function usageMetadata(reply: Reply, outputTokens: number) {
  const candidatesTokenCount = outputTokens * reply.candidates;
  const thoughts = reply.thinking ? REASONING_TOKENS : 0;
  return {
    // promptTokenCount includes the cached tokens, as Google counts them
    promptTokenCount: reply.promptTokens,
    candidatesTokenCount,
    totalTokenCount: reply.promptTokens + candidatesTokenCount + thoughts,
    ...(reply.cached ? { cachedContentTokenCount: CACHE_READ_TOKENS } : {}),
    ...(reply.thinking ? { thoughtsTokenCount: thoughts } : {}),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: reply.promptTokens - reply.audioTokens }, ...(reply.audioTokens ? [{ modality: "AUDIO", tokenCount: reply.audioTokens }] : [])],
    ...(reply.steps.some((step) => step.part.inlineData?.mimeType === TTS_MIME_TYPE) ? { candidatesTokensDetails: [{ modality: "AUDIO", tokenCount: candidatesTokenCount }] } : {}),
    ...(reply.cached ? { cacheTokensDetails: [{ modality: "TEXT", tokenCount: CACHE_READ_TOKENS }] } : {}),
  };
}

function responseBody(call: Call, reply: Reply, parts: Part[], finishReason: string | undefined, outputTokens: number) {
  return {
    candidates: Array.from({ length: reply.candidates }, (_, index) => ({ content: { parts, role: "model" }, ...(finishReason ? { finishReason } : {}), index })),
    usageMetadata: usageMetadata(reply, outputTokens),
    modelVersion: call.model,
    responseId: reply.responseId,
  };
}

/** A JSON answer's parts: the streamed pieces with adjacent answer texts joined. */
function mergedParts(steps: Step[]): Part[] {
  const parts: Part[] = [];
  for (const { part } of steps) {
    const previous = parts.at(-1);
    if (previous && !previous.thought && !part.thought && previous.text !== undefined && part.text !== undefined) previous.text += part.text;
    else parts.push({ ...part });
  }
  return parts;
}

const answerText = (steps: Step[]) => steps.map(({ part }) => (part.thought ? "" : (part.text ?? ""))).join("");
const totalOutput = (steps: Step[]) => steps.reduce((n, s) => n + s.outputTokens, 0);

/** Applies fake-slow / fake-gated to a JSON answer; false when the client has gone meanwhile. */
async function readyToAnswer(call: Call): Promise<boolean> {
  if (call.scenario.kind === "slow") await sleep(300);
  if (call.scenario.kind === "gated") await call.exchange.gate();
  return !call.exchange.res.destroyed;
}

const sseEvent = (payload: unknown) => `data: ${JSON.stringify(payload)}\r\n\r\n`;

async function failMidStream(call: Call) {
  const { res } = call.exchange;
  // Google reports a failure after the 200 as a bare JSON error object, not a `data:` event. The SDK only
  // recognises it when it arrives as a read of its own (glued to an event it fails with "Incomplete JSON
  // segment at the end", as it can against Google), so give the client time to read the events before it.
  await sleep(100);
  if (!res.destroyed) res.end(JSON.stringify(googleError(500, INTERNAL_MESSAGE), null, 2));
}

async function streamReply(call: Call, reply: Reply) {
  const { exchange, scenario } = call;
  const { res, record } = exchange;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const sending = scenario.kind === "stream-error" ? reply.steps.slice(0, 2) : reply.steps;
  let outputTokens = 0;
  for (const [i, step] of sending.entries()) {
    if (res.destroyed) return;
    outputTokens += step.outputTokens;
    // every chunk carries the running usage; the last one also the finish reason
    const finishReason = i === reply.steps.length - 1 ? "STOP" : undefined;
    res.write(sseEvent(responseBody(call, reply, [step.part], finishReason, outputTokens)));
    record.sentText += answerText([step]);
    if (scenario.kind === "gated" && i === 0) await exchange.gate();
    if (scenario.kind === "slow") await sleep(50);
  }
  if (res.destroyed) return;
  if (scenario.kind === "stream-error") return failMidStream(call);
  res.end();
  exchange.finish();
}

async function generate(call: Call, stream: boolean) {
  const request = call.body as GenerateContentRequest;
  const problem = requestProblem(request, call.signatures, call.model);
  if (problem) return call.exchange.json(400, googleError(400, problem));
  const reply = planReply(request, request.contents ?? [], call);
  if (stream) return streamReply(call, reply);
  if (!(await readyToAnswer(call))) return;
  call.exchange.record.sentText = answerText(reply.steps);
  const audio = reply.steps.find((step) => step.part.inlineData?.mimeType === TTS_MIME_TYPE)?.part.inlineData?.data;
  if (audio !== undefined) call.exchange.record.sentBytes = Buffer.from(audio, "base64").length;
  call.exchange.json(200, responseBody(call, reply, mergedParts(reply.steps), "STOP", totalOutput(reply.steps)));
}

// --- embeddings and images -----------------------------------------------------------------------

/** Deterministic values in [-1, 1] drawn from the text's hash. */
function embeddingValues(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    for (const byte of createHash("sha256").update(`${block}:${text}`).digest()) {
      if (values.length < dimensions) values.push((byte - 127.5) / 127.5);
    }
  }
  return values;
}

interface EmbedRequest {
  model?: string;
  content?: { parts?: Part[] };
  outputDimensionality?: number;
}

function embedding(request: EmbedRequest): { values: number[] } | string {
  const dimensions = request.outputDimensionality ?? DEFAULT_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
    return `* EmbedContentRequest.output_dimensionality: must be between 1 and ${MAX_EMBEDDING_DIMENSIONS}, got ${String(dimensions)}.\n`;
  }
  const text = (request.content?.parts ?? []).flatMap((p) => (typeof p.text === "string" ? [p.text] : [])).join(" ");
  return { values: embeddingValues(text, dimensions) };
}

async function batchEmbedContents(call: Call) {
  const requests = call.body.requests as EmbedRequest[] | undefined;
  if (!Array.isArray(requests) || requests.length === 0) return call.exchange.json(400, googleError(400, "* BatchEmbedContentsRequest.requests: requests is not specified\n"));
  const strayModel = requests.find((r) => r.model !== undefined && r.model !== `models/${call.model}`);
  if (strayModel) {
    return call.exchange.json(400, googleError(400, `* BatchEmbedContentsRequest.requests: model "${strayModel.model}" does not match the request's model "models/${call.model}".\n`));
  }
  const embeddings = requests.map(embedding);
  const problem = embeddings.find((e) => typeof e === "string");
  if (problem) return call.exchange.json(400, googleError(400, problem));
  if (await readyToAnswer(call)) call.exchange.json(200, { embeddings });
}

async function embedContent(call: Call) {
  const result = embedding(call.body as EmbedRequest);
  if (typeof result === "string") return call.exchange.json(400, googleError(400, result));
  if (await readyToAnswer(call)) call.exchange.json(200, { embedding: result });
}

async function predict(call: Call) {
  const instances = call.body.instances as Array<{ prompt?: unknown }> | undefined;
  const prompt = instances?.[0]?.prompt;
  if (typeof prompt !== "string" || prompt.trim() === "") return call.exchange.json(400, googleError(400, "* PredictRequest.instances[0].prompt: a text prompt is required.\n"));
  const count = (call.body.parameters as { sampleCount?: number } | undefined)?.sampleCount ?? DEFAULT_IMAGE_COUNT;
  if (!Number.isInteger(count) || count < 1 || count > MAX_IMAGE_COUNT) {
    return call.exchange.json(400, googleError(400, `Number of images must be between 1 and ${MAX_IMAGE_COUNT}, got ${String(count)}.`));
  }
  const predictions = Array.from({ length: count }, () => ({ mimeType: "image/png", bytesBase64Encoded: FAKE_PNG_BASE64 }));
  if (await readyToAnswer(call)) call.exchange.json(200, { predictions });
}

// --- routing -------------------------------------------------------------------------------------

const MODEL_LIST = {
  models: [
    {
      name: "models/gemini-2.5-flash",
      version: "001",
      displayName: "Gemini 2.5 Flash",
      description: "Stable version of Gemini 2.5 Flash.",
      inputTokenLimit: 1048576,
      outputTokenLimit: 65536,
      supportedGenerationMethods: ["generateContent"],
    },
  ],
};

const HANDLERS = new Map<string, (call: Call) => Promise<void>>([
  ["generateContent", (call) => generate(call, false)],
  ["streamGenerateContent", (call) => generate(call, true)],
  ["batchEmbedContents", batchEmbedContents],
  ["embedContent", embedContent],
  ["predict", predict],
  ["predictLongRunning", async (call) => call.veo.start(call.exchange, call.model)],
]);

const MODEL_METHOD = /^\/v1beta\/models\/([^/:]+):(\w+)$/;

async function route(exchange: FakeExchange, apiKey: string, signatures: Set<string>, veo: Veo) {
  const denied = authError(exchange, apiKey);
  if (denied) return exchange.json(denied.status, denied.body);
  const { pathname } = exchange.url;
  if (exchange.req.method === "GET" && pathname === "/v1beta/models") return exchange.json(200, MODEL_LIST);
  if (exchange.req.method === "GET" && isVeoPath(pathname)) return veo.get(exchange);

  const [, rawModel = "", method = ""] = MODEL_METHOD.exec(pathname) ?? [];
  const handler = exchange.req.method === "POST" ? HANDLERS.get(method) : undefined;
  if (!handler) return exchange.json(404, googleError(404, "Method not found."));
  const body = exchange.record.body;
  if (!body) return exchange.json(400, googleError(400, "Invalid JSON payload received. Unexpected token."));

  const model = decodeURIComponent(rawModel);
  const scenario = scenarioFor(model);
  if (scenario.kind === "error") return exchange.json(scenario.status, scenarioError(scenario.status, model, method));
  if (scenario.kind === "hang") return; // accepted and never answered: the client has to give up
  await handler({ exchange, model, method, scenario, body, signatures, veo });
}

export interface FakeGemini extends FakeUpstream {
  apiKey: string;
  /** Veo's operations, and the knobs that pace and shape them */
  veo: FakeVeo;
}

export async function startFakeGemini(options: { apiKey?: string } = {}): Promise<FakeGemini> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const signatures = new Set<string>();
  const veo = await createFakeVeo();
  const fake = await startHttpFake((exchange) => route(exchange, apiKey, signatures, veo));
  return {
    ...fake,
    apiKey,
    veo,
    async close() {
      await Promise.all([fake.close(), veo.storage.close()]);
    },
  };
}
