// OpenAI's audio and moderation endpoints, for the fake in openai-upstream.ts (which checks the API key
// and routes these paths here; only the "openai" flavor has them):
//
//   POST /v1/audio/transcriptions  multipart: file (a WAV; its header gives the duration), model, language,
//   POST /v1/audio/translations    prompt, response_format (json | text | srt | vtt | verbose_json),
//                                  temperature, timestamp_granularities[] (word, segment).
//                                  Text: "Fake transcript of <seconds> seconds of audio." ("Fake translation
//                                  of …"). json usage: {type:"duration", seconds: ceil(duration)}, or for
//                                  gpt-4o models {type:"tokens", …} with audio_tokens = ceil(seconds × 10),
//                                  text_tokens = ceil(prompt length / 4), output_tokens = words of the text.
//                                  gpt-4o models answer json or text only; translations are whisper-1's only
//                                  and carry no usage.
//   POST /v1/audio/speech          JSON {model, input, voice, response_format?, speed?, instructions?}:
//                                  input.length × 64 bytes of audio (a valid WAV for wav) in 4 chunks
//                                  SPEECH_CHUNK_GAP_MS apart, chunked, no content-length
//   POST /v1/moderations           JSON {input, model?}: one result per input string (one for a multimodal
//                                  array); text containing "kill" is flagged as violence (score 0.9)
//
// The model name picks the scenario (contract.ts): fake-error-<status> and fake-hang everywhere; fake-slow
// waits 300 ms and fake-gated waits for release() before a JSON or text answer; a gated speech answer
// sends its first chunk, then waits for release() before the rest.
//
// What reached the fake: a multipart request's record.body holds its fields (a field sent more than once,
// or named with a trailing [], as an array, under its wire name, e.g. "timestamp_granularities[]") and
// `file: { name, type, bytes }`; JSON requests keep their parsed body. Transcripts go to record.sentText.
// Speech records sentBytes, and sentAt = { first, last } (Date.now() after the first and after the last
// chunk was written; `last` is absent until then): a client that got its first bytes before sentAt.last
// was streamed to, not buffered for.
import { createHash } from "node:crypto";
import { scenarioFor, sleep } from "./contract";
import type { FakeExchange } from "./http-fake";
import { invalid, playScenario, readForm, type ErrorBodyFor } from "./openai-common";

