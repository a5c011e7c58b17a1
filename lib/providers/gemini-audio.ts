import type { GenerateContentConfig, GenerateContentResponse } from "@google/genai";
import type { AudioUpload, SpeechAudio, SpeechRequest, TranscriptionRequest, TranscriptionResult } from "../canonical/audio";
import { clientFor, requestOptions, run } from "./gemini-client";
import type { CallOptions, UpstreamTarget } from "./types";
import { UpstreamError } from "./upstream-error";

// Speech to text and text to speech on the Gemini API, where it allows them. Gemini has no audio
// endpoints: both are generateContent calls. A transcription sends the upload as inline data with a
// fixed instruction; speech asks a TTS model (gemini-*-tts) for an AUDIO answer, which comes back
// whole as base64 16-bit PCM at 24 kHz, mono.

/** Gemini refuses a generateContent request over 20 MB; inline data travels base64 (4 bytes per 3). */
const INLINE_REQUEST_LIMIT_BYTES = 20 * 1024 * 1024;
/** room kept in that limit for the instruction and the JSON around the data */
const REQUEST_OVERHEAD_BYTES = 64 * 1024;
export const MAX_INLINE_AUDIO_BYTES = Math.floor(((INLINE_REQUEST_LIMIT_BYTES - REQUEST_OVERHEAD_BYTES) / 4) * 3);

/** What Gemini's TTS models produce: signed 16-bit little-endian PCM, 24 kHz, one channel. */
export const GEMINI_PCM = { sampleRate: 24_000, channels: 1, bitsPerSample: 16 } as const;

/** A refusal of the caller's request, decided here: nothing goes upstream. */
const refuse = (param: string, message: string, status = 400, code = "unsupported_value") =>
  new UpstreamError({ kind: "http", status, type: "invalid_request_error", code, param, message });

const config = (options: CallOptions, extra: GenerateContentConfig = {}): GenerateContentConfig => ({
  ...requestOptions(options),
  ...extra,
});

// ---------------------------------------------------------------------------------------------
// transcription

/** The audio media types Gemini documents, by what the bytes start with (a client may send none, or application/octet-stream). */
function sniffedType(bytes: Uint8Array): string | null {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "audio/wav";
  if (ascii(0, 4) === "FORM" && /^AIF[FC]$/.test(ascii(8, 12))) return "audio/aiff";
  if (ascii(0, 4) === "fLaC") return "audio/flac";
  if (ascii(0, 4) === "OggS") return "audio/ogg";
  if (ascii(0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0 && ((bytes[1] ?? 0) & 0x06) !== 0)) return "audio/mp3";
  if (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf6) === 0xf0) return "audio/aac"; // ADTS
  if (ascii(4, 8) === "ftyp") return "audio/mp4";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return "audio/webm";
  return null;
}

/** The declared audio type when there is one, else what the bytes look like. */
export function audioMimeType(file: AudioUpload): string {
  const declared = file.type.split(";")[0]!.trim().toLowerCase();
  if (declared.startsWith("audio/") || declared === "video/mp4" || declared === "video/webm") return declared;
  const sniffed = sniffedType(file.bytes);
  if (!sniffed) throw refuse("file", "The file is not audio this hub can recognise for Gemini (WAV, MP3, AIFF, AAC, OGG, FLAC, M4A or WebM).", 400, "invalid_file_format");
  return sniffed;
}

/** The fixed instruction, with the form's language and prompt folded in. */
export function transcriptionInstruction(request: TranscriptionRequest): string {
  const lines =
    request.task === "translation"
      ? ["Translate the speech in this audio into English.", "Answer with the English translation only: no preamble, no notes, no timestamps, no speaker labels."]
      : ["Transcribe the speech in this audio verbatim, in the language it is spoken in.", "Answer with the transcript only: no preamble, no notes, no timestamps, no speaker labels."];
  if (request.language) lines.push(`The audio is in the language with ISO-639-1 code "${request.language}".`);
  if (request.prompt) lines.push(`Context from the caller (spellings, names, earlier text); do not transcribe it:\n${request.prompt}`);
  return lines.join("\n");
}

/** The request fields Gemini cannot honour, refused before anything goes upstream. */
function refuseUnanswerable(request: TranscriptionRequest): void {
  // generateContent returns text, with no timestamps to be relied on: subtitles would be made up
  if (request.response_format === "srt" || request.response_format === "vtt") {
    throw refuse("response_format", `Gemini models cannot answer response_format '${request.response_format}' (they give no reliable timestamps); use json, text or verbose_json.`);
  }
  if (request.timestamp_granularities?.length) throw refuse("timestamp_granularities", "Gemini models give no word or segment timestamps; leave timestamp_granularities unset.");
  const inlineBytes = Math.ceil(request.file.bytes.byteLength / 3) * 4;
  if (inlineBytes + REQUEST_OVERHEAD_BYTES > INLINE_REQUEST_LIMIT_BYTES) {
    throw refuse("file", `Gemini takes audio inline up to ${MAX_INLINE_AUDIO_BYTES} bytes (a 20 MB request); this file is ${request.file.bytes.byteLength} bytes.`, 413, "file_too_large");
  }
}

const textOf = (response: GenerateContentResponse) =>
  (response.candidates?.[0]?.content?.parts ?? [])
    .flatMap((part) => (part.text && !part.thought ? [part.text] : []))
    .join("")
    .trim();

