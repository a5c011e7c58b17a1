// Drives the fake Gemini upstream with the real @google/genai SDK: if the SDK builds its requests for
// the fake and parses the fake's answers, the fake speaks Gemini's wire format.
import { ApiError, FinishReason, FunctionCallingConfigMode, GoogleGenAI, createPartFromBase64, createPartFromUri, type Content, type GenerateContentResponse } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CACHE_READ_TOKENS, REASONING_TEXT, REASONING_TOKENS, TOOL_ARGUMENTS, promptTokens, replyPieces, replyText, type FakeUpstream } from "./contract";
import { FAKE_PNG_BASE64, TTS_MIME_TYPE, audioInputTokens, fakeTranscript, spokenPcm, startFakeGemini } from "./gemini-upstream";
import { wavFile } from "./openai-audio";

let fake: FakeUpstream & { apiKey: string };
let ai: GoogleGenAI;

beforeAll(async () => {
  fake = await startFakeGemini();
  ai = new GoogleGenAI({ apiKey: fake.apiKey, httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.close());

const lastRequest = () => fake.requests.at(-1)!;

/** The HTTP status of the ApiError a call fails with, and the google.rpc.Status body the SDK keeps as its message. */
async function apiErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  const { status: httpStatus, message } = error as ApiError;
  const body = JSON.parse(message) as { error: { code: number; message: string; status: string; details?: unknown[] } };
  return { httpStatus, ...body.error };
}

describe("generateContent", () => {
  it("answers the last user turn and counts the system instruction in the usage", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Say hi to Gemini",
      config: { systemInstruction: "Be brief.", temperature: 0.2, maxOutputTokens: 64 },
    });

    const expected = replyText("Say hi to Gemini");
    const prompt = promptTokens(["Be brief.", "Say hi to Gemini"]);
    const output = replyPieces("Say hi to Gemini").length;
    expect(response.text).toBe(expected);
    expect(response.candidates?.[0]).toMatchObject({ finishReason: FinishReason.STOP, index: 0, content: { role: "model" } });
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: prompt, candidatesTokenCount: output, totalTokenCount: prompt + output });
    expect(response.modelVersion).toBe("gemini-2.5-flash");
    expect(response.responseId).toMatch(/^[\w-]{10,}$/);

    const request = lastRequest();
    expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request.headers["x-goog-api-key"]).toBe(fake.apiKey);
    expect(request.body).toMatchObject({ systemInstruction: { parts: [{ text: "Be brief." }] }, generationConfig: { temperature: 0.2, maxOutputTokens: 64 } });
    expect(request).toMatchObject({ sentText: expected, finished: true, closedEarly: false });
  });

  it("reports the inline and file images of the last user turn", async () => {
    const image = Buffer.from("not really a png, but bytes all the same");
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "What is in" }, createPartFromBase64(image.toString("base64"), "image/png"), { text: "these pictures?" }, createPartFromUri("https://example.com/cat.jpg", "image/jpeg")] }],
    });

    expect(response.text).toBe(
      replyText("What is in these pictures?", [
        { mediaType: "image/png", bytes: image.length },
        { mediaType: "image/jpeg", bytes: 0 },
      ]),
    );
  });

  it("reports cached prompt tokens inside the prompt count for fake-cache", async () => {
    const response = await ai.models.generateContent({ model: "fake-cache", contents: "Cache me if you can" });

    const prompt = promptTokens(["Cache me if you can"]);
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: prompt, cachedContentTokenCount: CACHE_READ_TOKENS });
    expect(response.usageMetadata!.promptTokenCount!).toBeGreaterThanOrEqual(CACHE_READ_TOKENS);
  });

  it("thinks for fake-reasoning, showing the thoughts only when asked", async () => {
    const question = "Ponder this";
    const prompt = promptTokens([question]);
    const output = replyPieces(question).length;

    const shown = await ai.models.generateContent({ model: "fake-reasoning", contents: question, config: { thinkingConfig: { includeThoughts: true } } });
    expect(shown.candidates?.[0]?.content?.parts?.[0]).toEqual({ text: REASONING_TEXT, thought: true });
    expect(shown.text).toBe(replyText(question));
    expect(shown.usageMetadata).toMatchObject({ thoughtsTokenCount: REASONING_TOKENS, candidatesTokenCount: output, totalTokenCount: prompt + output + REASONING_TOKENS });

    const hidden = await ai.models.generateContent({ model: "fake-reasoning", contents: question });
    expect(hidden.candidates?.[0]?.content?.parts?.some((p) => p.thought)).toBe(false);
    expect(hidden.usageMetadata?.thoughtsTokenCount).toBe(REASONING_TOKENS);

    const disabled = await ai.models.generateContent({ model: "fake-reasoning", contents: question, config: { thinkingConfig: { thinkingBudget: 0 } } });
    expect(disabled.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    expect(disabled.usageMetadata?.totalTokenCount).toBe(prompt + output);
  });

  it("answers every candidate asked for", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Twice", config: { candidateCount: 2 } });

    expect(response.candidates?.map((c) => [c.index, c.content?.parts?.[0]?.text])).toEqual([
      [0, replyText("Twice")],
      [1, replyText("Twice")],
    ]);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(2 * replyPieces("Twice").length);
  });
});