export const OPENAI_AUDIO_PATHS = new Set(["/v1/audio/transcriptions", "/v1/audio/translations", "/v1/audio/speech", "/v1/moderations"]);
export const SPEECH_CHUNKS = 4;
export const SPEECH_CHUNK_GAP_MS = 40;
export const SPEECH_BYTES_PER_CHARACTER = 64;
export const SPEECH_MAX_INPUT = 4096;
export const UNSUPPORTED_AUDIO_MESSAGE = "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']";
export const MODERATION_CATEGORIES = [
  "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
  "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
] as const;
/** the categories omni moderation models also judge images for */
const IMAGE_CATEGORIES = new Set(["self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "violence", "violence/graphic"]);
const SPEECH_TYPES: Record<string, string> = { mp3: "audio/mpeg", opus: "audio/opus", aac: "audio/aac", flac: "audio/flac", wav: "audio/wav", pcm: "audio/pcm" };
const TEXT_FORMATS = new Set(["json", "text", "srt", "vtt", "verbose_json"]);
const LANGUAGES: Record<string, string> = { en: "english", fr: "french", de: "german", es: "spanish", it: "italian", ja: "japanese", zh: "chinese" };

/** A WAV file of `seconds` of silence: 16-bit mono PCM at `sampleRate`, with a valid RIFF header. */
export function wavFile(seconds: number, sampleRate = 8000): Buffer {
  return wavWithData(Buffer.alloc(Math.round(seconds * sampleRate) * 2), sampleRate);
}

function wavWithData(pcm: Buffer, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** Seconds of audio in a RIFF/WAVE file (data chunk size / fmt byte rate); null when it is not one. */
export function wavDuration(bytes: Buffer): number | null {
  if (bytes.length < 12 || bytes.toString("ascii", 0, 4) !== "RIFF" || bytes.toString("ascii", 8, 12) !== "WAVE") return null;
  let byteRate = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString("ascii", at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === "fmt " && at + 20 <= bytes.length) byteRate = bytes.readUInt32LE(at + 16);
    if (id === "data") return byteRate > 0 ? Math.min(size, bytes.length - at - 8) / byteRate : null;
    at += 8 + size + (size % 2);
  }
  return null;
}

/** seconds with up to 2 decimals: 3.5 → "3.5", 3 → "3", 1.2345 → "1.23" */
const secondsText = (seconds: number) => String(Math.round(seconds * 100) / 100);
const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** FastAPI's validation message, as OpenAI's audio service words it */
function validationError(kind: "missing" | "string_too_long", field: string) {
  const detail = kind === "missing" ? "'msg': 'Field required'" : `'msg': 'String should have at most ${SPEECH_MAX_INPUT} characters', 'ctx': {'max_length': ${SPEECH_MAX_INPUT}}`;
  return invalid(`[{'type': '${kind}', 'loc': ('body', '${field}'), ${detail}}]`, field);
}

function sendText(x: FakeExchange, text: string) {
  x.res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
  x.res.end(text);
  x.finish();
}

export async function handleOpenAIAudio(x: FakeExchange, errorBody: ErrorBodyFor): Promise<void> {
  const path = x.url.pathname;
  if (path === "/v1/audio/speech") return speech(x, errorBody);
  if (path === "/v1/moderations") return moderations(x, errorBody);
  return transcribe(x, errorBody, path === "/v1/audio/translations" ? "translate" : "transcribe");
}

async function transcribe(x: FakeExchange, errorBody: ErrorBodyFor, task: "transcribe" | "translate") {
  const { fields, files } = await readForm(x);
  const file = files.file ?? null;
  const bytes = file ? Buffer.from(await file.arrayBuffer()) : null;
  x.record.body = { ...fields, ...(file ? { file: { name: file.name, type: file.type, bytes: bytes!.length } } : {}) };
  const field = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : undefined);
  const model = field("model") ?? "";

  if (!file) return x.json(400, invalid("1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)", "file"));
  if (!model) return x.json(400, invalid("you must provide a model parameter", "model"));
  if (!(await playScenario(x, model, errorBody))) return;
  const format = field("response_format") ?? "json";
  if (!TEXT_FORMATS.has(format)) {
    return x.json(400, invalid(`Invalid value for 'response_format': '${format}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.`, "response_format", "invalid_value"));
  }
  const tokenBilled = model.includes("gpt-4o");
  if (task === "translate" && model !== "whisper-1") return x.json(400, invalid(`The model \`${model}\` does not support translations; use whisper-1.`, "model", "unsupported_model"));
  if (tokenBilled && format !== "json" && format !== "text") {
    return x.json(400, invalid(`response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, "response_format", "unsupported_value"));
  }
  const duration = wavDuration(bytes!);
  if (duration === null) return x.json(400, invalid(UNSUPPORTED_AUDIO_MESSAGE));

  const seconds = Math.round(duration * 100) / 100;
  const text = `Fake ${task === "translate" ? "translation" : "transcript"} of ${secondsText(duration)} seconds of audio.`;
  x.record.sentText = text;
  const prompt = field("prompt") ?? "";
  const audioTokens = Math.ceil(duration * 10);
  const textTokens = Math.ceil(prompt.length / 4);
  const outputTokens = words(text).length;
  const usage = tokenBilled
    ? { type: "tokens", input_tokens: audioTokens + textTokens, input_token_details: { audio_tokens: audioTokens, text_tokens: textTokens }, output_tokens: outputTokens, total_tokens: audioTokens + textTokens + outputTokens }
    : { type: "duration", seconds: Math.ceil(duration) };

  // OpenAI's translations answer no usage (the SDK's Translation is { text }): the hub measures them
  const reported = task === "translate" ? {} : { usage };
  if (format === "json") return x.json(200, { text, ...reported });
  if (format === "text") return sendText(x, `${text}\n`);
  if (format === "srt") return sendText(x, `1\n${timestamp(0, ",")} --> ${timestamp(duration, ",")}\n${text}\n\n`);
  if (format === "vtt") return sendText(x, `WEBVTT\n\n${timestamp(0, ".")} --> ${timestamp(duration, ".")}\n${text}\n\n`);

  const granularities = fields["timestamp_granularities[]"];
  const asked = new Set(granularities === undefined ? ["segment"] : Array.isArray(granularities) ? granularities : [granularities]);
  const temperature = Number(field("temperature") ?? 0);
  const segments = [{ id: 0, seek: 0, start: 0, end: seconds, text: ` ${text}`, tokens: words(text).map((_, i) => 50364 + i), temperature, avg_logprob: -0.25, compression_ratio: 0.9, no_speech_prob: 0.01 }];
  const spoken = words(text).map((w) => w.replace(/[.,!?]+$/, ""));
  const wordTimes = spoken.map((word, i) => ({ word, start: Math.round(((i * duration) / spoken.length) * 100) / 100, end: Math.round((((i + 1) * duration) / spoken.length) * 100) / 100 }));
  return x.json(200, {
    task,
    language: task === "translate" ? "english" : (LANGUAGES[field("language") ?? "en"] ?? "english"),
    duration: seconds,
    text,
    ...(asked.has("word") ? { words: wordTimes } : {}),
    ...(asked.has("segment") ? { segments } : {}),
    ...reported,
  });
}

/** 00:00:03,500 (srt) or 00:00:03.500 (vtt) */
function timestamp(seconds: number, separator: string): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

async function speech(x: FakeExchange, errorBody: ErrorBodyFor) {
  const body = x.record.body ?? {};
  const model = String(body.model ?? "");
  const format = String(body.response_format ?? "mp3");
  if (typeof body.input !== "string") return x.json(400, validationError("missing", "input"));
  if (body.input.length > SPEECH_MAX_INPUT) return x.json(400, validationError("string_too_long", "input"));
  if (body.voice === undefined || body.voice === "") return x.json(400, validationError("missing", "voice"));
  if (!model) return x.json(400, invalid("you must provide a model parameter", "model"));
  if (!SPEECH_TYPES[format]) {
    return x.json(400, invalid(`Invalid value for 'response_format': '${format}'. Supported values are: ${Object.keys(SPEECH_TYPES).map((f) => `'${f}'`).join(", ")}.`, "response_format", "invalid_value"));
  }
  if (body.speed !== undefined && !(Number(body.speed) >= 0.25 && Number(body.speed) <= 4)) {
    return x.json(400, invalid(`Invalid 'speed': ${String(body.speed)}. Expected a value between 0.25 and 4.0.`, "speed", "invalid_value"));
  }
  if (!(await playScenario(x, model, errorBody, false))) return;

  const total = body.input.length * SPEECH_BYTES_PER_CHARACTER;
  const audio = format === "wav" ? wavWithData(fill(total - 44), 24000) : fill(total);
  x.res.writeHead(200, { "content-type": SPEECH_TYPES[format]! }); // no content-length: Node sends it chunked
  x.record.sentBytes = 0;
  const size = Math.ceil(total / SPEECH_CHUNKS);
  for (let i = 0; i < SPEECH_CHUNKS; i++) {
    if (x.res.destroyed) return;
    const chunk = audio.subarray(i * size, (i + 1) * size);
    x.res.write(chunk);
    x.record.sentBytes += chunk.length;
    const now = Date.now();
    if (i === 0) x.record.sentAt = { first: now };
    if (i === SPEECH_CHUNKS - 1) x.record.sentAt!.last = now;
    else {
      if (i === 0 && scenarioFor(model).kind === "gated") await x.gate();
      await sleep(SPEECH_CHUNK_GAP_MS);
    }
  }
  x.res.end();
  x.finish();
}

/** deterministic bytes standing in for encoded audio */
function fill(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

type ModerationPart = { type?: string; text?: string; image_url?: { url?: string } };

async function moderations(x: FakeExchange, errorBody: ErrorBodyFor) {
  const body = x.record.body ?? {};
  const model = String(body.model ?? "omni-moderation-latest");
  const input = body.input;
  if (input === undefined || input === null || input === "") return x.json(400, invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter"));
  if (!(await playScenario(x, model, errorBody))) return;

  // strings are judged one by one; a multimodal array is judged as one input
  const multimodal = Array.isArray(input) && input.some((p) => typeof p === "object" && p !== null);
  const judged: Array<{ text: string; image: boolean; hasText: boolean }> = multimodal
    ? [
        {
          text: (input as ModerationPart[]).flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join(" "),
          image: (input as ModerationPart[]).some((p) => p.type === "image_url"),
          hasText: (input as ModerationPart[]).some((p) => p.type === "text"),
        },
      ]
    : (Array.isArray(input) ? input : [input]).map((t) => ({ text: String(t), image: false, hasText: true }));
  if (!model.startsWith("omni") && judged.some((j) => j.image)) {
    return x.json(400, invalid(`Model '${model}' does not support image inputs.`, "input", "invalid_value"));
  }

  const results = judged.map(({ text, image, hasText }) => {
    const violent = /kill/i.test(text);
    const categories = Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, c === "violence" && violent]));
    const category_scores = Object.fromEntries(MODERATION_CATEGORIES.map((c, i) => [c, c === "violence" && violent ? 0.9 : Math.round((i + 1) * 1e-6 * 1e9) / 1e9]));
    const applied = Object.fromEntries(
      MODERATION_CATEGORIES.map((c) => [c, [...(hasText ? ["text"] : []), ...(image && IMAGE_CATEGORIES.has(c) ? ["image"] : [])]]),
    );
    return { flagged: violent, categories, category_scores, ...(model.startsWith("omni") ? { category_applied_input_types: applied } : {}) };
  });
  const id = `modr-${createHash("sha256").update(JSON.stringify(input)).digest("hex").slice(0, 24)}`;
  return x.json(200, { id, model, results });
}
