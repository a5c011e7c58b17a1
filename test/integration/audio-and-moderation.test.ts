import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promptTokens } from "../fakes/contract";
import { audioInputTokens, fakeTranscript, spokenPcm, startFakeGemini, type FakeGemini } from "../fakes/gemini-upstream";
import { wavFile } from "../fakes/openai-audio";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Speech to text, text to speech and moderation through the hub, with the real `openai` SDK on both
// sides (the hub's adapter and the client) and the fake speaking OpenAI's wire format: what reaches
// the upstream, what comes back, what is metered, and that holds bound every call.

let f: HubFixture;
let gemini: FakeGemini;
const MAX_AUDIO_BYTES = 256 * 1024;

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_MAX_AUDIO_BYTES: String(MAX_AUDIO_BYTES) } });
  const add = (input: Parameters<typeof f.lib.addModel>[0]) => f.lib.addModel(input, "test");
  await add({ name: "whisper", provider: "fake", upstreamModel: "whisper-1", type: "transcription", audioUsdPerMinute: "0.006" });
  await add({ name: "transcribe-tokens", provider: "fake", upstreamModel: "gpt-4o-transcribe", type: "transcription", inputUsdPer1M: "6", outputUsdPer1M: "10" });
  await add({ name: "tts", provider: "fake", upstreamModel: "tts-1", type: "speech", charactersUsdPer1M: "15" });
  await add({ name: "omni-moderation-latest", provider: "fake", upstreamModel: "omni-moderation-latest", type: "moderation", inputUsdPer1M: "1" });
  gemini = await startFakeGemini();
  await f.lib.addProvider({ type: "gemini", name: "google", baseUrl: gemini.url, apiKey: gemini.apiKey }, "test");
  // Gemini 2.5 Flash's audio input and text output prices; its TTS model's text input and audio output prices
  await add({ name: "gemini-transcribe", provider: "google", upstreamModel: "gemini-2.5-flash", type: "transcription", inputUsdPer1M: "1", outputUsdPer1M: "2.5" });
  await add({ name: "gemini-tts", provider: "google", upstreamModel: "gemini-2.5-flash-preview-tts", type: "speech", inputUsdPer1M: "0.5", outputUsdPer1M: "10" });
  await eventually(() => f.client.models.retrieve("gemini-tts"), 3000);
}, 60_000);

afterAll(async () => {
  await f?.close();
  await gemini?.close();
});

const upload = async (seconds: number, name = "meeting.wav") => toFile(wavFile(seconds), name, { type: "audio/wav" });
const lastUpstream = () => f.upstream.requests.at(-1)!;