/** Gemini's usageMetadata as OpenAI's token usage of a transcription (thoughts are output, as Google bills them). */
function tokenUsage(response: GenerateContentResponse) {
  const meta = response.usageMetadata;
  const input = meta?.promptTokenCount ?? 0;
  const output = (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0);
  const byModality = (modality: string) => meta?.promptTokensDetails?.find((d) => d.modality === modality)?.tokenCount;
  const audio = byModality("AUDIO");
  const text = byModality("TEXT");
  return {
    type: "tokens" as const,
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    ...(audio !== undefined || text !== undefined ? { input_token_details: { audio_tokens: audio ?? 0, text_tokens: text ?? 0 } } : {}),
  };
}

/**
 * json and text both come back as {text, usage}: the gateway renders a text answer as the text
 * itself and meters the usage. verbose_json adds the task and the language asked for; the duration
 * is left out (Gemini does not report it).
 */
export async function geminiTranscribe(request: TranscriptionRequest, target: UpstreamTarget, options: CallOptions): Promise<TranscriptionResult> {
  refuseUnanswerable(request);
  const mimeType = audioMimeType(request.file);
  const response = await run(options.signal, () =>
    clientFor(target).models.generateContent({
      model: target.upstreamModel,
      contents: [{ role: "user", parts: [{ text: transcriptionInstruction(request) }, { inlineData: { mimeType, data: Buffer.from(request.file.bytes).toString("base64") } }] }],
      config: config(options, request.temperature !== undefined ? { temperature: request.temperature } : {}),
    }),
  );
  const text = textOf(response);
  const usage = tokenUsage(response);
  if (request.response_format === "verbose_json") {
    return { task: request.task === "translation" ? "translate" : "transcribe", ...(request.language ? { language: request.language } : {}), text, usage };
  }
  return { text, usage };
}

// ---------------------------------------------------------------------------------------------
// speech

/** Gemini's prebuilt TTS voices, as its speech generation guide lists them. */
export const GEMINI_VOICES = [
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina",
  "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix",
  "Sadachbia", "Sadaltager", "Sulafat",
];
const VOICE_BY_NAME = new Map(GEMINI_VOICES.map((name) => [name.toLowerCase(), name]));
const OPENAI_VOICES = new Set(["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar"]);
/**
 * OpenAI's voices have no Gemini counterpart to match by ear, so every one of them gets this voice
 * (the one Google's own examples use): a client written for OpenAI works unchanged, and one that
 * wants a particular Gemini voice names it.
 */
export const DEFAULT_GEMINI_VOICE = "Kore";

/** A Gemini voice name is passed on (in Google's spelling), an OpenAI one becomes the default, anything else goes as it is for Gemini to judge. */
export function geminiVoice(voice: SpeechRequest["voice"]): string {
  const name = typeof voice === "string" ? voice : voice.id;
  if (OPENAI_VOICES.has(name.toLowerCase())) return DEFAULT_GEMINI_VOICE;
  return VOICE_BY_NAME.get(name.toLowerCase()) ?? name;
}

/** Gemini takes no separate style field: the instructions lead the text, as in Google's "Say cheerfully: …" examples. */
export function speechPrompt(request: SpeechRequest): string {
  const style = request.instructions?.trim().replace(/[\s:.]+$/, "");
  return style ? `${style}: ${request.input}` : request.input;
}

/** A RIFF/WAVE header for `dataBytes` of Gemini's PCM. */
export function wavHeader(dataBytes: number, { sampleRate, channels, bitsPerSample }: { sampleRate: number; channels: number; bitsPerSample: number } = GEMINI_PCM): Buffer {
  const header = Buffer.alloc(44);
  const blockAlign = (channels * bitsPerSample) / 8;
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** The sample rate in Gemini's "audio/L16;codec=pcm;rate=24000", else its documented 24 kHz. */
const rateOf = (mimeType: string | undefined) => Number(/rate=(\d+)/.exec(mimeType ?? "")?.[1] ?? GEMINI_PCM.sampleRate);

const single = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });

/** "pcm" is the raw PCM as Gemini sends it, "wav" the same behind a WAV header; the hub does not transcode to anything else. */
export async function geminiSpeech(request: SpeechRequest, target: UpstreamTarget, options: CallOptions): Promise<SpeechAudio> {
  if (request.response_format !== "pcm" && request.response_format !== "wav") {
    throw refuse("response_format", `Gemini speech is 16-bit PCM: ask for response_format 'wav' or 'pcm' (this hub does not transcode to '${request.response_format}').`);
  }
  if (request.speed !== undefined && request.speed !== 1) throw refuse("speed", "Gemini speech has no speed setting; leave speed unset (or ask for a pace in instructions).");
  const response = await run(options.signal, () =>
    clientFor(target).models.generateContent({
      model: target.upstreamModel,
      contents: [{ role: "user", parts: [{ text: speechPrompt(request) }] }],
      config: config(options, { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: geminiVoice(request.voice) } } } }),
    }),
  );
  const audio = (response.candidates?.[0]?.content?.parts ?? []).find((part) => part.inlineData?.data)?.inlineData;
  if (!audio?.data) throw new UpstreamError({ kind: "http", status: 502, message: "the upstream answered speech without audio" });
  const pcm = Buffer.from(audio.data, "base64");
  const meta = response.usageMetadata;
  const usage = { promptTokens: meta?.promptTokenCount ?? 0, completionTokens: (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0) };
  if (request.response_format === "pcm") return { contentType: "audio/pcm", body: single(pcm), usage };
  const wav = Buffer.concat([wavHeader(pcm.byteLength, { ...GEMINI_PCM, sampleRate: rateOf(audio.mimeType) }), pcm]);
  return { contentType: "audio/wav", body: single(wav), usage };
}
