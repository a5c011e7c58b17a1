import { z } from "zod";
import { db } from "../../db/client";
import { ApiError } from "../../http/api-error";
import type { InboundRequest } from "../../http/inbound";
import { Reply } from "../../http/reply";
import { formatCredits } from "../../money";
import { type VideoReference } from "../../canonical/video";
import type { CallContext } from "../context";
import { invalidRequest } from "../errors";
import { aigneVideoRequestSchema, type aigneContentSchema } from "../protocols/aigne-hub/schema";
import { checkedReference, parseVideoRequest, startVideo, videoRequestOf } from "./create";
import { linkValid, videoLink } from "./links";
import { getVideo, deleteVideo as deleteFile } from "./storage";
import { findVideo, listVideos, videoNotFound, videoObject, jobCharge, type VideoJob } from "./store";
import { targetOf } from "./upstream";
import { log } from "../../log";

// OpenAI's /v1/videos (create, retrieve, list, delete, download) and the AIGNE Hub protocol's
// /api/v2/video, over the hub's own jobs (store.ts). Every read is scoped to the caller (store.ts);
// a video's file is served from the hub's storage, never fetched from the upstream on a client's behalf.

/** POST /v1/videos */
export async function createVideo(ctx: CallContext, request: InboundRequest) {
  return videoObject(await startVideo(ctx, await parseVideoRequest(request)));
}

/** GET /v1/videos/{id} */
export async function retrieveVideo(ctx: CallContext, id: string) {
  return videoObject(await findVideo(ctx.principal, id));
}

export const listQuery = z.object({
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
});

/** GET /v1/videos */
export async function listCallerVideos(ctx: CallContext, query: z.infer<typeof listQuery>) {
  return listVideos(ctx.principal, query);
}

/** DELETE /v1/videos/{id}: the file, the upstream's copy (best effort) and the job; a running job cannot be. */
export async function deleteVideo(ctx: CallContext, id: string) {
  const job = await findVideo(ctx.principal, id);
  if (job.status === "queued" || job.status === "in_progress") {
    // its hold and its charge are still to settle: the job must end first
    throw new ApiError({ status: 409, type: "invalid_request_error", code: "video_in_progress", param: "video_id", message: `The video '${id}' is still being generated; delete it once it has completed or failed.` });
  }
  if (job.fileKey) await deleteFile(job.fileKey);
  await deleteUpstream(job);
  await db().videoJob.delete({ where: { id: job.id } });
  return { id: job.id, object: "video.deleted", deleted: true };
}

async function deleteUpstream(job: VideoJob): Promise<void> {
  const target = await targetOf(job);
  if (!target) return;
  const timeoutMs = 30_000;
  await target.adapter.video!
    .delete(job.upstreamId, target.upstream, { signal: AbortSignal.timeout(timeoutMs), timeoutMs })
    .catch((error: Error) => log.warn({ video: job.id, err: error.message }, "could not delete a video upstream"));
}

export const contentQuery = z.object({ variant: z.enum(["video", "thumbnail", "spritesheet"]).default("video") });

/** The job's file as a download; 404 while it is not ready, once it expired, or when it never was. */
async function fileReply(job: VideoJob): Promise<Reply> {
  if (job.status !== "completed") {
    throw new ApiError({ status: 404, type: "invalid_request_error", code: "video_not_ready", param: "video_id", message: `The video '${job.id}' is ${job.status === "failed" ? "failed" : "not ready yet"}; it has no content.` });
  }
  const file = job.fileKey ? await getVideo(job.fileKey) : null;
  if (!file) throw new ApiError({ status: 404, type: "invalid_request_error", code: "video_expired", param: "video_id", message: `The video '${job.id}' has expired; its file was deleted.` });
  return Reply.stream(file.body, {
    "content-type": job.contentType ?? "video/mp4",
    "content-length": String(file.bytes),
    "content-disposition": `attachment; filename="${job.id}.mp4"`,
    "cache-control": "private, no-store",
  });
}

/** GET /v1/videos/{id}/content */
export async function videoContent(ctx: CallContext, id: string, query: z.infer<typeof contentQuery>): Promise<Reply> {
  const job = await findVideo(ctx.principal, id);
  if (query.variant !== "video") throw invalidRequest(`The hub keeps the video itself only; '${query.variant}' is not available.`, "unsupported_variant", "variant");
  return fileReply(job);
}

export const linkQuery = z.object({ expires: z.coerce.number().int(), signature: z.string().max(128) });

/** GET /api/v2/video/files/{id}?expires=…&signature=…: a signed link (links.ts) instead of a key. */
export async function linkedVideo(id: string, query: z.infer<typeof linkQuery>): Promise<Reply> {
  if (!linkValid(id, query.expires, query.signature)) {
    throw new ApiError({ status: 403, type: "permission_error", code: "invalid_link", message: "This video link is invalid or has expired." });
  }
  const job = await db().videoJob.findUnique({ where: { id } });
  if (!job) throw videoNotFound(id);
  return fileReply(job);
}

// ---- the AIGNE Hub protocol: one call that answers with the finished video ----

export { aigneVideoRequestSchema };

/** How long the call waits for the job: the published client gives up after three minutes. */
const AIGNE_WAIT_MS = 170_000;
const WAIT_STEP_MS = 250;

function referenceOf(image: z.infer<typeof aigneContentSchema> | undefined): VideoReference | null {
  if (!image) return null;
  if (image.type !== "file") throw invalidRequest("input.image must be a file ({type: 'file', data: base64}); the hub does not fetch URLs or read paths.", "unsupported_content", "input.image");
  return checkedReference({ bytes: new Uint8Array(Buffer.from(image.data, "base64")), name: "reference", type: image.mimeType ?? "image/png" }, "input.image");
}

/** POST /api/v2/video: starts the job, waits for it, and answers with a link to the video. */
export async function aigneVideo(ctx: CallContext, body: z.infer<typeof aigneVideoRequestSchema>) {
  const { input } = body;
  const model = input.model ?? input.modelOptions?.model;
  if (!model) throw invalidRequest("input.model is required.", "missing_model", "input.model");
  const request = videoRequestOf({ model, prompt: input.prompt, ...(input.seconds !== undefined ? { seconds: input.seconds } : {}), ...(input.size ? { size: input.size } : {}) }, referenceOf(input.image));
  const started = await startVideo(ctx, request);
  const deadline = Date.now() + AIGNE_WAIT_MS;
  let job: VideoJob | null = started;
  while (job && (job.status === "queued" || job.status === "in_progress")) {
    if (Date.now() > deadline || ctx.abort.signal.aborted) {
      throw new ApiError({ status: 504, type: "timeout_error", code: "video_pending", message: `The video is still being generated; fetch it later as '${started.id}' from /v1/videos.` });
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    job = await db().videoJob.findUnique({ where: { id: started.id } });
  }
  if (!job) throw videoNotFound(started.id);
  if (job.status === "failed") {
    throw new ApiError({ status: 502, type: "upstream_error", code: job.errorCode ?? "video_failed", message: job.errorMessage ?? "The video could not be generated; nothing was charged." });
  }
  const paid = ctx.call.billing?.mode === "service_provider";
  return {
    videos: [{ type: "url", url: videoLink(ctx.origin, job.id, job.expiresAt), mimeType: job.contentType ?? "video/mp4", filename: `${job.id}.mp4` }],
    model,
    seconds: job.videoMs / 1000,
    usage: { inputTokens: 0, outputTokens: 0, ...(paid ? { aigneHubCredits: Number(formatCredits(jobCharge(job))) } : {}) },
  };
}
