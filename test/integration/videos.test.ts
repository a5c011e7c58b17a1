import { readFileSync } from "node:fs";
import OpenAI, { toFile } from "openai";
import { AIGNEHubVideoModel } from "@aigne/aigne-hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mp4Brand, VIDEO_FAIL_MARKER } from "../fakes/fake-video";
import { startFakeGemini, type FakeGemini } from "../fakes/gemini-upstream";
import { eventually } from "../helpers/eventually";
import { finishedVideo } from "../helpers/videos";
import { startHubFixture, MEMBER, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess } from "../helpers/hub-process";

// Video generation through the hub, with the real `openai` SDK on both sides and fakes that run
// asynchronous jobs the way Sora and Veo do: the job the hub keeps, how it is polled, what is kept and
// charged when it ends, who may see it, and that holds bound every job — across a restart too.

let f: HubFixture;
let gemini: FakeGemini;
const POLL_MS = 100;
/** hubs started again by a test, stopped with the fixture */
const restarted: Array<Awaited<ReturnType<typeof startHubProcess>>> = [];

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_VIDEO_POLL_MS: String(POLL_MS) } });
  gemini = await startFakeGemini();
  await f.lib.addProvider({ type: "gemini", name: "google", baseUrl: gemini.url, apiKey: gemini.apiKey }, "test");
  const add = (input: Parameters<typeof f.lib.addModel>[0]) => f.lib.addModel(input, "test");
  // $0.10 a second of video
  await add({ name: "sora", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.1" });
  await add({ name: "veo", provider: "google", upstreamModel: "veo-3.0-fast-generate-001", type: "video", videoUsdPerSecond: "0.15" });
  await eventually(() => f.client.models.retrieve("veo"), 5000);
}, 60_000);

afterAll(async () => {
  for (const hub of restarted) await hub.stop("SIGKILL");
  await f?.close();
  await gemini?.close();
});

const finished = (client: OpenAI, id: string, timeoutMs = 10_000) => finishedVideo(client, id, timeoutMs);

const jobOf = (id: string) => f.db.videoJob.findUniqueOrThrow({ where: { id } });

async function member(email: string, models?: string[]) {
  if (!(await f.db.user.findUnique({ where: { email } }))) await f.lib.createUser({ email, role: "member" }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email, ...(models ? { models } : {}) }, "test");
  return new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
}

