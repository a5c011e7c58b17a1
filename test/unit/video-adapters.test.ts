// The video side of the provider adapters, against the fake upstreams: OpenAI's /videos (Sora) through
// the openai SDK, and Veo's long-running operations through @google/genai.
import { randomUUID } from "node:crypto";
import { GenerateVideosOperation } from "@google/genai";
import type { Video } from "openai/resources/videos";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { UpstreamVideoState, VideoContent, VideoRequest } from "@/lib/canonical/video";
import { geminiAdapter } from "@/lib/providers/gemini";
import { veoFormat, veoState } from "@/lib/providers/gemini-video";
import { adapterFor, supportedProviderTypes } from "@/lib/providers";
import { videoState } from "@/lib/providers/openai-family/videos";
import type { CallOptions, ProviderType, ProviderVideoApi, UpstreamTarget } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/upstream-error";
import { VIDEO_BLOCK_MARKER, VIDEO_FAIL_MARKER, mp4Brand } from "../fakes/fake-video";
import { startFakeGemini, type FakeGemini } from "../fakes/gemini-upstream";
import { VEO_FAILURE, VEO_FILTER_REASON } from "../fakes/gemini-veo";
import { startHttpFake } from "../fakes/http-fake";
import { FAKE_PNG_BASE64, startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-upstream";
import { JOB_BLOCKED, JOB_FAILURE } from "../fakes/openai-videos";

/** A provider record as the registry hands it to an adapter (a fresh one per call: clients are cached per record). */
function targetOn(type: ProviderType, baseUrl: string, apiKey: string, upstreamModel: string): UpstreamTarget {
  return {
    provider: { id: randomUUID(), type, name: type, baseUrl, region: null, config: {} },
    credential: { id: randomUUID(), secret: { apiKey }, weight: 1 },
    upstreamModel,
  };
}

const call = (): CallOptions => ({ signal: new AbortController().signal, timeoutMs: 5000 });

const request = (overrides: Partial<VideoRequest> = {}): VideoRequest => ({ model: "video", prompt: "A lighthouse at dusk", seconds: 4, size: "1280x720", inputReference: null, ...overrides });

const png = { bytes: new Uint8Array(Buffer.from(FAKE_PNG_BASE64, "base64")), name: "first-frame.png", type: "image/png" };

async function bytesOf(content: VideoContent): Promise<Buffer> {
  return Buffer.from(await new Response(content.body).arrayBuffer());
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/** Asks for the job's state until it is finished; every state seen. */
async function untilFinished(video: ProviderVideoApi, upstreamId: string, target: UpstreamTarget) {
  const seen: UpstreamVideoState[] = [];
  for (let i = 0; i < 10; i++) {
    const state = await video.status(upstreamId, target, call());
    seen.push(state);
    if (state.status === "completed" || state.status === "failed") return seen;
  }
  throw new Error(`${upstreamId} never finished`);
}

describe("which adapters generate video", () => {
  it("OpenAI and any OpenAI-compatible server, and Gemini (Veo); the other providers do not", () => {
    const withVideo = supportedProviderTypes().filter((type) => adapterFor(type).video);
    expect(withVideo.sort()).toEqual(["gemini", "openai", "openai_compatible"]);
  });
});

describe("OpenAI videos", () => {
  let fake: FakeOpenAI;
  const video = adapterFor("openai").video!;
  const target = () => targetOn("openai", fake.url, fake.apiKey, "sora-2-2025-10-06");

  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());
  afterEach(() => Object.assign(fake.videos, { stepsToComplete: 3, downloadStatus: null, downloadChunkDelayMs: 0, downloadCutAfterBytes: null }));

  it("creates a job, follows it to completed and streams the finished MP4", async () => {
    const on = target();
    const { upstreamId } = await video.create(request({ seconds: 8, size: "720x1280" }), on, call());

    expect(fake.requests.at(-1)!.body).toEqual({ model: "sora-2-2025-10-06", prompt: "A lighthouse at dusk", seconds: "8", size: "720x1280" });
    expect(await untilFinished(video, upstreamId, on)).toEqual([
      { status: "in_progress", progress: 33 },
      { status: "in_progress", progress: 66 },
      { status: "completed", seconds: 8 },
    ]);
    const content = await video.download(upstreamId, on, call());
    const bytes = await bytesOf(content);
    expect(content).toMatchObject({ contentType: "video/mp4", length: bytes.length });
    expect(mp4Brand(bytes)).toBe("isom");
    expect(bytes.equals(fake.videos.contentOf(upstreamId))).toBe(true);
  });

  it("always sends the seconds, and the reference image as a file", async () => {
    await video.create(request({ seconds: 4, inputReference: png }), target(), call());

    expect(fake.requests.at(-1)!.body).toEqual({
      model: "sora-2-2025-10-06",
      prompt: "A lighthouse at dusk",
      seconds: "4",
      size: "1280x720",
      input_reference: { name: "first-frame.png", type: "image/png", bytes: png.bytes.length },
    });
  });

  it("reports a failed job with the upstream's error", async () => {
    fake.videos.stepsToComplete = 1;
    const on = target();
    const failed = await video.create(request({ prompt: `Waves ${VIDEO_FAIL_MARKER}` }), on, call());
    expect(await video.status(failed.upstreamId, on, call())).toEqual({ status: "failed", error: JOB_FAILURE });

    const blocked = await video.create(request({ prompt: `Waves ${VIDEO_BLOCK_MARKER}` }), on, call());
    expect(await video.status(blocked.upstreamId, on, call())).toEqual({ status: "failed", error: JOB_BLOCKED });
  });

  it("streams the download as it arrives, and stops the upstream when the caller goes away", async () => {
    fake.videos.stepsToComplete = 1;
    const on = target();
    const { upstreamId } = await video.create(request({ seconds: 8 }), on, call());
    await video.status(upstreamId, on, call());

    fake.videos.downloadChunkDelayMs = 40;
    const caller = new AbortController();
    const content = await video.download(upstreamId, on, { signal: caller.signal, timeoutMs: 5000 });
    const reader = content.body.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    expect(fake.requests.at(-1)!.sentAt!.last).toBeUndefined();

    caller.abort();
    await expect(reader.read()).rejects.toThrow();
    expect((await fake.waitForEarlyClose()).path).toBe(`/v1/videos/${upstreamId}/content`);
  });

  it("turns upstream failures into UpstreamErrors: a download not ready, an outage, a rate limit, a wrong key", async () => {
    const on = target();
    const { upstreamId } = await video.create(request(), on, call());
    const early = await failureOf(video.download(upstreamId, on, call()));
    expect(early).toMatchObject({ kind: "http", status: 404, code: "video_not_ready" });

    fake.videos.stepsToComplete = 1;
    await video.status(upstreamId, on, call());
    fake.videos.downloadStatus = 503;
    expect(await failureOf(video.download(upstreamId, on, call()))).toMatchObject({ kind: "http", status: 503 });

    const limited = await failureOf(video.create(request(), targetOn("openai", fake.url, fake.apiKey, "fake-error-429"), call()));
    expect(limited).toMatchObject({ kind: "http", status: 429, retryAfter: 7 });

    const denied = await failureOf(video.status(upstreamId, targetOn("openai", fake.url, "sk-wrong", "sora-2"), call()));
    expect(denied).toMatchObject({ kind: "http", status: 401, code: "invalid_api_key" });
  });

  it("deletes a job, and counts one already gone upstream as deleted", async () => {
    const on = target();
    const { upstreamId } = await video.create(request(), on, call());

    await video.delete(upstreamId, on, call());
    expect(fake.videos.jobs.has(upstreamId)).toBe(false);
    await expect(video.delete(upstreamId, on, call())).resolves.toBeUndefined();
    expect(fake.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/v1/videos/${upstreamId}` });

    const denied = await failureOf(video.delete(upstreamId, targetOn("openai", fake.url, "sk-wrong", "sora-2"), call()));
    expect(denied.status).toBe(401);
  });

  it("works the same against an OpenAI-compatible server", async () => {
    const compatible = adapterFor("openai_compatible").video!;
    const on = targetOn("openai_compatible", fake.url, fake.apiKey, "sora-2");
    fake.videos.stepsToComplete = 1;

    const { upstreamId } = await compatible.create(request(), on, call());
    expect(await compatible.status(upstreamId, on, call())).toEqual({ status: "completed", seconds: 4 });
    expect((await bytesOf(await compatible.download(upstreamId, on, call()))).equals(fake.videos.contentOf(upstreamId))).toBe(true);
  });

  it("maps video objects: progress kept within 0–100, a failure without an error explained, seconds read as a number", () => {
    const base = { id: "video_1", object: "video", created_at: 1, completed_at: null, expires_at: null, model: "sora-2", prompt: "x", remixed_from_video_id: null, seconds: "12", size: "720x1280", error: null } as const;
    expect(videoState({ ...base, status: "queued", progress: 0 } as Video)).toEqual({ status: "queued", progress: 0 });
    expect(videoState({ ...base, status: "in_progress", progress: 140 } as Video)).toEqual({ status: "in_progress", progress: 100 });
    expect(videoState({ ...base, status: "completed", progress: 100 } as Video)).toEqual({ status: "completed", seconds: 12 });
    expect(videoState({ ...base, status: "completed", progress: 100, seconds: "" } as Video)).toEqual({ status: "completed", seconds: null });
    expect(videoState({ ...base, status: "failed", progress: 40 } as Video)).toEqual({
      status: "failed",
      error: { code: "video_generation_failed", message: "The upstream failed the video without saying why." },
    });
  });
});

describe("Gemini Veo", () => {
  let fake: FakeGemini;
  const video = geminiAdapter.video!;
  const target = () => targetOn("gemini", fake.url, fake.apiKey, "veo-3.0-generate-001");

  beforeAll(async () => {
    fake = await startFakeGemini();
  });
  afterAll(() => fake.close());
  afterEach(() => Object.assign(fake.veo, { pollsToComplete: 2, delivery: "uri", uriOrigin: null }));

  it("starts an operation, polls it to completed and downloads the video, giving the key to the API only", async () => {
    const on = target();
    const { upstreamId } = await video.create(request({ seconds: 6, size: "1080x1920", inputReference: png }), on, call());

    expect(upstreamId).toMatch(/^models\/veo-3\.0-generate-001\/operations\/[a-z0-9]+$/);
    expect(fake.requests.at(-1)!.body).toEqual({
      instances: [{ prompt: "A lighthouse at dusk", image: { bytesBase64Encoded: FAKE_PNG_BASE64, mimeType: "image/png" } }],
      parameters: { sampleCount: 1, durationSeconds: 6, aspectRatio: "9:16", resolution: "1080p" },
    });
    // Veo says nothing of its progress, nor of the clip's length
    expect(await untilFinished(video, upstreamId, on)).toEqual([
      { status: "in_progress", progress: 50 },
      { status: "completed", seconds: null },
    ]);

    const content = await video.download(upstreamId, on, call());
    const bytes = await bytesOf(content);
    expect(content).toMatchObject({ contentType: "video/mp4", length: bytes.length });
    expect(bytes.equals(fake.veo.contentOf(upstreamId))).toBe(true);
    const fromApi = fake.requests.at(-1)!;
    expect(fromApi.path).toMatch(/^\/v1beta\/files\/[a-z0-9]+:download\?alt=media$/);
    expect(fromApi.headers["x-goog-api-key"]).toBe(fake.apiKey);
    // the redirect to Google's storage is followed without the key
    const fromStorage = fake.veo.storage.requests.at(-1)!;
    expect(fromStorage.path).toMatch(/^\/videos\/[a-z0-9]+\.mp4\?signature=/);
    expect(fromStorage.headers["x-goog-api-key"]).toBeUndefined();
  });

  it("takes the video inline when Veo hands it over that way", async () => {
    fake.veo.delivery = "inline";
    fake.veo.pollsToComplete = 1;
    const on = target();
    const { upstreamId } = await video.create(request(), on, call());
    await video.status(upstreamId, on, call());

    const content = await video.download(upstreamId, on, call());
    expect(content).toMatchObject({ contentType: "video/mp4", length: fake.veo.contentOf(upstreamId).length });
    expect((await bytesOf(content)).equals(fake.veo.contentOf(upstreamId))).toBe(true);
  });

  it("reports an operation error, and a video Google's filters removed, as failed", async () => {
    fake.veo.pollsToComplete = 1;
    const on = target();
    const failed = await video.create(request({ prompt: `Waves ${VIDEO_FAIL_MARKER}` }), on, call());
    expect(await video.status(failed.upstreamId, on, call())).toEqual({ status: "failed", error: { code: "internal", message: VEO_FAILURE.message } });

    const filtered = await video.create(request({ prompt: `Waves ${VIDEO_BLOCK_MARKER}` }), on, call());
    expect(await video.status(filtered.upstreamId, on, call())).toEqual({ status: "failed", error: { code: "content_filtered", message: VEO_FILTER_REASON } });
    expect(await failureOf(video.download(filtered.upstreamId, on, call()))).toMatchObject({ kind: "http", status: 404 });
  });

  it("refuses to send the key to a video URI on another host", async () => {
    const elsewhere = await startHttpFake((x) => x.json(200, {}));
    try {
      fake.veo.pollsToComplete = 1;
      fake.veo.uriOrigin = elsewhere.origin;
      const on = target();
      const { upstreamId } = await video.create(request(), on, call());

      const refused = await failureOf(video.download(upstreamId, on, call()));
      expect(refused).toMatchObject({ kind: "http", status: 502, code: "untrusted_video_uri" });
      expect(refused.message).toContain(elsewhere.origin);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("turns Gemini's failures into UpstreamErrors: a wrong key, a duration Veo refuses", async () => {
    const denied = await failureOf(video.create(request(), targetOn("gemini", fake.url, "AIza-wrong", "veo-3.0-generate-001"), call()));
    expect(denied).toMatchObject({ kind: "http", status: 401, code: "invalid_api_key" });

    const tooLong = await failureOf(video.create(request({ seconds: 12 }), target(), call()));
    expect(tooLong).toMatchObject({ kind: "http", status: 400, code: "invalid_argument" });
    expect(tooLong.message).toContain("durationSeconds");
  });

  it("deletes nothing upstream: Veo has no deletion API", async () => {
    const before = fake.requests.length;
    await expect(video.delete("models/veo-3.0-generate-001/operations/abc", target(), call())).resolves.toBeUndefined();
    expect(fake.requests.length).toBe(before);
  });

  it("maps sizes to Veo's aspect ratio and resolution", () => {
    expect(veoFormat("1280x720")).toEqual({ aspectRatio: "16:9", resolution: "720p" });
    expect(veoFormat("720x1280")).toEqual({ aspectRatio: "9:16", resolution: "720p" });
    expect(veoFormat("1792x1024")).toEqual({ aspectRatio: "16:9", resolution: "720p" });
    expect(veoFormat("1024x1792")).toEqual({ aspectRatio: "9:16", resolution: "720p" });
    expect(veoFormat("1920x1080")).toEqual({ aspectRatio: "16:9", resolution: "1080p" });
    expect(veoFormat("1080x1920")).toEqual({ aspectRatio: "9:16", resolution: "1080p" });
  });

  it("maps operations: unnamed errors and silent filters still explained", () => {
    const done = (fields: Partial<GenerateVideosOperation>) => Object.assign(new GenerateVideosOperation(), { name: "models/veo/operations/1", done: true, ...fields });
    expect(veoState(done({ error: { code: 99 } }))).toEqual({ status: "failed", error: { code: "video_generation_failed", message: "Veo failed the video without saying why." } });
    expect(veoState(done({ error: { code: 8, message: "Quota exceeded." } }))).toEqual({ status: "failed", error: { code: "resource_exhausted", message: "Quota exceeded." } });
    expect(veoState(done({ response: {} }))).toEqual({ status: "failed", error: { code: "content_filtered", message: "Veo filtered the generated video out." } });
    expect(veoState(done({ response: { generatedVideos: [{ video: { uri: "https://generativelanguage.googleapis.com/v1beta/files/a:download" } }] } }))).toEqual({ status: "completed", seconds: null });
  });
});
