import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { finishedVideo } from "../helpers/videos";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startWorkerProcess, type WorkerProcess } from "../helpers/hub-process";

// Video jobs in the production shape: holds in Redis, jobs polled by the BullMQ worker, which stores
// the finished file where the app serves it from (one data directory, a shared volume in compose).

let f: HubFixture;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  f = await startHubFixture({ redis: true, env: { HUB_VIDEO_POLL_MS: "100" } });
  await f.lib.setMode("service_provider", "test");
  // $0.0001 a second: 400 credits for 4 s
  await f.lib.addModel({ name: "sora-cheap", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.0001" }, "test");
  await eventually(() => f.client.models.retrieve("sora-cheap"), 5000);
}, 90_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop("SIGKILL");
  await (await import("@/lib/jobs/bullmq")).closeQueues();
  await f?.close();
});

async function customer(email: string, credits: string) {
  await f.lib.createUser({ email, role: "member" }, "test");
  await f.lib.grantCredits({ userEmail: email, amount: credits }, "test");
  const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
  const accountId = (await f.db.creditAccount.findFirstOrThrow({ where: { user: { email } } })).id;
  return { client: new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }), accountId };
}

const finished = (client: OpenAI, id: string, timeoutMs = 20_000) => finishedVideo(client, id, timeoutMs);

async function settled(accountId: string, expected: bigint) {
  await eventually(async () => {
    const account = await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(account.balanceMicrocredits).toBe(expected);
  }, 15_000);
  const { reconcileLedger } = await import("@/lib/billing/reconcile");
  expect(await reconcileLedger([accountId])).toEqual([]);
}

describe("video jobs with Redis and the worker", () => {
  it("holds concurrent jobs in Redis, and the worker finishes them, keeps their files and charges them", async () => {
    f.upstream.videos.stepsToComplete = 1_000_000;
    const { client, accountId } = await customer("redis-video@test.local", "1000");
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => client.videos.create({ model: "sora-cheap", prompt: "race", seconds: "4" }).catch((e: unknown) => e)));
    const started = outcomes.filter((o): o is OpenAI.Videos.Video => !(o instanceof Error));
    expect(started).toHaveLength(2);
    expect(outcomes.filter((o) => o instanceof OpenAI.APIError && o.status === 402)).toHaveLength(3);
    f.upstream.videos.stepsToComplete = 1;
    for (const video of started) {
      expect((await finished(client, video.id)).status).toBe("completed");
      const job = await f.db.videoJob.findUniqueOrThrow({ where: { id: video.id } });
      const bytes = Buffer.from(await (await client.videos.downloadContent(video.id)).arrayBuffer());
      expect(bytes.equals(f.upstream.videos.contentOf(job.upstreamId))).toBe(true);
    }
    await settled(accountId, 200_000_000n);
  });

  it("picks a job up again after the worker dies mid-job", async () => {
    f.upstream.videos.stepsToComplete = 1_000_000;
    const { client, accountId } = await customer("redis-video-2@test.local", "500");
    const video = await client.videos.create({ model: "sora-cheap", prompt: "outlives its worker", seconds: "4" });
    await eventually(async () => expect((await client.videos.retrieve(video.id)).status).toBe("in_progress"), 10_000);
    await f.worker!.stop("SIGKILL");
    f.upstream.videos.stepsToComplete = 1;
    workers.push(await startWorkerProcess(f.env));
    expect((await finished(client, video.id)).status).toBe("completed");
    await settled(accountId, 100_000_000n);
    expect(await f.db.usageEvent.count({ where: { requestId: (await f.db.videoJob.findUniqueOrThrow({ where: { id: video.id } })).requestId } })).toBe(1);
  });
});