async function form(fields: Record<string, string>, file: Blob | null = new Blob([new Uint8Array(wavFile(1))], { type: "audio/wav" }), key = f.apiKey) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (file) body.append("file", file, "a.wav");
  const res = await fetch(`${f.hub.baseURL}/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body });
  return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; code: string; param: string | null } } };
}

describe("transcriptions and translations", () => {
  it("relays a transcription, and meters the seconds the upstream reports at the per-minute price", async () => {
    const { data, response } = await f.client.audio.transcriptions.create({ file: await upload(3.5), model: "whisper", language: "en", prompt: "A meeting." }).withResponse();
    expect(data).toEqual({ text: "Fake transcript of 3.5 seconds of audio.", usage: { type: "duration", seconds: 4 } });
    // the upstream got the file as it was sent, under its own model name
    expect(lastUpstream().body).toMatchObject({ model: "whisper-1", language: "en", prompt: "A meeting.", file: { name: "meeting.wav", type: "audio/wav", bytes: wavFile(3.5).length } });
    // 4 s at $0.006 a minute
    expect(response.headers.get("x-hub-cost-usd")).toBe("0.0004");
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "audio", requestedModel: "whisper", upstreamModel: "whisper-1", audioMs: 4000, usageSource: "upstream", costNanoUsd: 400_000n, status: 200 });
  });

  it("answers text, srt and vtt as text, metered on the duration the hub read from the file", async () => {
    const text = await f.client.audio.transcriptions.create({ file: await upload(2.5), model: "whisper", response_format: "text" });
    expect(text).toBe("Fake transcript of 2.5 seconds of audio.\n");
    const res = await f.client.audio.transcriptions.create({ file: await upload(2.5), model: "whisper", response_format: "srt" }).asResponse();
    expect(res.headers.get("content-type")).toMatch(/^application\/x-subrip/);
    expect(await res.text()).toMatch(/^1\n00:00:00,000 --> 00:00:02,500\nFake transcript/);
    const vtt = await f.client.audio.transcriptions.create({ file: await upload(2.5), model: "whisper", response_format: "vtt" }).asResponse();
    expect(vtt.headers.get("content-type")).toMatch(/^text\/vtt/);
    const event = await f.usageEvent(vtt.headers.get("x-request-id")!);
    // no usage in a text answer: the WAV's own header says 2.5 s
    expect(event).toMatchObject({ audioMs: 2500, usageSource: "estimated", costNanoUsd: 250_000n });
  });

  it("passes verbose_json and timestamp granularities through", async () => {
    const verbose = await f.client.audio.transcriptions.create({ file: await upload(2), model: "whisper", response_format: "verbose_json", timestamp_granularities: ["word", "segment"] });
    expect(verbose).toMatchObject({ task: "transcribe", duration: 2, text: "Fake transcript of 2 seconds of audio." });
    expect(verbose.words?.length).toBeGreaterThan(0);
    expect(verbose.segments?.[0]).toMatchObject({ start: 0, end: 2 });
    expect(lastUpstream().body).toMatchObject({ "timestamp_granularities[]": ["word", "segment"], response_format: "verbose_json" });
  });

  it("charges a token-priced model the tokens the upstream reports", async () => {
    const { data, response } = await f.client.audio.transcriptions.create({ file: await upload(3), model: "transcribe-tokens" }).withResponse();
    expect(data.usage).toMatchObject({ type: "tokens", input_tokens: 30, output_tokens: 7 });
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    // 30 × $6 + 7 × $10 per 1M
    expect(event).toMatchObject({ promptTokens: 30, completionTokens: 7, audioMs: 3000, costNanoUsd: 250_000n });
  });

  it("translates into English, metered on the measured duration (translations report no usage)", async () => {
    const { data, response } = await f.client.audio.translations.create({ file: await upload(1.5), model: "whisper" }).withResponse();
    expect(data).toEqual({ text: "Fake translation of 1.5 seconds of audio." });
    expect(lastUpstream().path).toBe("/v1/audio/translations");
    expect(await f.usageEvent(response.headers.get("x-request-id")!)).toMatchObject({ audioMs: 1500, usageSource: "estimated" });
  });

  it("refuses bad uploads in OpenAI's error shape before anything goes upstream", async () => {
    const before = f.upstream.requests.length;
    expect(await form({ model: "whisper" }, null)).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error", code: "missing_file", param: "file" } } });
    expect(await form({ model: "whisper", chunking_strategy: "auto" })).toMatchObject({ status: 400, body: { error: { code: "unknown_parameter", param: "chunking_strategy" } } });
    expect(await form({ model: "whisper", response_format: "docx" })).toMatchObject({ status: 400, body: { error: { param: "response_format" } } });
    expect(await form({ model: "whisper", stream: "true" })).toMatchObject({ status: 400, body: { error: { param: "stream" } } });
    expect(await form({ model: "gpt-4o-mini" })).toMatchObject({ status: 400, body: { error: { code: "wrong_model_type" } } });
    expect(await form({ model: "whisper" }, new Blob([new Uint8Array(wavFile(20))], { type: "audio/wav" }))).toMatchObject({ status: 413, body: { error: { code: "file_too_large", param: "file" } } });
    const json = await fetch(`${f.hub.baseURL}/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ model: "whisper" }) });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("invalid_content_type");
    expect(f.upstream.requests.length).toBe(before);
    // not audio at all: held for the longest audio its size could be, and the upstream's refusal relayed
    const garbage = await form({ model: "whisper" }, new Blob([new Uint8Array(4096).fill(7)], { type: "audio/mpeg" }));
    expect(garbage).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error", message: expect.stringContaining("Invalid file format") } } });
    // and no key, no service
    expect((await form({ model: "whisper" }, undefined, "sk-hub-not-a-key")).status).toBe(401);
  });
});

