// Drives the fake OpenAI upstream's audio and moderation endpoints with the real openai SDK: if the SDK
// builds its requests for the fake and parses the fake's answers, the fake speaks OpenAI's wire format.
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODERATION_CATEGORIES, SPEECH_CHUNK_GAP_MS, UNSUPPORTED_AUDIO_MESSAGE, wavDuration, wavFile } from "./openai-audio";
import { startFakeOpenAI, type FakeOpenAI } from "./openai-upstream";

let fake: FakeOpenAI;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  openai = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());

const lastRequest = () => fake.requests.at(-1)!;
const upload = (seconds = 3.5) => toFile(wavFile(seconds), "a.wav", { type: "audio/wav" });

/** The status and OpenAI error body a call fails with. */
async function apiErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe("wavFile", () => {
  it("writes a RIFF/WAVE header whose data chunk gives the duration", () => {
    const wav = wavFile(3.5);
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.toString("ascii", 8, 12)).toBe("WAVE");
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.length).toBe(44 + 3.5 * 8000 * 2);
    expect(wavDuration(wav)).toBe(3.5);
    expect(wavDuration(wavFile(2, 16000))).toBe(2);
    expect(wavDuration(Buffer.from("ID3 not a wav at all"))).toBeNull();
  });
});

describe("audio.transcriptions", () => {
  it("answers json with the transcript and the duration billed in whole seconds", async () => {
    const transcription = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", language: "en", prompt: "Silence", temperature: 0.2 });

    expect(transcription.text).toBe("Fake transcript of 3.5 seconds of audio.");
    expect(transcription.usage).toEqual({ type: "duration", seconds: 4 });
    const request = lastRequest();
    expect(request.path).toBe("/v1/audio/transcriptions");
    expect(request.headers["authorization"]).toBe(`Bearer ${fake.apiKey}`);
    expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.body).toEqual({ model: "whisper-1", language: "en", prompt: "Silence", temperature: "0.2", file: { name: "a.wav", type: "audio/wav", bytes: 44 + 56000 } });
    expect(request).toMatchObject({ sentText: "Fake transcript of 3.5 seconds of audio.", finished: true, closedEarly: false });
  });

  it("answers text, srt and vtt as plain text", async () => {
    const text = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", response_format: "text" });
    expect(text).toBe("Fake transcript of 3.5 seconds of audio.\n");

    const srt = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", response_format: "srt" });
    expect(srt).toBe("1\n00:00:00,000 --> 00:00:03,500\nFake transcript of 3.5 seconds of audio.\n\n");

    const vtt = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", response_format: "vtt" });
    expect(vtt).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:03.500\nFake transcript of 3.5 seconds of audio.\n\n");

    const response = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", response_format: "vtt" }).asResponse();
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("answers verbose_json with segments, and words when asked", async () => {
    const verbose = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", response_format: "verbose_json", language: "fr" });

    expect(verbose).toMatchObject({ task: "transcribe", language: "french", duration: 3.5, text: "Fake transcript of 3.5 seconds of audio.", usage: { type: "duration", seconds: 4 } });
    expect(verbose.segments).toHaveLength(1);
    expect(verbose.segments![0]).toMatchObject({ id: 0, seek: 0, start: 0, end: 3.5, text: " Fake transcript of 3.5 seconds of audio.", temperature: 0 });
    expect(verbose.segments![0]!.tokens).toHaveLength(7);
    expect(verbose.words).toBeUndefined();

    const withWords = await openai.audio.transcriptions.create({
      file: await upload(),
      model: "whisper-1",
      response_format: "verbose_json",
      timestamp_granularities: ["word", "segment"],
    });
    expect(withWords.words?.map((w) => w.word)).toEqual(["Fake", "transcript", "of", "3.5", "seconds", "of", "audio"]);
    expect(withWords.words![0]).toEqual({ word: "Fake", start: 0, end: 0.5 });
    expect(withWords.words!.at(-1)).toEqual({ word: "audio", start: 3, end: 3.5 });
    expect(withWords.segments).toHaveLength(1);
    expect(lastRequest().body).toMatchObject({ "timestamp_granularities[]": ["word", "segment"], response_format: "verbose_json" });

    const onlyWords = await openai.audio.transcriptions.create({ file: await upload(), model: "whisper-1", response_format: "verbose_json", timestamp_granularities: ["word"] });
    expect(onlyWords.words).toHaveLength(7);
    expect(onlyWords.segments).toBeUndefined();
  });

  it("bills gpt-4o-transcribe in tokens: audio, prompt text and output words", async () => {
    const prompt = "Names: Ada, Grace."; // 18 characters: 5 text tokens
    const transcription = await openai.audio.transcriptions.create({ file: await upload(), model: "gpt-4o-transcribe", prompt });

    expect(transcription.text).toBe("Fake transcript of 3.5 seconds of audio.");
    expect(transcription.usage).toEqual({ type: "tokens", input_tokens: 40, input_token_details: { audio_tokens: 35, text_tokens: 5 }, output_tokens: 7, total_tokens: 47 });

    const mini = await openai.audio.transcriptions.create({ file: await upload(1.01), model: "gpt-4o-mini-transcribe" });
    expect(mini.usage).toEqual({ type: "tokens", input_tokens: 11, input_token_details: { audio_tokens: 11, text_tokens: 0 }, output_tokens: 7, total_tokens: 18 });

    const refused = await apiErrorOf(openai.audio.transcriptions.create({ file: await upload(), model: "gpt-4o-transcribe", response_format: "srt" }));
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ type: "invalid_request_error", param: "response_format" });
  });

  it("refuses a request without a file (400, param file)", async () => {
    const form = new FormData();
    form.append("model", "whisper-1");
    const response = await fetch(`${fake.url}/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${fake.apiKey}` }, body: form });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string; param: string; message: string } };
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: "file", code: null });
    expect(body.error.message).toMatch(/file\s+field required/);
    expect(lastRequest().body).toEqual({ model: "whisper-1" });
  });

  it("refuses a file that is not audio it can read", async () => {
    const error = await apiErrorOf(openai.audio.transcriptions.create({ file: await toFile(Buffer.from("hello, I am text"), "notes.txt"), model: "whisper-1" }));

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ message: UNSUPPORTED_AUDIO_MESSAGE, type: "invalid_request_error" });
    expect(lastRequest().body).toMatchObject({ file: { name: "notes.txt", bytes: 16 } });
  });

  it("plays the model-name scenarios", async () => {
    const error = await apiErrorOf(openai.audio.transcriptions.create({ file: await upload(), model: "fake-error-429" }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers?.get("retry-after")).toBe("7");
    expect(error.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
  });

  it("refuses a wrong API key", async () => {
    const stranger = new OpenAI({ apiKey: "sk-wrong", baseURL: fake.url, maxRetries: 0 });
    const error = await apiErrorOf(stranger.audio.transcriptions.create({ file: await upload(), model: "whisper-1" }));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe("audio.translations", () => {
  it("translates with whisper-1, in json and verbose_json", async () => {
    const translation = await openai.audio.translations.create({ file: await upload(2), model: "whisper-1" });
    expect(translation).toEqual({ text: "Fake translation of 2 seconds of audio." });
    expect(lastRequest().path).toBe("/v1/audio/translations");

    // the SDK's overloads type every translation as Translation; verbose_json answers a TranslationVerbose
    const verbose = (await openai.audio.translations.create({ file: await upload(2), model: "whisper-1", response_format: "verbose_json" })) as OpenAI.Audio.TranslationVerbose;
    expect(verbose).toMatchObject({ task: "translate", language: "english", duration: 2, text: "Fake translation of 2 seconds of audio." });
    expect(verbose.segments![0]).toMatchObject({ start: 0, end: 2 });
  });

  it("refuses models other than whisper-1", async () => {
    const error = await apiErrorOf(openai.audio.translations.create({ file: await upload(), model: "gpt-4o-transcribe" }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", param: "model" });
  });
});

describe("audio.speech", () => {
  it("streams input.length × 64 bytes of audio in chunks, without a content-length", async () => {
    const input = "Hello from the fake speech endpoint.";
    const started = Date.now();
    const response = await openai.audio.speech.create({ model: "gpt-4o-mini-tts", input, voice: "alloy", instructions: "Cheerful." });

    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    expect(response.headers.get("content-length")).toBeNull();
    const reader = response.body!.getReader();
    const arrivals: Array<{ at: number; bytes: number }> = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: Date.now(), bytes: value.length });
    }
    const total = arrivals.reduce((n, a) => n + a.bytes, 0);
    expect(total).toBe(input.length * 64);
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    // the first bytes arrived well before the last: streamed, not buffered
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(2 * SPEECH_CHUNK_GAP_MS);

    const request = lastRequest();
    expect(request.path).toBe("/v1/audio/speech");
    expect(request.body).toEqual({ model: "gpt-4o-mini-tts", input, voice: "alloy", instructions: "Cheerful." });
    expect(request.sentBytes).toBe(total);
    expect(request.sentAt!.first).toBeGreaterThanOrEqual(started);
    expect(request.sentAt!.last! - request.sentAt!.first).toBeGreaterThanOrEqual(3 * SPEECH_CHUNK_GAP_MS - 5);
    expect(arrivals[0]!.at).toBeLessThan(request.sentAt!.last!);
    expect(request).toMatchObject({ finished: true, closedEarly: false });
  });

  it("answers each response_format with its content type; wav is a real WAV", async () => {
    const expected = { opus: "audio/opus", aac: "audio/aac", flac: "audio/flac", wav: "audio/wav", pcm: "audio/pcm" } as const;
    for (const [format, type] of Object.entries(expected)) {
      const response = await openai.audio.speech.create({ model: "tts-1", input: "Four", voice: "echo", response_format: format as keyof typeof expected });
      expect(response.headers.get("content-type")).toBe(type);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.length).toBe(4 * 64);
      if (format === "wav") expect(wavDuration(bytes)).toBeCloseTo((4 * 64 - 44) / 48000, 6);
    }
  });

  it("refuses an input longer than 4096 characters as a BadRequestError", async () => {
    const error = await apiErrorOf(openai.audio.speech.create({ model: "tts-1", input: "x".repeat(5000), voice: "alloy" }));

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: "invalid_request_error", param: "input" });
    expect(error.message).toContain("String should have at most 4096 characters");
  });

  it("refuses a request without a voice", async () => {
    const error = await apiErrorOf(openai.audio.speech.create({ model: "tts-1", input: "Hi" } as OpenAI.Audio.SpeechCreateParams));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ param: "voice" });
  });

  it("holds a gated answer after its first chunk until release()", async () => {
    const response = await openai.audio.speech.create({ model: "fake-gated", input: "Gate me", voice: "alloy" });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBe(Math.ceil((7 * 64) / 4));
    expect(lastRequest().sentAt).toEqual({ first: expect.any(Number) });

    fake.release();
    let rest = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value.length;
    expect(first.value!.length + rest).toBe(7 * 64);
    expect(lastRequest().sentAt!.last).toBeGreaterThan(0);
  });
});