describe("function calling", () => {
  const tools = [
    {
      functionDeclarations: [
        {
          name: "get_weather",
          description: "Current weather in a city",
          parametersJsonSchema: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] },
        },
        { name: "get_time", description: "Local time in a city", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } },
      ],
    },
  ];
  const question: Content = { role: "user", parts: [{ text: "What's the weather in Paris?" }] };

  async function firstCall() {
    const response = await ai.models.generateContent({ model: "gemini-3-flash-preview", contents: [question], config: { tools } });
    const modelTurn = response.candidates![0]!.content!;
    const call = response.functionCalls![0]!;
    const answer: Content = { role: "user", parts: [{ functionResponse: { id: call.id, name: call.name, response: { temperature: 21 } } }] };
    return { response, modelTurn, call, answer };
  }

  it("calls the first declared function whole, signed, and answers in words once it has the result", async () => {
    const { response, modelTurn, call, answer } = await firstCall();
    expect(response.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(response.functionCalls).toHaveLength(1);
    expect(call).toMatchObject({ name: "get_weather", args: TOOL_ARGUMENTS });
    expect(call.id).toMatch(/^call_/);
    expect(modelTurn.parts?.[0]?.thoughtSignature).toMatch(/^[A-Za-z0-9+/]{20,}={0,2}$/);
    expect(lastRequest().body).toMatchObject({ tools: [{ functionDeclarations: [{ name: "get_weather" }, { name: "get_time" }] }] });

    const followUp = await ai.models.generateContent({ model: "gemini-3-flash-preview", contents: [question, modelTurn, answer], config: { tools } });
    expect(lastRequest().body).toMatchObject({ contents: [{}, { role: "model", parts: [{ thoughtSignature: modelTurn.parts?.[0]?.thoughtSignature }] }, {}] });
    expect(followUp.functionCalls).toBeUndefined();
    expect(followUp.text).toBe(replyText("What's the weather in Paris?"));
  });

  it("rejects the same history when the function call lost its thought signature", async () => {
    const { modelTurn, answer } = await firstCall();
    const unsigned: Content = { role: "model", parts: modelTurn.parts!.map(({ thoughtSignature: _dropped, ...part }) => part) };

    const error = await apiErrorOf(ai.models.generateContent({ model: "gemini-3-flash-preview", contents: [question, unsigned, answer], config: { tools } }));
    expect(error).toMatchObject({ httpStatus: 400, code: 400, status: "INVALID_ARGUMENT" });
    expect(error.message).toMatch(/^Function call is missing a thought_signature in functionCall parts\..*get_weather/);
  });

  it("accepts Google's validator-skipping signature for history Gemini did not write", async () => {
    const foreign: Content = { role: "model", parts: [{ functionCall: { name: "get_weather", args: TOOL_ARGUMENTS }, thoughtSignature: "skip_thought_signature_validator" }] };
    const answer: Content = { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { temperature: 21 } } }] };

    const response = await ai.models.generateContent({ model: "gemini-3-flash-preview", contents: [question, foreign, answer], config: { tools } });
    expect(response.text).toBe(replyText("What's the weather in Paris?"));
  });

  it("follows toolConfig: NONE answers in words, ANY with allowed names calls the allowed one", async () => {
    const none = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [question],
      config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } } },
    });
    expect(none.text).toBe(replyText("What's the weather in Paris?"));

    const any = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [question],
      config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ["get_time"] } } },
    });
    expect(any.functionCalls?.[0]).toMatchObject({ name: "get_time", args: TOOL_ARGUMENTS });
  });
});