describe("speech", () => {
  it("streams the audio as the upstream produces it, metered per character", async () => {
    const input = "The hub streams this sentence back as audio.";
    const started = Date.now();
    const response = await f.client.audio.speech.create({ model: "tts", input, voice: "alloy" });
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    const reader = response.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now();
    expect(first.value!.byteLength).toBeGreaterThan(0);
    let total = first.value!.byteLength;
    for (let next = await reader.read(); !next.done; next = await reader.read()) total += next.value.byteLength;
    expect(total).toBe(input.length * 64);
    const sent = lastUpstream();
    expect(sent.body).toMatchObject({ model: "tts-1", input, voice: "alloy" });
    // the first bytes reached the client before the upstream had sent its last: nothing was buffered
    expect(firstAt).toBeLessThan(sent.sentAt!.last!);
    expect(firstAt - started).toBeLessThan(sent.sentAt!.last! - started);
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    // 44 characters at $15 per 1M
    expect(event).toMatchObject({ endpoint: "audio", characters: input.length, costNanoUsd: 660_000n, status: 200, promptTokens: 0 });
  });

  it("refuses what OpenAI refuses, and what the hub cannot price", async () => {
    const long = await f.client.audio.speech.create({ model: "tts", input: "x".repeat(5000), voice: "alloy" }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect((long as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("input");
    const sse = await f.client.audio.speech.create({ model: "tts", input: "hi", voice: "alloy", stream_format: "sse" }).catch((e: unknown) => e);
    expect((sse as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("stream_format");
    const unknown = await f.client.audio.speech.create({ model: "tts", input: "hi", voice: "alloy", ...({ plugins: ["x"] } as object) }).catch((e: unknown) => e);
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("plugins");
  });
});

describe("through Gemini", () => {
  const lastGemini = () => gemini.requests.at(-1)!;
  /** the instruction the hub sent with the audio, and the tokens the fake counted for it and the audio */
  const sentInstruction = () => (lastGemini().body as { contents: Array<{ parts: Array<{ text?: string }> }> }).contents[0]!.parts[0]!.text!;

  it("transcribes with generateContent and inline audio, and charges Gemini's token usage at the model's token prices", async () => {
    const { data, response } = await f.client.audio.transcriptions.create({ file: await upload(3), model: "gemini-transcribe", language: "fr", prompt: "A meeting about AIGNE." }).withResponse();
    const text = fakeTranscript(3);
    const input = promptTokens([sentInstruction()]) + audioInputTokens(3);
    const output = text.split(" ").length;
    expect(data).toEqual({ text, usage: { type: "tokens", input_tokens: input, output_tokens: output, total_tokens: input + output, input_token_details: { audio_tokens: 96, text_tokens: input - 96 } } });
    expect(lastGemini().path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(lastGemini().body).toMatchObject({ contents: [{ role: "user", parts: [{ text: expect.stringMatching(/^Transcribe the speech/) }, { inlineData: { mimeType: "audio/wav", data: wavFile(3).toString("base64") } }] }] });
    // the language and the prompt are folded into the instruction
    expect(sentInstruction()).toContain('"fr"');
    expect(sentInstruction()).toContain("A meeting about AIGNE.");
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    // input tokens at $1 per 1M, output at $2.50
    expect(event).toMatchObject({ endpoint: "audio", upstreamModel: "gemini-2.5-flash", promptTokens: input, completionTokens: output, usageSource: "upstream", costNanoUsd: BigInt(input * 1000 + output * 2500), status: 200 });
  });

  it("answers text as the transcript itself, still metered on Gemini's usage; translates into English", async () => {
    const { data, response } = await f.client.audio.transcriptions.create({ file: await upload(2), model: "gemini-transcribe", response_format: "text" }).withResponse();
    expect(data).toBe(fakeTranscript(2));
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const input = promptTokens([sentInstruction()]) + audioInputTokens(2);
    expect(await f.usageEvent(response.headers.get("x-request-id")!)).toMatchObject({ promptTokens: input, completionTokens: fakeTranscript(2).split(" ").length, usageSource: "upstream" });

    const translated = await f.client.audio.translations.create({ file: await upload(1.5), model: "gemini-transcribe" });
    expect(translated.text).toBe(fakeTranscript(1.5, true));
    expect(sentInstruction()).toMatch(/^Translate the speech in this audio into English/);
    const verbose = await f.client.audio.transcriptions.create({ file: await upload(1), model: "gemini-transcribe", response_format: "verbose_json", language: "en" });
    expect(verbose).toMatchObject({ task: "transcribe", language: "en", text: fakeTranscript(1) });
    expect(verbose).not.toHaveProperty("duration");
  });

  it("speaks WAV and PCM from Gemini's 24 kHz PCM, in the voice asked for, charged at the model's token prices", async () => {
    const input = "Gemini says this sentence.";
    const wav = await f.client.audio.speech.create({ model: "gemini-tts", input, voice: "Puck", response_format: "wav", instructions: "Say it cheerfully." });
    expect(wav.headers.get("content-type")).toBe("audio/wav");
    const bytes = Buffer.from(await wav.arrayBuffer());
    const spoken = `Say it cheerfully: ${input}`;
    expect(bytes.length).toBe(44 + spokenPcm(spoken).bytes);
    expect([bytes.toString("ascii", 0, 4), bytes.toString("ascii", 8, 12), bytes.readUInt16LE(22), bytes.readUInt32LE(24), bytes.readUInt16LE(34), bytes.readUInt32LE(40)]).toEqual(["RIFF", "WAVE", 1, 24000, 16, spokenPcm(spoken).bytes]);
    expect(lastGemini()).toMatchObject({
      path: "/v1beta/models/gemini-2.5-flash-preview-tts:generateContent",
      body: { contents: [{ parts: [{ text: spoken }] }], generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Puck" } } } } },
    });
    const prompt = promptTokens([spoken]);
    const output = spokenPcm(spoken).tokens;
    // text in at $0.50 per 1M, audio out at $10
    expect(await f.usageEvent(wav.headers.get("x-request-id")!)).toMatchObject({ endpoint: "audio", promptTokens: prompt, completionTokens: output, usageSource: "upstream", costNanoUsd: BigInt(prompt * 500 + output * 10_000), status: 200 });

    // an OpenAI voice gets Gemini's default one
    const pcm = await f.client.audio.speech.create({ model: "gemini-tts", input, voice: "alloy", response_format: "pcm" });
    expect(pcm.headers.get("content-type")).toBe("audio/pcm");
    expect((await pcm.arrayBuffer()).byteLength).toBe(spokenPcm(input).bytes);
    expect(lastGemini().body).toMatchObject({ generationConfig: { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Kore" } } } } });
    expect(await f.usageEvent(pcm.headers.get("x-request-id")!)).toMatchObject({ promptTokens: promptTokens([input]), completionTokens: spokenPcm(input).tokens });
  });

  it("refuses srt and vtt subtitles and mp3 speech with a 400 naming response_format, sending nothing to Gemini", async () => {
    const before = gemini.requests.length;
    for (const response_format of ["srt", "vtt"] as const) {
      const refused = await f.client.audio.transcriptions.create({ file: await upload(1), model: "gemini-transcribe", response_format }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect(refused).toMatchObject({ status: 400, param: "response_format" });
    }
    const mp3 = await f.client.audio.speech.create({ model: "gemini-tts", input: "hi", voice: "Kore", response_format: "mp3" }).catch((e: unknown) => e);
    expect(mp3).toBeInstanceOf(OpenAI.BadRequestError);
    expect(mp3).toMatchObject({ status: 400, param: "response_format" });
    // OpenAI's default format is mp3 too
    expect(await f.client.audio.speech.create({ model: "gemini-tts", input: "hi", voice: "Kore" }).catch((e: unknown) => e)).toMatchObject({ status: 400, param: "response_format" });
    expect(gemini.requests.length).toBe(before);
  });
});

describe("moderation", () => {
  it("relays moderation results under the requested model name, metered on the input", async () => {
    const { data, response } = await f.client.moderations.create({ input: ["a kind word", "I will kill the process"] }).withResponse();
    expect(data.model).toBe("omni-moderation-latest");
    expect(data.results.map((r) => r.flagged)).toEqual([false, true]);
    expect(data.results[1]!.categories.violence).toBe(true);
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "moderations", requestedModel: "omni-moderation-latest", usageSource: "estimated" });
    expect(event.promptTokens).toBeGreaterThan(0);
  });
});

describe("the original AIGNE Hub's audio paths", () => {
  // the original hub proxies /api/v2/audio/* to OpenAI unchanged: the openai SDK pointed at /api/v2 works as at /v1
  const v2 = (apiKey = f.apiKey) => new OpenAI({ baseURL: `${f.hub.url}/api/v2`, apiKey, maxRetries: 0 });

  it("transcribes at /api/v2/audio/transcriptions as at /v1, metered the same", async () => {
    const { data, response } = await v2().audio.transcriptions.create({ file: await upload(3.5), model: "whisper", language: "en" }).withResponse();
    expect(data).toEqual({ text: "Fake transcript of 3.5 seconds of audio.", usage: { type: "duration", seconds: 4 } });
    expect(lastUpstream().path).toBe("/v1/audio/transcriptions");
    expect(lastUpstream().body).toMatchObject({ model: "whisper-1", language: "en", file: { name: "meeting.wav", type: "audio/wav" } });
    expect(response.headers.get("x-hub-cost-usd")).toBe("0.0004");
    expect(await f.usageEvent(response.headers.get("x-request-id")!)).toMatchObject({ endpoint: "audio", requestedModel: "whisper", audioMs: 4000, usageSource: "upstream", costNanoUsd: 400_000n, status: 200 });
    // text answers too
    expect(await v2().audio.transcriptions.create({ file: await upload(2.5), model: "whisper", response_format: "text" })).toBe("Fake transcript of 2.5 seconds of audio.\n");
  });

  it("speaks at /api/v2/audio/speech as at /v1, streamed and metered per character", async () => {
    const input = "Spoken through the original hub's path.";
    const response = await v2().audio.speech.create({ model: "tts", input, voice: "alloy", response_format: "wav" });
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect((await response.arrayBuffer()).byteLength).toBe(input.length * 64);
    expect(lastUpstream()).toMatchObject({ path: "/v1/audio/speech", body: { model: "tts-1", input, voice: "alloy", response_format: "wav" } });
    // 39 characters at $15 per 1M
    expect(await f.usageEvent(response.headers.get("x-request-id")!)).toMatchObject({ endpoint: "audio", requestedModel: "tts", characters: input.length, costNanoUsd: 585_000n, status: 200 });
  });

  it("refuses in OpenAI's error shape, before anything goes upstream", async () => {
    const before = f.upstream.requests.length;
    const body = new FormData();
    body.append("model", "whisper");
    const missing = await fetch(`${f.hub.url}/api/v2/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${f.apiKey}` }, body });
    expect([missing.status, await missing.json()]).toEqual([400, { error: expect.objectContaining({ type: "invalid_request_error", code: "missing_file", param: "file" }) }]);
    const long = await v2().audio.speech.create({ model: "tts", input: "x".repeat(5000), voice: "alloy" }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    expect((long as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("input");
    const wrongType = await v2().audio.speech.create({ model: "whisper", input: "hi", voice: "alloy" }).catch((e: unknown) => e);
    expect((wrongType as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("wrong_model_type");
    const anonymous = await v2("sk-hub-not-a-key").audio.speech.create({ model: "tts", input: "hi", voice: "alloy" }).catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(f.upstream.requests.length).toBe(before);
  });
});

describe("holds in Service Provider mode", () => {
  let n = 0;
  async function customer(credits: string) {
    const email = `audio-buyer-${++n}@test.local`;
    await f.lib.createUser({ email, role: "member" }, "test");
    const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
    await f.lib.grantCredits({ userEmail: email, amount: credits, note: "seed" }, "test");
    const accountId = (await f.db.creditAccount.findFirstOrThrow({ where: { user: { email } } })).id;
    return { client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }), v2: new OpenAI({ baseURL: `${f.hub.url}/api/v2`, apiKey: secret, maxRetries: 0 }), accountId };
  }

  /** Fires the calls at once; returns how many were answered and how many refused for credit. */
  async function race(calls: Array<() => Promise<unknown>>) {
    const outcomes = await Promise.all(calls.map((call) => call().then(() => "ok" as const, (e: unknown) => e)));
    const refused = outcomes.filter((o) => o instanceof OpenAI.APIError && o.status === 402);
    expect(outcomes.filter((o) => o !== "ok" && !refused.includes(o))).toEqual([]);
    return { answered: outcomes.filter((o) => o === "ok").length, refused: refused.length };
  }

  async function settled(accountId: string, answered: number, charge: bigint, initial: bigint) {
    await eventually(async () => {
      const account = await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } });
      expect(account.heldMicrocredits).toBe(0n);
      expect(account.balanceMicrocredits).toBe(initial - BigInt(answered) * charge);
      expect(account.balanceMicrocredits).toBeGreaterThanOrEqual(0n);
    }, 10_000);
    const { reconcileLedger } = await import("@/lib/billing/reconcile");
    expect(await reconcileLedger([accountId])).toEqual([]);
  }

  beforeAll(async () => {
    await f.lib.setMode("service_provider", "test");
    await f.lib.addModel({ name: "whisper-broken", provider: "fake", upstreamModel: "fake-error-500", type: "transcription", audioUsdPerMinute: "0.006" }, "test");
    // the running hub sees the mode and the model at its next config poll (both bumped the version)
    await eventually(() => f.client.models.retrieve("whisper-broken"), 5000);
  });

  it("never lets concurrent transcriptions spend more than the balance, and charges a failed one nothing", async () => {
    // 3.5 s is held as 4 s: 400 credits a call, so 1,000 credits pay for two
    const { client, accountId } = await customer("1000");
    const file = await upload(3.5);
    const failed = await client.audio.transcriptions.create({ file, model: "whisper-broken" }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    await settled(accountId, 0, 0n, 1_000_000_000n);

    const { answered, refused } = await race(Array.from({ length: 6 }, () => () => client.audio.transcriptions.create({ file, model: "whisper" })));
    expect(answered).toBe(2);
    expect(refused).toBe(4);
    await settled(accountId, answered, 400_000_000n, 1_000_000_000n);
  });

  it("never lets concurrent speech spend more than the balance", async () => {
    // 100 characters at $15 per 1M: 1,500 credits a call
    const { client, accountId } = await customer("4000");
    const input = "y".repeat(100);
    const { answered, refused } = await race(
      Array.from({ length: 6 }, () => async () => {
        const audio = await client.audio.speech.create({ model: "tts", input, voice: "alloy" });
        await audio.arrayBuffer();
      }),
    );
    expect(answered).toBe(2);
    expect(refused).toBe(4);
    await settled(accountId, answered, 1_500_000_000n, 4_000_000_000n);
  });

  it("holds and charges at the original hub's audio paths as at OpenAI's", async () => {
    // 100 characters spoken: 1,500 credits; then 800 credits pay for two 4 s transcriptions (400 credits each) of six at once
    const { v2, accountId } = await customer("2300");
    await (await v2.audio.speech.create({ model: "tts", input: "z".repeat(100), voice: "alloy" })).arrayBuffer();
    await settled(accountId, 1, 1_500_000_000n, 2_300_000_000n);
    const file = await upload(3.5);
    const { answered, refused } = await race(Array.from({ length: 6 }, () => () => v2.audio.transcriptions.create({ file, model: "whisper" })));
    expect([answered, refused]).toEqual([2, 4]);
    await settled(accountId, answered, 400_000_000n, 800_000_000n);
  });

  it("never lets concurrent moderation calls spend more than the balance", async () => {
    // 1,000 characters of input count as 267 tokens at $1 per 1M: 267 credits a call, so 600 pay for two
    const { client, accountId } = await customer("600");
    const input = "word ".repeat(200);
    const { answered, refused } = await race(Array.from({ length: 6 }, () => () => client.moderations.create({ input })));
    expect(answered).toBe(2);
    expect(refused).toBe(4);
    await settled(accountId, answered, 267_000_000n, 600_000_000n);
  });

});
