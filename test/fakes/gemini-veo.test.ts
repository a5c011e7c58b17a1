// Drives the fake Gemini API's Veo endpoints with the real @google/genai SDK: generateVideos starts an
// operation, getVideosOperation polls it until done, files.download fetches the video.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApiError, GenerateVideosOperation, GoogleGenAI } from "@google/genai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { VIDEO_BLOCK_MARKER, VIDEO_BYTES_PER_SECOND, VIDEO_FAIL_MARKER, mp4Brand } from "./fake-video";
import { FAKE_PNG_BASE64, startFakeGemini, type FakeGemini } from "./gemini-upstream";
import { PREDICT_RESPONSE_TYPE, VEO_FAILURE, VEO_FILTER_REASON } from "./gemini-veo";

let fake: FakeGemini;
let ai: GoogleGenAI;
let downloads: string;

beforeAll(async () => {
  fake = await startFakeGemini();
  ai = new GoogleGenAI({ apiKey: fake.apiKey, httpOptions: { baseUrl: fake.url } });
  downloads = await mkdtemp(path.join(tmpdir(), "veo-"));
});
afterAll(async () => {
  await fake.close();
  await rm(downloads, { recursive: true, force: true });
});
afterEach(() => Object.assign(fake.veo, { pollsToComplete: 2, delivery: "uri", uriOrigin: null }));

const lastRequest = () => fake.requests.at(-1)!;

async function untilDone(started: GenerateVideosOperation) {
  let operation = started;
  let polls = 0;
  while (!operation.done) {
    if (++polls > 10) throw new Error(`operation ${started.name} never finished`);
    operation = await ai.operations.getVideosOperation({ operation });
  }
  return { operation, polls };
}

describe("models.generateVideos", () => {
  it("starts a long-running operation from the body the SDK sends", async () => {
    const operation = await ai.models.generateVideos({
      model: "veo-3.0-generate-001",
      source: { prompt: "A lighthouse at dusk", image: { imageBytes: FAKE_PNG_BASE64, mimeType: "image/png" } },
      config: { numberOfVideos: 1, durationSeconds: 6, aspectRatio: "9:16", resolution: "1080p" },
    });

    expect(operation).toBeInstanceOf(GenerateVideosOperation);
    expect(operation.name).toMatch(/^models\/veo-3\.0-generate-001\/operations\/[a-z0-9]+$/);
    expect(operation.done).toBeUndefined();
    const request = lastRequest();
    expect(request.path).toBe("/v1beta/models/veo-3.0-generate-001:predictLongRunning");
    expect(request.headers["x-goog-api-key"]).toBe(fake.apiKey);
    expect(request.body).toEqual({
      instances: [{ prompt: "A lighthouse at dusk", image: { bytesBase64Encoded: FAKE_PNG_BASE64, mimeType: "image/png" } }],
      parameters: { sampleCount: 1, durationSeconds: 6, aspectRatio: "9:16", resolution: "1080p" },
    });
  });

  it("refuses what Veo refuses, as google.rpc.Status errors", async () => {
    const tooLong = await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "x" }, config: { durationSeconds: 12 } }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ApiError);
    expect((tooLong as ApiError).status).toBe(400);
    expect((tooLong as ApiError).message).toContain("durationSeconds");

    const square = await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "x" }, config: { aspectRatio: "1:1" } }).catch((e: unknown) => e);
    expect((square as ApiError).status).toBe(400);

    const stranger = new GoogleGenAI({ apiKey: "AIza-wrong", httpOptions: { baseUrl: fake.url } });
    const denied = await stranger.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "x" } }).catch((e: unknown) => e);
    expect((denied as ApiError).status).toBe(400);
    expect((denied as ApiError).message).toContain("API_KEY_INVALID");

    const limited = await ai.models.generateVideos({ model: "fake-error-429", source: { prompt: "x" } }).catch((e: unknown) => e);
    expect((limited as ApiError).status).toBe(429);
  });
});