describe("request validation", () => {
  const user = (text: string): Content => ({ role: "user", parts: [{ text }] });
  const cases: Array<[string, Content[], RegExp]> = [
    ["an unknown role", [{ role: "assistant", parts: [{ text: "hi" }] }], /^Please use a valid role: user, model\.$/],
    ["a turn without parts", [{ role: "user", parts: [] }], /contents\[0\]\.parts: contents\.parts must not be empty/],
    ["inline data that is not base64", [{ role: "user", parts: [{ inlineData: { mimeType: "image/png", data: "not base64!" } }] }], /contents\[0\]\.parts\[0\]\.inline_data\.data' \(TYPE_BYTES\), Base64 decoding failed/],
    ["a function response without a function call", [user("hi"), { role: "user", parts: [{ functionResponse: { name: "get_weather", response: {} } }] }], /function response turn comes immediately after a function call turn/],
    [
      "a function response for another function",
      [
        user("hi"),
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: {} }, thoughtSignature: "skip_thought_signature_validator" }] },
        { role: "user", parts: [{ functionResponse: { name: "get_time", response: {} } }] },
      ],
      /Function response `get_time`.*does not match any function call/,
    ],
    [
      "a signature the fake never issued",
      [user("hi"), { role: "model", parts: [{ functionCall: { name: "get_weather", args: {} }, thoughtSignature: "Zm9yZ2VkIHNpZ25hdHVyZQ==" }] }, { role: "user", parts: [{ functionResponse: { name: "get_weather", response: {} } }] }],
      /^Corrupted thought signature\.$/,
    ],
  ];

  it.each(cases)("answers 400 INVALID_ARGUMENT for %s", async (_name, contents, message) => {
    const error = await apiErrorOf(ai.models.generateContent({ model: "gemini-2.5-flash", contents }));
    expect(error).toMatchObject({ httpStatus: 400, code: 400, status: "INVALID_ARGUMENT" });
    expect(error.message).toMatch(message);
    expect(lastRequest().body).toMatchObject({ contents });
  });

  it("answers 400 INVALID_ARGUMENT for empty contents, which the SDK refuses to send", async () => {
    const response = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": fake.apiKey },
      body: JSON.stringify({ contents: [] }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 400, message: "* GenerateContentRequest.contents: contents is not specified\n", status: "INVALID_ARGUMENT" } });
  });
});

describe("generateContentStream", () => {
  it("streams one piece per event and ends with the finish reason and the full usage", async () => {
    const question = "Stream this to me please";
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: question })) chunks.push(chunk);

    const pieces = replyPieces(question);
    const prompt = promptTokens([question]);
    expect(chunks.map((c) => c.text)).toEqual(pieces);
    expect(chunks.slice(0, -1).every((c) => c.candidates?.[0]?.finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ promptTokenCount: prompt, candidatesTokenCount: pieces.length, totalTokenCount: prompt + pieces.length });
    expect(chunks[0]?.usageMetadata?.candidatesTokenCount).toBe(1);

    const request = lastRequest();
    expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(request).toMatchObject({ sentText: replyText(question), finished: true });
  });

  it("frames events the way Google does: text/event-stream, `data: ` lines, \\r\\n\\r\\n", async () => {
    const response = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": fake.apiKey },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Frame it" }] }] }),
    });

    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = (await response.text()).split("\r\n\r\n");
    expect(events.pop()).toBe("");
    expect(events).toHaveLength(replyPieces("Frame it").length);
    for (const event of events) expect(event).toMatch(/^data: \{"candidates":\[.*\}$/);
  });

  it("streams the thought part first for fake-reasoning", async () => {
    const chunks: GenerateContentResponse[] = [];
    const stream = await ai.models.generateContentStream({ model: "fake-reasoning", contents: "Think aloud", config: { thinkingConfig: { includeThoughts: true } } });
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.candidates?.[0]?.content?.parts).toEqual([{ text: REASONING_TEXT, thought: true }]);
    expect(chunks.slice(1).map((c) => c.text).join("")).toBe(replyText("Think aloud"));
    expect(chunks.at(-1)?.usageMetadata?.thoughtsTokenCount).toBe(REASONING_TOKENS);
  });

  it("surfaces a mid-stream failure as an ApiError while iterating, after two pieces", async () => {
    const stream = await ai.models.generateContentStream({ model: "fake-stream-error", contents: "Break halfway through" });
    const seen: Array<string | undefined> = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.text);
    })().then(
      () => expect.unreachable("the stream should have failed"),
      (e: unknown) => e,
    );

    expect(seen).toEqual(replyPieces("Break halfway through").slice(0, 2));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    expect((error as ApiError).message).toMatch(/^got status: INTERNAL\. \{"error":\{"code":500/);
    expect(lastRequest().sentText).toBe(replyPieces("Break halfway through").slice(0, 2).join(""));
  });

  it("holds fake-gated after the first piece until release()", async () => {
    const stream = await ai.models.generateContentStream({ model: "fake-gated", contents: "Wait for it" });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.text).toBe(replyPieces("Wait for it")[0]);

    const second = iterator.next();
    const early = await Promise.race([second.then(() => "moved"), new Promise((r) => setTimeout(() => r("held"), 150))]);
    expect(early).toBe("held");
    fake.release();
    let text = `${first.value?.text}${(await second).value?.text}`;
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toBe(replyText("Wait for it"));
    expect(lastRequest().finished).toBe(true);
  });
});

