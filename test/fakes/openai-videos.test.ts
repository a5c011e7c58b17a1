// Drives the fake OpenAI upstream's video endpoints with the real openai SDK: if the SDK builds its
// requests for the fake and parses the fake's answers, the fake speaks OpenAI's wire format.
import OpenAI, { toFile } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { VIDEO_BLOCK_MARKER, VIDEO_BYTES_PER_SECOND, VIDEO_FAIL_MARKER, mp4Brand } from "./fake-video";
import { DOWNLOAD_CHUNK_BYTES, EXPIRES_AFTER_SECONDS, JOB_BLOCKED, JOB_FAILURE } from "./openai-videos";
import { FAKE_PNG_BASE64, startFakeOpenAI, type FakeOpenAI } from "./openai-upstream";

let fake: FakeOpenAI;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  openai = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());
afterEach(() => {
  Object.assign(fake.videos, { stepsToComplete: 3, downloadStatus: null, downloadChunkDelayMs: 0, downloadCutAfterBytes: null });
});

const lastRequest = () => fake.requests.at(-1)!;

async function apiErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

/** Retrieves a job until it is finished; the statuses seen on the way. */
async function untilFinished(id: string) {
  const seen: Array<[string, number]> = [];
  for (let i = 0; i < 20; i++) {
    const video = await openai.videos.retrieve(id);
    seen.push([video.status, video.progress]);
    if (video.status === "completed" || video.status === "failed") return { video, seen };
  }
  throw new Error(`video ${id} never finished`);
}

describe("videos.create", () => {
  it("starts a queued job from a multipart form", async () => {
    const video = await openai.videos.create({ model: "sora-2", prompt: "A cat on a skateboard", seconds: "8", size: "1280x720" });

    expect(video).toMatchObject({ object: "video", status: "queued", progress: 0, model: "sora-2", prompt: "A cat on a skateboard", seconds: "8", size: "1280x720", completed_at: null, error: null });
    expect(video.id).toMatch(/^video_[0-9a-f]{32}$/);
    expect(video.created_at).toBeCloseTo(Date.now() / 1000, -1);
    const request = lastRequest();
    expect(request.path).toBe("/v1/videos");
    expect(request.headers["authorization"]).toBe(`Bearer ${fake.apiKey}`);
    expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.body).toEqual({ model: "sora-2", prompt: "A cat on a skateboard", seconds: "8", size: "1280x720" });
  });

  it("takes OpenAI's defaults and an input_reference image", async () => {
    const image = await toFile(Buffer.from(FAKE_PNG_BASE64, "base64"), "first-frame.png", { type: "image/png" });
    const video = await openai.videos.create({ prompt: "Zoom out", input_reference: image });

    expect(video).toMatchObject({ model: "sora-2", seconds: "4", size: "720x1280" });
    expect(lastRequest().body).toEqual({ prompt: "Zoom out", input_reference: { name: "first-frame.png", type: "image/png", bytes: Buffer.from(FAKE_PNG_BASE64, "base64").length } });
  });

  it("accepts any whole number of seconds and refuses anything else in OpenAI's error shape", async () => {
    const long = await openai.videos.create({ prompt: "Slow pan", seconds: "20" as OpenAI.Videos.VideoSeconds });
    expect(long.seconds).toBe("20");

    const error = await apiErrorOf(openai.videos.create({ prompt: "Slow pan", seconds: "ten" as OpenAI.Videos.VideoSeconds }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", param: "seconds", code: "invalid_value" });
  });

  it("refuses an unknown model, an unknown size, a missing prompt and a reference that is not an image", async () => {
    const model = await apiErrorOf(openai.videos.create({ prompt: "x", model: "sora-3" }));
    expect(model.status).toBe(400);
    expect(model.error).toMatchObject({ param: "model", code: "invalid_value" });

    const size = await apiErrorOf(openai.videos.create({ prompt: "x", size: "640x480" as OpenAI.Videos.VideoSize }));
    expect(size.error).toMatchObject({ param: "size" });

    const prompt = await apiErrorOf(openai.videos.create({} as OpenAI.Videos.VideoCreateParams));
    expect(prompt.error).toMatchObject({ param: "prompt", code: "missing_required_parameter" });

    const reference = await apiErrorOf(openai.videos.create({ prompt: "x", input_reference: await toFile(Buffer.from("text"), "notes.txt", { type: "text/plain" }) }));
    expect(reference.error).toMatchObject({ param: "input_reference" });
  });

  it("plays the model-name scenarios and refuses a wrong key", async () => {
    const limited = await apiErrorOf(openai.videos.create({ prompt: "x", model: "fake-error-429" }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get("retry-after")).toBe("7");

    const stranger = new OpenAI({ apiKey: "sk-wrong", baseURL: fake.url, maxRetries: 0 });
    const denied = await apiErrorOf(stranger.videos.create({ prompt: "x" }));
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(denied.error).toMatchObject({ code: "invalid_api_key" });
  });
});

describe("videos.retrieve", () => {
  it("moves the job a step on every look, then completes it with completed_at and expires_at", async () => {
    fake.videos.stepsToComplete = 4;
    const { id } = await openai.videos.create({ prompt: "Waves" });

    const { video, seen } = await untilFinished(id);
    expect(seen).toEqual([["in_progress", 25], ["in_progress", 50], ["in_progress", 75], ["completed", 100]]);
    expect(video.completed_at).toBeGreaterThanOrEqual(video.created_at);
    expect(video.expires_at).toBe(video.completed_at! + EXPIRES_AFTER_SECONDS);
    // a finished job stays as it is
    expect(await openai.videos.retrieve(id)).toEqual(video);
  });

  it("fails a job whose prompt carries a marker, with OpenAI's error", async () => {
    fake.videos.stepsToComplete = 1;
    const failed = await untilFinished((await openai.videos.create({ prompt: `Waves ${VIDEO_FAIL_MARKER}` })).id);
    expect(failed.video).toMatchObject({ status: "failed", error: JOB_FAILURE, completed_at: null });

    const blocked = await untilFinished((await openai.videos.create({ prompt: `Waves ${VIDEO_BLOCK_MARKER}` })).id);
    expect(blocked.video.error).toEqual(JOB_BLOCKED);
  });

  it("answers 404 for an unknown id", async () => {
    const error = await apiErrorOf(openai.videos.retrieve("video_nope"));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", code: "video_not_found" });
  });
});

describe("videos.downloadContent", () => {
  it("streams the MP4 of a completed job with its length, and the preview variants", async () => {
    fake.videos.stepsToComplete = 1;
    const { id } = await openai.videos.create({ prompt: "Waves", seconds: "8" });
    await untilFinished(id);

    const response = await openai.videos.downloadContent(id);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get("content-length"))).toBe(bytes.length);
    expect(bytes.length).toBe(32 + 8 * VIDEO_BYTES_PER_SECOND);
    expect(mp4Brand(bytes)).toBe("isom");
    expect(bytes.equals(fake.videos.contentOf(id))).toBe(true);
    expect(lastRequest()).toMatchObject({ path: `/v1/videos/${id}/content`, sentBytes: bytes.length, finished: true });
    expect(lastRequest().headers["accept"]).toBe("application/binary");

    const thumbnail = await openai.videos.downloadContent(id, { variant: "thumbnail" });
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    expect(Buffer.from(await thumbnail.arrayBuffer()).toString("ascii", 8, 12)).toBe("WEBP");
    const sprites = await openai.videos.downloadContent(id, { variant: "spritesheet" });
    expect(sprites.headers.get("content-type")).toBe("image/jpeg");
  });

  it("answers 404 in OpenAI's error shape until the job is completed", async () => {
    const { id } = await openai.videos.create({ prompt: "Waves" });
    const error = await apiErrorOf(openai.videos.downloadContent(id));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({ type: "invalid_request_error", code: "video_not_ready" });
  });

  it("fails, slows down or cuts downloads when told to", async () => {
    fake.videos.stepsToComplete = 1;
    const { id } = await openai.videos.create({ prompt: "Waves", seconds: "4" });
    await untilFinished(id);

    fake.videos.downloadStatus = 503;
    const unavailable = await apiErrorOf(openai.videos.downloadContent(id));
    expect(unavailable.status).toBe(503);
    fake.videos.downloadStatus = null;

    fake.videos.downloadChunkDelayMs = 30;
    const started = Date.now();
    const slow = await openai.videos.downloadContent(id);
    expect((await slow.arrayBuffer()).byteLength).toBe(fake.videos.contentOf(id).length);
    const chunks = Math.ceil(fake.videos.contentOf(id).length / DOWNLOAD_CHUNK_BYTES);
    expect(Date.now() - started).toBeGreaterThanOrEqual((chunks - 1) * 30 - 5);
    fake.videos.downloadChunkDelayMs = 0;

    fake.videos.downloadCutAfterBytes = 1000;
    const cut = await openai.videos.downloadContent(id);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    expect(lastRequest()).toMatchObject({ sentBytes: 1000, finished: false });
  });
});