describe("moderations", () => {
  it("judges a string with omni-moderation-latest by default, all 13 categories", async () => {
    const moderation = await openai.moderations.create({ input: "I love sunny days" });

    expect(moderation.id).toMatch(/^modr-[0-9a-f]{24}$/);
    expect(moderation.model).toBe("omni-moderation-latest");
    expect(moderation.results).toHaveLength(1);
    const [result] = moderation.results;
    expect(result!.flagged).toBe(false);
    expect(Object.keys(result!.categories).sort()).toEqual([...MODERATION_CATEGORIES].sort());
    expect(Object.values(result!.categories).every((flag) => flag === false)).toBe(true);
    expect(Object.keys(result!.category_scores).sort()).toEqual([...MODERATION_CATEGORIES].sort());
    expect(Math.max(...Object.values(result!.category_scores))).toBeLessThan(0.01);
    expect(result!.category_applied_input_types.violence).toEqual(["text"]);
    expect(lastRequest().body).toEqual({ input: "I love sunny days" });
  });

  it("answers one result per string of an array", async () => {
    const moderation = await openai.moderations.create({ input: ["first", "second", "third"], model: "omni-moderation-2024-09-26" });

    expect(moderation.model).toBe("omni-moderation-2024-09-26");
    expect(moderation.results.map((r) => r.flagged)).toEqual([false, false, false]);
  });

  it("flags text about killing as violence", async () => {
    const moderation = await openai.moderations.create({ input: ["a kind word", "I will kill you"] });

    const [kind, violent] = moderation.results;
    expect(kind!.flagged).toBe(false);
    expect(violent!.flagged).toBe(true);
    expect(violent!.categories.violence).toBe(true);
    expect(violent!.categories.harassment).toBe(false);
    expect(violent!.category_scores.violence).toBe(0.9);
  });

  it("judges a multimodal array as one input, noting the image categories", async () => {
    const moderation = await openai.moderations.create({
      input: [
        { type: "text", text: "kill the lights" },
        { type: "image_url", image_url: { url: "https://example.com/lamp.png" } },
      ],
    });

    expect(moderation.results).toHaveLength(1);
    expect(moderation.results[0]!.flagged).toBe(true);
    expect(moderation.results[0]!.category_applied_input_types.violence).toEqual(["text", "image"]);
    expect(moderation.results[0]!.category_applied_input_types.hate).toEqual(["text"]);
  });

  it("leaves out applied input types for text-moderation models, and plays error scenarios", async () => {
    const legacy = await openai.moderations.create({ input: "hello", model: "text-moderation-latest" });
    expect(legacy.results[0]).not.toHaveProperty("category_applied_input_types");
    expect(legacy.results[0]!.categories.violence).toBe(false);

    const error = await apiErrorOf(openai.moderations.create({ input: "hello", model: "fake-error-503" }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(503);
  });
});

describe("other flavors", () => {
  it("do not have the audio and moderation endpoints", async () => {
    const deepseek = await startFakeOpenAI({ flavor: "deepseek" });
    try {
      const client = new OpenAI({ apiKey: deepseek.apiKey, baseURL: deepseek.url, maxRetries: 0 });
      const error = await apiErrorOf(client.moderations.create({ input: "hello" }));
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    } finally {
      await deepseek.close();
    }
  });
});