describe("errors", () => {
  it("fails fake-error-429 with RESOURCE_EXHAUSTED and a RetryInfo of 7s", async () => {
    const error = await apiErrorOf(ai.models.generateContent({ model: "fake-error-429", contents: "hi" }));
    expect(error).toMatchObject({ httpStatus: 429, code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" });
  });

  it("fails fake-error-404 with NOT_FOUND naming the model", async () => {
    const error = await apiErrorOf(ai.models.generateContent({ model: "fake-error-404", contents: "hi" }));
    expect(error).toMatchObject({ httpStatus: 404, code: 404, status: "NOT_FOUND" });
    expect(error.message).toMatch(/^models\/fake-error-404 is not found for API version v1beta/);
  });

  it("fails a stream before it starts with the status in the error body", async () => {
    const error = await apiErrorOf(ai.models.generateContentStream({ model: "fake-error-503", contents: "hi" }));
    expect(error).toMatchObject({ httpStatus: 503, code: 503, status: "UNAVAILABLE" });
  });

  it("rejects a wrong key with 400 API_KEY_INVALID and a missing one with 403", async () => {
    const stranger = new GoogleGenAI({ apiKey: "AIza-wrong", httpOptions: { baseUrl: fake.url } });
    const error = await apiErrorOf(stranger.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" }));
    expect(error).toMatchObject({ httpStatus: 400, code: 400, status: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key." });
    expect(error.details).toContainEqual(expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }));

    const anonymous = await fetch(`${fake.url}/v1beta/models`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });
    expect((await fetch(`${fake.url}/v1beta/models?key=${fake.apiKey}`)).status).toBe(200);
  });

  it("never answers fake-hang, and notices the client giving up", async () => {
    const call = ai.models.generateContent({ model: "fake-hang", contents: "hello?", config: { abortSignal: AbortSignal.timeout(200) } });
    await expect(call).rejects.toThrow();
    const closed = await fake.waitForEarlyClose();
    expect(closed.path).toBe("/v1beta/models/fake-hang:generateContent");
    expect(closed.finished).toBe(false);
  });
});

describe("embeddings, images and models", () => {
  it("embeds every content through batchEmbedContents, deterministically, at the asked dimensionality", async () => {
    const response = await ai.models.embedContent({ model: "gemini-embedding-001", contents: ["first text", "second text", "first text"], config: { outputDimensionality: 16 } });

    const vectors = response.embeddings!.map((e) => e.values!);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(16);
      for (const value of vector) expect(Math.abs(value)).toBeLessThanOrEqual(1);
    }
    expect(vectors[2]).toEqual(vectors[0]);
    expect(vectors[1]).not.toEqual(vectors[0]);
    expect(lastRequest().path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(lastRequest().body).toMatchObject({ requests: [{ model: "models/gemini-embedding-001", outputDimensionality: 16, content: { parts: [{ text: "first text" }] } }, {}, {}] });

    const plain = await ai.models.embedContent({ model: "gemini-embedding-001", contents: "first text" });
    expect(plain.embeddings?.[0]?.values).toHaveLength(768);
  });

  it("generates PNGs through :predict", async () => {
    // @google/genai 2.x refuses generateImages on a Gemini API client before sending anything, but
    // Vertex mode pointed at /v1beta builds the same request Gemini's REST API takes and parses the answer
    await expect(ai.models.generateImages({ model: "imagen-4.0-generate-001", prompt: "a red dot" })).rejects.toThrow(/only supported by the Gemini Enterprise Agent Platform/);
    const vertexShaped = new GoogleGenAI({ vertexai: true, apiKey: fake.apiKey, apiVersion: "v1beta", httpOptions: { baseUrl: fake.url } });

    const response = await vertexShaped.models.generateImages({ model: "models/imagen-4.0-generate-001", prompt: "a red dot", config: { numberOfImages: 2 } });

    expect(lastRequest().path).toBe("/v1beta/models/imagen-4.0-generate-001:predict");
    expect(lastRequest().body).toEqual({ instances: [{ prompt: "a red dot" }], parameters: { sampleCount: 2 } });
    expect(response.generatedImages).toHaveLength(2);
    for (const generated of response.generatedImages ?? []) {
      expect(generated.image?.mimeType).toBe("image/png");
      const png = Buffer.from(generated.image?.imageBytes ?? "", "base64");
      expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1, 1]);
      expect(generated.image?.imageBytes).toBe(FAKE_PNG_BASE64);
    }
  });

  it("lists its model", async () => {
    const names: Array<string | undefined> = [];
    for await (const model of await ai.models.list()) names.push(model.name);

    expect(names).toEqual(["models/gemini-2.5-flash"]);
    expect(lastRequest()).toMatchObject({ method: "GET", path: "/v1beta/models" });
  });
});