describe("OpenAI's /v1/videos", () => {
  it("starts a job, reports its progress, keeps the finished file and meters its seconds", async () => {
    f.upstream.videos.stepsToComplete = 4;
    const created = await f.client.videos.create({ model: "sora", prompt: "A paper boat on a rainy street", seconds: "8", size: "1280x720" });
    expect(created).toMatchObject({ object: "video", status: "queued", model: "sora", seconds: "8", size: "1280x720", progress: 0, error: null });
    expect(created.id).toMatch(/^video_[0-9a-f]{32}$/);
    const job = await jobOf(created.id);
    // the upstream got the request under its own model name; its id stays the hub's business
    const upstream = f.upstream.videos.jobs.get(job.upstreamId)!;
    expect(upstream).toMatchObject({ model: "sora-2", seconds: "8", size: "1280x720", prompt: "A paper boat on a rainy street" });
    expect(created.id).not.toContain(job.upstreamId);

    const progress = new Set<number>();
    const { value: done } = await eventually(async () => {
      const video = await f.client.videos.retrieve(created.id);
      progress.add(video.progress);
      expect(video.status).toBe("completed");
      return video;
    }, 10_000);
    expect(done).toMatchObject({ progress: 100, error: null });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);
    expect(done.expires_at).toBeGreaterThan(done.completed_at!);
    expect([...progress].some((p) => p > 0 && p < 100)).toBe(true);

    const content = await f.client.videos.downloadContent(created.id);
    expect(content.headers.get("content-type")).toBe("video/mp4");
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(bytes.equals(f.upstream.videos.contentOf(job.upstreamId))).toBe(true);
    expect(mp4Brand(bytes)).not.toBeNull();

    // 8 s at $0.10 a second
    const event = await f.usageEvent(job.requestId);
    expect(event).toMatchObject({ endpoint: "videos", requestedModel: "sora", upstreamModel: "sora-2", videoMs: 8000, costNanoUsd: 800_000_000n, status: 200, usageSource: "upstream" });
  });

  it("lists the caller's videos newest first, with a cursor, and deletes a finished one", async () => {
    f.upstream.videos.stepsToComplete = 1;
    const client = await member("lister@test.local");
    const a = await client.videos.create({ model: "sora", prompt: "first" });
    const b = await client.videos.create({ model: "sora", prompt: "second" });
    const page = await client.videos.list({ limit: 1 });
    expect(page.data.map((v) => v.id)).toEqual([b.id]);
    expect(page.has_more).toBe(true);
    const all = [];
    for await (const video of client.videos.list({ limit: 1 })) all.push(video.id);
    expect(all).toEqual([b.id, a.id]);
    expect((await client.videos.list({ order: "asc" })).data.map((v) => v.id)).toEqual([a.id, b.id]);

    await finished(client, a.id);
    const deleted = await client.videos.delete(a.id);
    expect(deleted).toEqual({ id: a.id, object: "video.deleted", deleted: true });
    await expect(client.videos.retrieve(a.id)).rejects.toMatchObject({ status: 404, code: "video_not_found" });
    await expect(client.videos.downloadContent(a.id)).rejects.toMatchObject({ status: 404 });
    expect(f.upstream.videos.jobs.has((await f.db.videoJob.findFirstOrThrow({ where: { id: b.id } })).upstreamId)).toBe(true);
  });

  it("refuses to delete a running job, whose hold is still to settle", async () => {
    f.upstream.videos.stepsToComplete = 1_000;
    const running = await f.client.videos.create({ model: "sora", prompt: "slow" });
    await expect(f.client.videos.delete(running.id)).rejects.toMatchObject({ status: 409, code: "video_in_progress" });
    await expect(f.client.videos.downloadContent(running.id)).rejects.toMatchObject({ status: 404, code: "video_not_ready" });
    f.upstream.videos.stepsToComplete = 1;
    await finished(f.client, running.id);
  });

  it("shows a video to its owner's keys only, and not to a key that may not use its model", async () => {
    f.upstream.videos.stepsToComplete = 1;
    const video = await f.client.videos.create({ model: "sora", prompt: "private" });
    await finished(f.client, video.id);
    const stranger = await member("stranger@test.local");
    const narrow = await member(MEMBER, ["gpt-4o-mini"]);
    for (const client of [stranger, narrow]) {
      await expect(client.videos.retrieve(video.id)).rejects.toMatchObject({ status: 404, code: "video_not_found" });
      await expect(client.videos.downloadContent(video.id)).rejects.toMatchObject({ status: 404, code: "video_not_found" });
      await expect(client.videos.delete(video.id)).rejects.toMatchObject({ status: 404, code: "video_not_found" });
      expect((await client.videos.list()).data.map((v) => v.id)).not.toContain(video.id);
    }
    // nor without a key at all
    expect((await fetch(`${f.hub.baseURL}/videos/${video.id}/content`)).status).toBe(401);
    expect((await f.client.videos.retrieve(video.id)).status).toBe("completed");
  });

  it("records a failed job with the upstream's reason and charges it nothing", async () => {
    f.upstream.videos.stepsToComplete = 2;
    const video = await f.client.videos.create({ model: "sora", prompt: `A storm ${VIDEO_FAIL_MARKER}` });
    const failed = await finished(f.client, video.id);
    expect(failed).toMatchObject({ status: "failed", error: { code: "internal_error", message: expect.stringContaining("failed") } });
    const event = await f.usageEvent((await jobOf(video.id)).requestId);
    expect(event).toMatchObject({ videoMs: 0, costNanoUsd: 0n, chargeMicrocredits: 0n, status: 502, errorCode: "internal_error" });
  });

  it("asks again when a download is cut short, and keeps only the whole file", async () => {
    f.upstream.videos.stepsToComplete = 1;
    f.upstream.videos.downloadCutAfterBytes = 1000;
    try {
      const video = await f.client.videos.create({ model: "sora", prompt: "a shaky connection", seconds: "4" });
      await eventually(async () => expect((await jobOf(video.id)).pollFailures).toBeGreaterThan(0), 10_000);
      expect((await f.client.videos.retrieve(video.id)).status).not.toBe("completed");
      f.upstream.videos.downloadCutAfterBytes = null;
      expect((await finished(f.client, video.id)).status).toBe("completed");
      const bytes = Buffer.from(await (await f.client.videos.downloadContent(video.id)).arrayBuffer());
      expect(bytes.equals(f.upstream.videos.contentOf((await jobOf(video.id)).upstreamId))).toBe(true);
    } finally {
      f.upstream.videos.downloadCutAfterBytes = null;
    }
  });

  it("checks what it is asked before starting anything upstream", async () => {
    const before = f.upstream.videos.jobs.size;
    await expect(f.client.videos.create({ model: "sora", prompt: "x", seconds: "999" as "4" })).rejects.toMatchObject({ status: 400, param: "seconds" });
    await expect(f.client.videos.create({ model: "sora", prompt: "x", size: "9999x9999" as "1280x720" })).rejects.toMatchObject({ status: 400, param: "size" });
    await expect(f.client.videos.create({ model: "gpt-4o-mini", prompt: "x" })).rejects.toMatchObject({ status: 400, code: "wrong_model_type" });
    await expect(f.client.videos.create({ model: "sora", prompt: "x", bogus: 1 } as never)).rejects.toMatchObject({ status: 400, code: "unknown_parameter" });
    const huge = await toFile(Buffer.alloc(11 * 1024 * 1024), "ref.png", { type: "image/png" });
    await expect(f.client.videos.create({ model: "sora", prompt: "x", input_reference: huge })).rejects.toMatchObject({ status: 413, code: "file_too_large" });
    const text = await toFile(Buffer.from("not an image"), "ref.txt", { type: "text/plain" });
    await expect(f.client.videos.create({ model: "sora", prompt: "x", input_reference: text })).rejects.toMatchObject({ status: 400, param: "input_reference" });
    await expect(f.client.videos.downloadContent("video_nope")).rejects.toMatchObject({ status: 404 });
    expect(f.upstream.videos.jobs.size).toBe(before);
  });

  it("sends a reference image upstream as it was uploaded", async () => {
    f.upstream.videos.stepsToComplete = 1;
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    const video = await f.client.videos.create({ model: "sora", prompt: "from a picture", input_reference: await toFile(png, "start.png", { type: "image/png" }) });
    const record = f.upstream.requests.filter((r) => r.path === "/v1/videos" && r.method === "POST").at(-1)!;
    expect(record.body).toMatchObject({ prompt: "from a picture", input_reference: { name: "start.png", type: "image/png", bytes: png.length } });
    await finished(f.client, video.id);
  });
});

