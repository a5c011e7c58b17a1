import { restoreHolds } from "../../billing/hold-backend";
import { NO_UNITS } from "../../billing/cost";
import { callCharge, callCost, settleCall, type Metered } from "../../billing/settle";
import type { UpstreamVideoState } from "../../canonical/video";
import { db } from "../../db/client";
import { env } from "../../env";
import { log } from "../../log";
import { counter } from "../../metrics";
import { UpstreamError } from "../../providers/upstream-error";
import { isAuthFailure } from "../route-health";
import { deleteVideo, putVideo, VideoTooLargeError } from "./storage";
import { targetOf } from "./upstream";
import { decodeBilling, holdOf, type JobBilling, type VideoJob } from "./store";

// Running video jobs are asked upstream where they are, every HUB_VIDEO_POLL_MS, by whichever
// process runs the hub's jobs (the server without Redis, the worker with it). A job is claimed with
// a lease before it is polled, so two pollers never work on one job; a poller that dies leaves the
// lease to run out and the job is picked up again — the job lives in the database, so a restart
// loses nothing. A finished job's file is copied into the hub's storage, then its hold is settled
// on the real length; a failed or abandoned job releases its hold and charges nothing.

const BATCH = 50;
/** how long a claim lasts unless renewed: short, so a poller that died holds nothing up for long */
const leaseMs = () => Math.max(10 * env().HUB_VIDEO_POLL_MS, 5_000);
/** upstream errors in a row before a job is given up */
const MAX_POLL_FAILURES = 20;
const MAX_BACKOFF_MS = 5 * 60_000;

const finished = counter({ name: "hub_video_jobs_total", help: "Video jobs ended, by outcome", labelNames: ["status"] });

type Ended = { status: "completed"; videoMs: number; reported: boolean } | { status: "failed"; code: string; message: string; httpStatus: number };