describe("audio through generateContent", () => {
  it("hears inline audio: a transcript, with the audio counted at 32 tokens a second in the prompt", async () => {
    const instruction = "Transcribe the speech in this audio verbatim.";
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: instruction }, createPartFromBase64(wavFile(2.5).toString("base64"), "audio/wav")] }],
    });

    const transcript = fakeTranscript(2.5);
    expect(response.text).toBe(transcript);
    const audio = audioInputTokens(2.5);
    const text = promptTokens([instruction]);
    const output = transcript.split(" ").length;
    expect(audio).toBe(80);
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: text + audio,
      candidatesTokenCount: output,
      totalTokenCount: text + audio + output,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: text }, { modality: "AUDIO", tokenCount: audio }],
    });
    expect(lastRequest().body).toMatchObject({ contents: [{ parts: [{ text: instruction }, { inlineData: { mimeType: "audio/wav" } }] }] });
  });

  it("translates when told to, and weighs audio without a WAV header by its size", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "Translate this audio into English." }, createPartFromBase64(Buffer.alloc(32_000, 1).toString("base64"), "audio/mp3")] }],
    });
    expect(response.text).toBe(fakeTranscript(2, true));
    expect(response.usageMetadata?.promptTokensDetails).toContainEqual({ modality: "AUDIO", tokenCount: 64 });
  });

  it("speaks for a TTS model asked for AUDIO: base64 24 kHz PCM, 25 output tokens a second", async () => {
    const text = "Say cheerfully: Have a wonderful day!";
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash-preview-tts",
      contents: [{ role: "user", parts: [{ text }] }],
      config: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Kore" } } } },
    });

    const part = response.candidates?.[0]?.content?.parts?.[0];
    expect(part?.inlineData?.mimeType).toBe(TTS_MIME_TYPE);
    expect(response.data).toBe(part?.inlineData?.data);
    const pcm = Buffer.from(response.data ?? "", "base64");
    expect(pcm.length).toBe(spokenPcm(text).bytes);
    expect(pcm.length).toBe(text.length * 960);
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: promptTokens([text]),
      candidatesTokenCount: spokenPcm(text).tokens,
      candidatesTokensDetails: [{ modality: "AUDIO", tokenCount: spokenPcm(text).tokens }],
    });
    expect(lastRequest().body).toMatchObject({ generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Kore" } } } } });
    expect(lastRequest().sentBytes).toBe(pcm.length);
  });

  it("refuses an unknown voice, AUDIO from a text model and text from a TTS model with 400 INVALID_ARGUMENT", async () => {
    const speak = (model: string, voiceName: string, modality = "AUDIO") =>
      ai.models.generateContent({ model, contents: "Hello", config: { responseModalities: [modality], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName } } } } });
    expect(await apiErrorOf(speak("gemini-2.5-flash-preview-tts", "alloy"))).toMatchObject({ httpStatus: 400, status: "INVALID_ARGUMENT", message: expect.stringContaining("Voice name alloy is not supported") });
    expect(await apiErrorOf(speak("gemini-2.5-flash", "Kore"))).toMatchObject({ httpStatus: 400, message: expect.stringContaining("response modality: AUDIO") });
    expect(await apiErrorOf(speak("gemini-2.5-flash-preview-tts", "Kore", "TEXT"))).toMatchObject({ httpStatus: 400, status: "INVALID_ARGUMENT" });
  });
});