describe("videos.list and videos.delete", () => {
  it("lists with a cursor, newest first by default", async () => {
    const fresh = await startFakeOpenAI();
    try {
      const client = new OpenAI({ apiKey: fresh.apiKey, baseURL: fresh.url, maxRetries: 0 });
      const ids: string[] = [];
      for (const prompt of ["one", "two", "three"]) ids.push((await client.videos.create({ prompt })).id);

      const page = await client.videos.list({ limit: 2 });
      expect(page.data.map((v) => v.id)).toEqual([ids[2], ids[1]]);
      expect(page.has_more).toBe(true);
      expect(page.last_id).toBe(ids[1]);
      expect(fresh.requests.at(-1)!.path).toBe("/v1/videos?limit=2");

      const next = await page.getNextPage();
      expect(next.data.map((v) => v.id)).toEqual([ids[0]]);
      expect(next.has_more).toBe(false);

      const all: string[] = [];
      for await (const video of client.videos.list({ order: "asc", limit: 1 })) all.push(video.id);
      expect(all).toEqual(ids);
    } finally {
      await fresh.close();
    }
  });

  it("deletes a job, after which it is unknown", async () => {
    const { id } = await openai.videos.create({ prompt: "Gone soon" });

    expect(await openai.videos.delete(id)).toEqual({ id, object: "video.deleted", deleted: true });
    expect(lastRequest()).toMatchObject({ method: "DELETE", path: `/v1/videos/${id}` });
    expect(fake.videos.jobs.has(id)).toBe(false);
    const again = await apiErrorOf(openai.videos.delete(id));
    expect(again).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