describe("operations.getVideosOperation", () => {
  it("polls until done, then hands over a file URI on the API that downloads the MP4", async () => {
    fake.veo.pollsToComplete = 3;
    const started = await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "Waves" }, config: { durationSeconds: 4 } });

    const { operation, polls } = await untilDone(started);
    expect(polls).toBe(3);
    expect(lastRequest().path).toBe(`/v1beta/${started.name}`);
    const video = operation.response?.generatedVideos?.[0]?.video;
    expect(video?.uri).toMatch(new RegExp(`^${fake.url}/v1beta/files/[a-z0-9]+:download\\?alt=media$`));

    // the SDK finds the file id in https URIs only; the fake's is http, so the test hands it the id
    const fileId = /files\/([a-z0-9]+):download/.exec(video!.uri!)![1]!;
    const downloadPath = path.join(downloads, "waves.mp4");
    await ai.files.download({ file: fileId, downloadPath });
    const bytes = await readFile(downloadPath);
    expect(mp4Brand(bytes)).toBe("isom");
    expect(bytes.length).toBe(32 + 4 * VIDEO_BYTES_PER_SECOND);
    expect(bytes.equals(fake.veo.contentOf(started.name!))).toBe(true);
    // Google's files API redirects to its storage, which serves the signed URL
    expect(fake.veo.storage.requests.at(-1)!.path).toMatch(/^\/videos\/[a-z0-9]+\.mp4\?signature=[0-9a-f]+$/);
  });

  it("hands the video over inline when told to", async () => {
    fake.veo.delivery = "inline";
    fake.veo.pollsToComplete = 1;
    const started = await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "Waves" }, config: { durationSeconds: 5 } });

    const { operation } = await untilDone(started);
    const video = operation.response?.generatedVideos?.[0]?.video;
    expect(video?.mimeType).toBe("video/mp4");
    expect(Buffer.from(video!.videoBytes!, "base64").equals(fake.veo.contentOf(started.name!))).toBe(true);
  });

  it("reports an operation error, and RAI-filtered videos without samples", async () => {
    fake.veo.pollsToComplete = 1;
    const failed = await untilDone(await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: `Waves ${VIDEO_FAIL_MARKER}` } }));
    expect(failed.operation.error).toEqual(VEO_FAILURE);
    expect(failed.operation.response).toBeUndefined();

    const filtered = await untilDone(await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: `Waves ${VIDEO_BLOCK_MARKER}` } }));
    expect(filtered.operation.error).toBeUndefined();
    expect(filtered.operation.response).toEqual({ raiMediaFilteredCount: 1, raiMediaFilteredReasons: [VEO_FILTER_REASON] });
  });

  it("answers the wire shape Google documents", async () => {
    fake.veo.pollsToComplete = 1;
    const started = await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "Waves" } });
    const response = await fetch(`${fake.url}/v1beta/${started.name}`, { headers: { "x-goog-api-key": fake.apiKey } });

    expect(await response.json()).toEqual({
      name: started.name,
      done: true,
      response: { "@type": PREDICT_RESPONSE_TYPE, generateVideoResponse: { generatedSamples: [{ video: { uri: expect.stringContaining("/v1beta/files/") } }] } },
    });
  });

  it("answers 404 for an unknown operation", async () => {
    const unknown = Object.assign(new GenerateVideosOperation(), { name: "models/veo-3.0-generate-001/operations/nope" });
    const error = await ai.operations.getVideosOperation({ operation: unknown }).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(404);
  });
});

describe("the file download", () => {
  it("needs the API key, and the storage needs the signature", async () => {
    fake.veo.pollsToComplete = 1;
    const { operation } = await untilDone(await ai.models.generateVideos({ model: "veo-3.0-generate-001", source: { prompt: "Waves" } }));
    const uri = operation.response!.generatedVideos![0]!.video!.uri!;

    expect((await fetch(uri)).status).toBe(403);
    const redirect = await fetch(uri, { headers: { "x-goog-api-key": fake.apiKey }, redirect: "manual" });
    expect(redirect.status).toBe(302);
    const signed = new URL(redirect.headers.get("location")!);
    expect(signed.origin).toBe(fake.veo.storage.origin);
    expect((await fetch(signed)).status).toBe(200);
    signed.searchParams.set("signature", "forged");
    expect((await fetch(signed)).status).toBe(403);
  });
});