describe("Gemini Veo (long-running operations)", () => {
  it("starts a Veo operation, polls it and keeps the file; charged the seconds asked (Veo reports none)", async () => {
    const video = await f.client.videos.create({ model: "veo", prompt: "A lighthouse at dusk", seconds: "8", size: "1920x1080" as "1280x720" });
    const done = await finished(f.client, video.id);
    expect(done.status).toBe("completed");
    const bytes = Buffer.from(await (await f.client.videos.downloadContent(video.id)).arrayBuffer());
    expect(mp4Brand(bytes)).not.toBeNull();
    const start = gemini.requests.find((r) => r.path.endsWith(":predictLongRunning"))!;
    expect(start.body).toMatchObject({ instances: [{ prompt: "A lighthouse at dusk" }], parameters: { durationSeconds: 8, aspectRatio: "16:9", resolution: "1080p" } });
    const event = await f.usageEvent((await jobOf(video.id)).requestId);
    // 8 s at $0.15
    expect(event).toMatchObject({ endpoint: "videos", videoMs: 8000, costNanoUsd: 1_200_000_000n, usageSource: "estimated", status: 200 });
  });
});

describe("the AIGNE Hub protocol's /api/v2/video", () => {
  it("answers the published client with a signed link to the finished video", async () => {
    f.upstream.videos.stepsToComplete = 2;
    const model = new AIGNEHubVideoModel({ baseURL: f.hub.url, apiKey: f.apiKey, model: "sora" });
    const output = await model.invoke({ prompt: "A kite over the sea", seconds: "4", outputFileType: "url" });
    expect(output.videos, JSON.stringify(output)).toHaveLength(1);
    const [video] = output.videos as Array<{ type: string; url: string; mimeType: string }>;
    expect(video).toMatchObject({ type: "url", mimeType: "video/mp4" });
    const url = new URL(video!.url);
    expect(url.origin).toBe(f.hub.url);
    // the link works without the key…
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const id = url.pathname.split("/").at(-1)!;
    expect(bytes.equals(f.upstream.videos.contentOf((await jobOf(id)).upstreamId))).toBe(true);
    // …and only as signed: another video, a later expiry or a forged signature are refused
    const other = await f.client.videos.create({ model: "sora", prompt: "someone else's" });
    await finished(f.client, other.id);
    for (const forged of [
      video!.url.replace(id, other.id),
      video!.url.replace(/expires=\d+/, `expires=${Math.floor(Date.now() / 1000) + 86_400 * 365}`),
      video!.url.replace(/signature=[^&]+/, "signature=AAAA"),
    ]) {
      expect((await fetch(forged)).status).toBe(403);
    }
  });

  it("lets the framework fetch the video through the link into a local file, its default", async () => {
    f.upstream.videos.stepsToComplete = 1;
    const model = new AIGNEHubVideoModel({ baseURL: f.hub.url, apiKey: f.apiKey, model: "sora" });
    const output = await model.invoke({ prompt: "A local copy", seconds: "4" });
    const [video] = output.videos as Array<{ type: string; path: string }>;
    expect(video).toMatchObject({ type: "local" });
    const job = await f.db.videoJob.findFirstOrThrow({ where: { prompt: "A local copy" } });
    expect(readFileSync(video!.path).equals(f.upstream.videos.contentOf(job.upstreamId))).toBe(true);
  });

  it("answers a failed job with an error and no charge", async () => {
    f.upstream.videos.stepsToComplete = 1;
    const res = await fetch(`${f.hub.url}/api/v2/video`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: `x ${VIDEO_FAIL_MARKER}`, modelOptions: { model: "sora" }, outputFileType: "url" } }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: "internal_error" } });
  });
});

