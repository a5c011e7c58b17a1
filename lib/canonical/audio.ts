import { z } from "zod";

// Request and answer shapes of OpenAI's audio and moderation APIs, the source of truth for
// validation and for what every adapter is given. Transcription and translation arrive as
// multipart forms: their text fields are checked here, the file by the gateway (size, duration).

export const TRANSCRIPTION_FORMATS = ["json", "text", "srt", "vtt", "verbose_json"] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

/** The text fields of a transcription or translation form, as strings (that is how multipart sends them). */
export const transcriptionFieldsSchema = z.object({
  model: z.string().min(1, "is required").max(256),
  /** ISO-639-1; transcriptions only (a translation is always into English) */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "must be an ISO-639-1 code such as 'en'").optional(),
  prompt: z.string().max(8192).optional(),
  response_format: z.enum(TRANSCRIPTION_FORMATS).default("json"),
  temperature: z.coerce.number().min(0).max(1).optional(),
  timestamp_granularities: z.array(z.enum(["word", "segment"])).max(2).optional(),
  /** streamed transcripts (server-sent events) are not relayed yet: refused rather than buffered */
  stream: z.enum(["false"], { message: "streamed transcriptions are not supported by this hub; leave stream unset" }).optional(),
});

export type TranscriptionFields = z.infer<typeof transcriptionFieldsSchema>;

export type AudioTask = "transcription" | "translation";

/** The uploaded audio, as the gateway read it (bounded in size before it got here). */
export interface AudioUpload {
  bytes: Uint8Array;
  name: string;
  /** the media type the client declared (may be empty) */
  type: string;
}

export interface TranscriptionRequest extends Omit<TranscriptionFields, "stream"> {
  task: AudioTask;
  file: AudioUpload;
}

/** What the upstream reported it used: seconds of audio (whisper), or tokens (gpt-4o-transcribe). */
export type TranscriptionUsage =
  | { type: "duration"; seconds: number }
  | { type: "tokens"; input_tokens: number; output_tokens: number; total_tokens?: number; input_token_details?: { audio_tokens?: number; text_tokens?: number } };

/**
 * The answer: an object for json and verbose_json, the text itself for text, srt and vtt. An upstream
 * that reports usage with a text answer (Gemini) may answer text as {text, usage}: the gateway meters
 * the usage and sends the text.
 */
export type TranscriptionResult = string | ({ text: string; duration?: number; usage?: TranscriptionUsage } & Record<string, unknown>);

export const SPEECH_FORMATS = ["mp3", "opus", "aac", "flac", "wav", "pcm"] as const;

export const speechRequestSchema = z.looseObject({
  model: z.string().min(1, "is required"),
  // OpenAI's own limit: longer text must be split by the client
  input: z.string().min(1, "is required").max(4096, "must be at most 4096 characters"),
  voice: z.union([z.string().min(1).max(64), z.looseObject({ id: z.string().min(1).max(128) })]),
  instructions: z.string().max(4096).optional(),
  response_format: z.enum(SPEECH_FORMATS).default("mp3"),
  speed: z.number().min(0.25).max(4).optional(),
  stream_format: z.enum(["audio"], { message: "only 'audio' is supported; server-sent events are not relayed yet" }).optional(),
});

export type SpeechRequest = z.infer<typeof speechRequestSchema>;

/** Speech as the upstream sends it: its media type and the bytes as they arrive. */
export interface SpeechAudio {
  contentType: string;
  body: ReadableStream<Uint8Array>;
  /** the tokens the upstream reported, when it answers whole with a usage (Gemini) */
  usage?: { promptTokens: number; completionTokens: number };
}

const moderationPart = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text"), text: z.string() }),
  z.looseObject({ type: z.literal("image_url"), image_url: z.looseObject({ url: z.string().min(1) }) }),
]);

export const moderationRequestSchema = z.looseObject({
  model: z.string().min(1).default("omni-moderation-latest"),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048), z.array(moderationPart).min(1).max(64)]),
});

export type ModerationRequest = z.infer<typeof moderationRequestSchema>;

export interface ModerationResponse {
  id: string;
  model: string;
  results: Array<Record<string, unknown>>;
}
