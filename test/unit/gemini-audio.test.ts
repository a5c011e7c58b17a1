// The Gemini adapter's audio mappings, and the requests it refuses before anything goes upstream.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpeechRequest, TranscriptionRequest } from "@/lib/canonical/audio";
import { geminiAdapter } from "@/lib/providers/gemini";
import { DEFAULT_GEMINI_VOICE, MAX_INLINE_AUDIO_BYTES, audioMimeType, geminiVoice, speechPrompt, transcriptionInstruction } from "@/lib/providers/gemini-audio";
import type { CallOptions, UpstreamTarget } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/upstream-error";
import { fakeTranscript, startFakeGemini, type FakeGemini } from "../fakes/gemini-upstream";
import { wavFile } from "../fakes/openai-audio";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());

const target = (upstreamModel: string): UpstreamTarget => ({
  provider: { id: randomUUID(), type: "gemini", name: "google", baseUrl: fake.url, region: null, config: {} },
  credential: { id: randomUUID(), secret: { apiKey: fake.apiKey }, weight: 1 },
  upstreamModel,
});
const call = (): CallOptions => ({ signal: new AbortController().signal, timeoutMs: 5000 });

const transcription = (overrides: Partial<TranscriptionRequest> = {}): TranscriptionRequest => ({
  model: "gemini-transcribe",
  task: "transcription",
  response_format: "json",
  file: { bytes: new Uint8Array(wavFile(1)), name: "a.wav", type: "audio/wav" },
  ...overrides,
});
const speech = (overrides: Partial<SpeechRequest> = {}): SpeechRequest => ({ model: "gemini-tts", input: "Hello there", voice: "Kore", response_format: "wav", ...overrides });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => expect.unreachable("the call should have been refused"), (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("Gemini transcription", () => {
  it("names the audio's type from the upload, else from its bytes, and refuses what is not audio", () => {
    const file = (bytes: Uint8Array, type = "") => ({ bytes, name: "upload", type });
    expect(audioMimeType(file(new Uint8Array(8), "audio/mpeg; charset=binary"))).toBe("audio/mpeg");
    expect(audioMimeType(file(new Uint8Array(wavFile(0.1)), "application/octet-stream"))).toBe("audio/wav");
    expect(audioMimeType(file(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0])))).toBe("audio/mp3");
    expect(audioMimeType(file(new Uint8Array(Buffer.from("OggS\0\x02\0\0"))))).toBe("audio/ogg");
    expect(audioMimeType(file(new Uint8Array(Buffer.from("fLaC\0\0\0\x22"))))).toBe("audio/flac");
    expect(audioMimeType(file(new Uint8Array(Buffer.from("\0\0\0\x20ftypM4A "))))).toBe("audio/mp4");
    expect(() => audioMimeType(file(new Uint8Array(Buffer.from("plain text, not audio"))))).toThrow(expect.objectContaining({ status: 400, param: "file" }));
  });

  it("folds language and prompt into a fixed instruction, and translates into English for a translation", () => {
    const transcribe = transcriptionInstruction(transcription({ language: "de", prompt: "Names: Blocklet, AIGNE." }));
    expect(transcribe).toMatch(/^Transcribe the speech in this audio verbatim/);
    expect(transcribe).toContain('ISO-639-1 code "de"');
    expect(transcribe).toContain("Names: Blocklet, AIGNE.");
    expect(transcriptionInstruction(transcription({ task: "translation" }))).toMatch(/^Translate the speech in this audio into English/);
  });

  it("refuses srt, vtt, timestamps and audio past Gemini's inline limit before sending anything", async () => {
    const before = fake.requests.length;
    expect(await refusal(geminiAdapter.transcribe!(transcription({ response_format: "srt" }), target("gemini-2.5-flash"), call()))).toMatchObject({ status: 400, param: "response_format" });
    expect(await refusal(geminiAdapter.transcribe!(transcription({ response_format: "vtt" }), target("gemini-2.5-flash"), call()))).toMatchObject({ status: 400, param: "response_format" });
    expect(await refusal(geminiAdapter.transcribe!(transcription({ timestamp_granularities: ["word"] }), target("gemini-2.5-flash"), call()))).toMatchObject({ status: 400, param: "timestamp_granularities" });
    const big = { bytes: new Uint8Array(MAX_INLINE_AUDIO_BYTES + 3), name: "long.wav", type: "audio/wav" };
    expect(await refusal(geminiAdapter.transcribe!(transcription({ file: big }), target("gemini-2.5-flash"), call()))).toMatchObject({ status: 413, code: "file_too_large", param: "file" });
    expect(fake.requests.length).toBe(before);
  });

  it("answers text and json alike as {text, usage}, with Gemini's audio and text tokens", async () => {
    const result = await geminiAdapter.transcribe!(transcription({ response_format: "text" }), target("gemini-2.5-flash"), call());
    expect(result).toMatchObject({ text: fakeTranscript(1), usage: { type: "tokens", input_token_details: { audio_tokens: 32 } } });
  });

  it("relays Gemini's own refusal as its 4xx", async () => {
    expect(await refusal(geminiAdapter.transcribe!(transcription(), target("fake-error-429"), call()))).toMatchObject({ kind: "http", status: 429 });
  });
});

describe("Gemini speech", () => {
  it("passes a Gemini voice on in Google's spelling and gives OpenAI's voices the default", () => {
    expect(geminiVoice("Puck")).toBe("Puck");
    expect(geminiVoice("charon")).toBe("Charon");
    expect(geminiVoice({ id: "Zephyr" })).toBe("Zephyr");
    for (const voice of ["alloy", "echo", "shimmer", "Nova"]) expect(geminiVoice(voice)).toBe(DEFAULT_GEMINI_VOICE);
    expect(geminiVoice("my-custom-voice")).toBe("my-custom-voice");
  });

  it("leads the text with the instructions", () => {
    expect(speechPrompt(speech({ instructions: "Whisper, slowly." }))).toBe("Whisper, slowly: Hello there");
    expect(speechPrompt(speech())).toBe("Hello there");
  });

  it("refuses formats it would have to transcode, and a speed, before sending anything", async () => {
    const before = fake.requests.length;
    for (const response_format of ["mp3", "opus", "aac", "flac"] as const) {
      expect(await refusal(geminiAdapter.speech!(speech({ response_format }), target("gemini-2.5-flash-preview-tts"), call()))).toMatchObject({ status: 400, param: "response_format" });
    }
    expect(await refusal(geminiAdapter.speech!(speech({ speed: 1.5 }), target("gemini-2.5-flash-preview-tts"), call()))).toMatchObject({ status: 400, param: "speed" });
    expect(fake.requests.length).toBe(before);
  });

  it("reports the usage Gemini answered with alongside the audio", async () => {
    const audio = await geminiAdapter.speech!(speech({ response_format: "pcm" }), target("gemini-2.5-flash-preview-tts"), call());
    expect(audio.contentType).toBe("audio/pcm");
    expect(audio.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: expect.any(Number) });
    expect(Buffer.from(await new Response(audio.body).arrayBuffer()).length).toBe("Hello there".length * 960);
  });
});