describe("holds in Service Provider mode", () => {
  let n = 0;
  async function customer(credits: string) {
    const email = `video-buyer-${++n}@test.local`;
    await f.lib.createUser({ email, role: "member" }, "test");
    const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
    await f.lib.grantCredits({ userEmail: email, amount: credits, note: "seed" }, "test");
    const accountId = (await f.db.creditAccount.findFirstOrThrow({ where: { user: { email } } })).id;
    return { client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }), accountId, secret };
  }

  async function settled(accountId: string, expected: bigint) {
    await eventually(async () => {
      const account = await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } });
      expect(account.heldMicrocredits).toBe(0n);
      expect(account.balanceMicrocredits).toBe(expected);
    }, 15_000);
    const { reconcileLedger } = await import("@/lib/billing/reconcile");
    expect(await reconcileLedger([accountId])).toEqual([]);
  }

  beforeAll(async () => {
    await f.lib.setMode("service_provider", "test");
    // $0.0001 a second: 400 credits for 4 s
    await f.lib.addModel({ name: "sora-cheap", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.0001" }, "test");
    await eventually(() => f.client.models.retrieve("sora-cheap"), 5000);
  });

  it("never lets concurrent jobs hold more than the balance; each is charged its real length when it ends", async () => {
    f.upstream.videos.stepsToComplete = 1_000_000;
    // 1,000 credits pay for two 4-second videos
    const { client, accountId } = await customer("1000");
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.videos.create({ model: "sora-cheap", prompt: "race", seconds: "4" }).catch((e: unknown) => e)));
    const started = outcomes.filter((o): o is OpenAI.Videos.Video => !(o instanceof Error));
    const refused = outcomes.filter((o) => o instanceof OpenAI.APIError && o.status === 402);
    expect(started).toHaveLength(2);
    expect(refused).toHaveLength(4);
    // still held while they run (wherever the hub keeps its holds): nothing more starts
    expect((await client.videos.retrieve(started[0]!.id)).status).not.toBe("completed");
    await expect(client.videos.create({ model: "sora-cheap", prompt: "one more", seconds: "4" })).rejects.toMatchObject({ status: 402 });
    f.upstream.videos.stepsToComplete = 1;
    for (const video of started) await finished(client, video.id);
    await settled(accountId, 1_000_000_000n - 2n * 400_000_000n);
  });

  it("releases the hold of a failed job", async () => {
    f.upstream.videos.stepsToComplete = 2;
    const { client, accountId } = await customer("500");
    const video = await client.videos.create({ model: "sora-cheap", prompt: `fails ${VIDEO_FAIL_MARKER}`, seconds: "4" });
    await expect(client.videos.create({ model: "sora-cheap", prompt: "no room", seconds: "4" })).rejects.toMatchObject({ status: 402 });
    expect((await finished(client, video.id)).status).toBe("failed");
    await settled(accountId, 500_000_000n);
    // the released hold pays for the next one
    const next = await client.videos.create({ model: "sora-cheap", prompt: "room again", seconds: "4" });
    expect((await finished(client, next.id)).status).toBe("completed");
    await settled(accountId, 100_000_000n);
  });

  it("reports the charge to the AIGNE client in credits", async () => {
    f.upstream.videos.stepsToComplete = 1;
    const { secret } = await customer("1000");
    const model = new AIGNEHubVideoModel({ baseURL: f.hub.url, apiKey: secret, model: "sora-cheap" });
    const output = await model.invoke({ prompt: "paid", seconds: "4" });
    expect(output.usage).toMatchObject({ aigneHubCredits: 400 });
  });

  it("loses nothing when the hub restarts while a job runs: the hold is back before the first call, and the job ends and is charged once", async () => {
    f.upstream.videos.stepsToComplete = 1_000_000;
    const { client, accountId, secret } = await customer("500");
    const video = await client.videos.create({ model: "sora-cheap", prompt: "across a restart", seconds: "4" });
    await f.hub.stop("SIGKILL");
    const hub = await startHubProcess(f.env);
    restarted.push(hub);
    const after = new OpenAI({ baseURL: hub.baseURL, apiKey: secret, maxRetries: 0 });
    // the running job's hold is there again: the 100 credits left cannot pay for another
    await expect(after.videos.create({ model: "sora-cheap", prompt: "overspend", seconds: "4" })).rejects.toMatchObject({ status: 402 });
    f.upstream.videos.stepsToComplete = 1;
    // a claim the killed hub held runs out first (at most 5 s here)
    expect((await finished(after, video.id, 20_000)).status).toBe("completed");
    expect((await after.videos.downloadContent(video.id)).status).toBe(200);
    await settled(accountId, 100_000_000n);
    expect(await f.db.usageEvent.count({ where: { requestId: (await jobOf(video.id)).requestId } })).toBe(1);
  });
});