/** Claims the due jobs and polls each; how many were polled. */
export async function pollDueVideos(now = new Date()): Promise<number> {
  const due = await db().videoJob.findMany({
    where: { status: { in: ["queued", "in_progress"] }, pollAfter: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    orderBy: { pollAfter: "asc" },
    take: BATCH,
  });
  const polled = await Promise.all(
    due.map(async (job) => {
      const claimed = await db().videoJob.updateMany({
        where: { id: job.id, status: { in: ["queued", "in_progress"] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
        data: { leaseUntil: new Date(now.getTime() + leaseMs()) },
      });
      if (claimed.count !== 1) return false;
      // a long download keeps its claim alive
      const renew = setInterval(() => {
        db().videoJob.update({ where: { id: job.id }, data: { leaseUntil: new Date(Date.now() + leaseMs()) } }).catch(() => undefined);
      }, leaseMs() / 3);
      try {
        await pollVideo(job);
      } catch (error) {
        log.error({ video: job.id, err: (error as Error).message }, "could not poll a video job");
        // asked again once the claim runs out
      } finally {
        clearInterval(renew);
      }
      return true;
    }),
  );
  return polled.filter(Boolean).length;
}

async function pollVideo(job: VideoJob): Promise<void> {
  const billing = decodeBilling(job.billing);
  const hold = holdOf(job, billing);
  if (hold) await restoreHolds(hold);
  const { HUB_VIDEO_MAX_MS } = env();
  if (Date.now() - job.createdAt.getTime() > HUB_VIDEO_MAX_MS) {
    return end(job, billing, null, { status: "failed", code: "video_timeout", message: `The video was not ready within ${Math.round(HUB_VIDEO_MAX_MS / 60_000)} minutes; nothing was charged.`, httpStatus: 504 });
  }
  const target = await targetOf(job);
  if (!target) {
    return end(job, billing, null, { status: "failed", code: "provider_unavailable", message: "The provider that was generating this video is no longer configured on the hub; nothing was charged.", httpStatus: 502 });
  }
  const options = { signal: AbortSignal.timeout(target.timeoutMs), timeoutMs: target.timeoutMs };
  let state: UpstreamVideoState;
  try {
    state = await target.adapter.video!.status(job.upstreamId, target.upstream, options);
    if (state.status === "completed") {
      const content = await target.adapter.video!.download(job.upstreamId, target.upstream, options);
      const bytes = await putVideo(job.id, content.body, env().HUB_MAX_VIDEO_BYTES);
      await db().videoJob.update({ where: { id: job.id }, data: { fileKey: job.id, fileBytes: bytes, contentType: content.contentType } });
      const reported = state.seconds !== null;
      return end(job, billing, target.providerName, { status: "completed", videoMs: Math.round((state.seconds ?? job.seconds) * 1000), reported });
    }
  } catch (error) {
    if (error instanceof VideoTooLargeError) {
      return end(job, billing, target.providerName, { status: "failed", code: "video_too_large", message: `The generated video is larger than the hub keeps (${error.limit} bytes); nothing was charged.`, httpStatus: 502 });
    }
    // a download cut short surfaces as the stream's own error: asked again like any upstream failure
    const failure = error instanceof UpstreamError ? error : new UpstreamError({ kind: "connection", message: `the video download failed: ${(error as Error).message}` });
    return retryLater(job, billing, target.providerName, failure);
  }
  if (state.status === "failed") {
    return end(job, billing, target.providerName, { status: "failed", code: state.error.code, message: state.error.message, httpStatus: 502 });
  }
  await db().videoJob.update({
    where: { id: job.id },
    data: { status: state.status, progress: Math.max(0, Math.min(99, Math.round(state.progress))), pollFailures: 0, leaseUntil: null, pollAfter: new Date(Date.now() + env().HUB_VIDEO_POLL_MS) },
  });
}

/** An upstream that could not answer: asked again later, backing off, until it has failed too often. */
async function retryLater(job: VideoJob, billing: JobBilling, providerName: string, error: UpstreamError): Promise<void> {
  const failures = job.pollFailures + 1;
  log.warn({ video: job.id, provider: providerName, kind: error.kind, status: error.status, failures }, "video job poll failed");
  if (isAuthFailure(error) || failures >= MAX_POLL_FAILURES) {
    return end(job, billing, providerName, { status: "failed", code: "upstream_unavailable", message: "The provider stopped answering about this video; nothing was charged.", httpStatus: 502 });
  }
  const backoff = Math.min(env().HUB_VIDEO_POLL_MS * 2 ** failures, MAX_BACKOFF_MS);
  await db().videoJob.update({ where: { id: job.id }, data: { pollFailures: failures, leaseUntil: null, pollAfter: new Date(Date.now() + backoff) } });
}

/**
 * Settles the job's hold — the real length at its price, or nothing — with one usage event under the
 * create call's request id (written once, however often this runs), then records how it ended.
 */
async function end(job: VideoJob, stored: JobBilling, providerName: string | null, ended: Ended): Promise<void> {
  const videoMs = ended.status === "completed" ? ended.videoMs : 0;
  const metered: Metered = { price: stored.price, usage: null, units: { ...NO_UNITS, videoMs }, billing: stored.billing };
  const cost = callCost(metered);
  const now = new Date();
  settleCall(metered, {
    requestId: job.requestId,
    endpoint: "videos",
    stream: false,
    apiKeyId: job.apiKeyId || null,
    userId: job.userId,
    teamId: job.teamId,
    requestedModel: job.requestedModel,
    modelId: job.modelId,
    providerId: job.providerId,
    providerName,
    credentialId: job.credentialId,
    deploymentId: job.deploymentId,
    attempts: 1,
    upstreamModel: job.upstreamModel,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    images: 0,
    audioMs: 0,
    characters: 0,
    videoMs,
    // Veo does not say how long its clip is: it is charged the seconds it was asked for
    usageSource: ended.status === "completed" && !ended.reported ? "estimated" : "upstream",
    costNanoUsd: cost,
    chargeMicrocredits: callCharge(metered, cost),
    latencyMs: now.getTime() - job.createdAt.getTime(),
    ttfbMs: null,
    status: ended.status === "completed" ? 200 : ended.httpStatus,
    errorCode: ended.status === "failed" ? ended.code : null,
    errorMessage: ended.status === "failed" ? ended.message.slice(0, 500) : null,
    startedAt: job.createdAt,
  });
  finished.inc({ status: ended.status });
  await db().videoJob.update({
    where: { id: job.id },
    data:
      ended.status === "completed"
        ? { status: "completed", progress: 100, videoMs, settled: true, completedAt: now, expiresAt: new Date(now.getTime() + env().HUB_VIDEO_RETENTION_MS), leaseUntil: null }
        : { status: "failed", errorCode: ended.code, errorMessage: ended.message.slice(0, 500), settled: true, completedAt: now, leaseUntil: null },
  });
}

/** Deletes the files of finished videos whose time is up; the jobs stay, marked expired by their expiry. */
export async function expireVideos(now = new Date()): Promise<number> {
  const expired = await db().videoJob.findMany({ where: { expiresAt: { lt: now }, fileKey: { not: null } }, select: { id: true, fileKey: true }, take: 500 });
  for (const { id, fileKey } of expired) {
    await deleteVideo(fileKey!);
    await db().videoJob.update({ where: { id }, data: { fileKey: null } });
  }
  return expired.length;
}

/**
 * Puts back the holds of the jobs still running, before this process admits any call: holds kept
 * in this process's memory (SQLite) were lost with the process that placed them.
 */
export async function restoreVideoHolds(): Promise<number> {
  const running = await db().videoJob.findMany({ where: { settled: false }, select: { requestId: true, billing: true } });
  let restored = 0;
  for (const job of running) {
    const hold = holdOf(job, decodeBilling(job.billing));
    if (!hold) continue;
    await restoreHolds(hold);
    restored++;
  }
  return restored;
}
