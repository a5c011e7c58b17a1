import { env } from "../../env";
import { db } from "../../db/client";
import { uuidv7 } from "../../ids";
import { ApiError } from "../../http/api-error";
import type { InboundRequest } from "../../http/inbound";
import { settings } from "../../settings";
import { videoFieldsSchema, type VideoReference, type VideoRequest } from "../../canonical/video";
import type { CallContext } from "../context";
import { fromZodError, invalidRequest, unsupported } from "../errors";
import { withFailover } from "../failover";
import { isMultipart, readUploadForm } from "../multipart-form";
import { admit } from "../policy";
import { planRoute } from "../route";
import { callOptions } from "../upstream-call";
import { readJson } from "../with-api-key";
import { encodeBilling, type VideoJob } from "./store";

// Starting a video: the request is read within bounds, routed, and held for its whole length
// (seconds × the model's per-second price) before the upstream job starts. The hold outlives this
// call: it belongs to the job, which settles it when the upstream finishes (poll.ts).

/** OpenAI's own cap on a reference image. */
const MAX_REFERENCE_BYTES = 10 * 1024 * 1024;
const REFERENCE_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);
const FIELDS = new Set([...Object.keys(videoFieldsSchema.shape), "input_reference"]);

/** A reference image as the upstreams take it: a JPEG, PNG or WebP of at most 10 MiB. */
export function checkedReference(reference: VideoReference, param: string): VideoReference {
  if (!REFERENCE_TYPES.has(reference.type)) throw invalidRequest(`'${param}' must be a JPEG, PNG or WebP image.`, "invalid_file", param);
  if (reference.bytes.byteLength > MAX_REFERENCE_BYTES) throw invalidRequest(`'${param}' is larger than 10 MiB.`, "file_too_large", param);
  return reference;
}

/** How long a job's hold lasts: as long as the job may run, and a poll interval to settle it. */
export const videoHoldTtlMs = () => env().HUB_VIDEO_MAX_MS + 2 * env().HUB_VIDEO_POLL_MS + 60_000;

/** The create request from a multipart form (what the OpenAI SDK sends) or a JSON body. */
async function readVideoRequest(request: InboundRequest): Promise<{ fields: Record<string, unknown>; reference: VideoReference | null }> {
  if (isMultipart(request)) {
    const { fields, file } = await readUploadForm(request, { fileField: "input_reference", maxFileBytes: MAX_REFERENCE_BYTES, what: "reference image" });
    return { fields, reference: file ? checkedReference({ ...file, name: file.name || "reference" }, "input_reference") : null };
  }
  const body = await readJson(request);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw invalidRequest("The request body must be a JSON object.", "invalid_json");
  const fields = body as Record<string, unknown>;
  // a URL would make the hub fetch what the caller names; an upload says exactly what is sent
  if (fields.input_reference !== undefined) {
    throw invalidRequest("Send 'input_reference' as an image file in a multipart/form-data request.", "unsupported_parameter", "input_reference");
  }
  return { fields, reference: null };
}

/** Reads and checks the request; the canonical video request. */
export async function parseVideoRequest(request: InboundRequest): Promise<VideoRequest> {
  const { fields, reference } = await readVideoRequest(request);
  return videoRequestOf(fields, reference);
}

export function videoRequestOf(fields: Record<string, unknown>, reference: VideoReference | null): VideoRequest {
  const unknown = Object.keys(fields).find((key) => !FIELDS.has(key));
  if (unknown) throw invalidRequest(`Unrecognized request argument supplied: ${unknown}`, "unknown_parameter", unknown);
  const parsed = videoFieldsSchema.safeParse(fields);
  if (!parsed.success) throw fromZodError(parsed.error);
  return { ...parsed.data, inputReference: reference };
}

/** Routes, holds and starts the job upstream; the stored job. */
export async function startVideo(ctx: CallContext, request: VideoRequest): Promise<VideoJob> {
  ctx.call.requestedModel = request.model;
  const plan = await planRoute(ctx, request.model, "video");
  // a reseller's video model with no per-second price would give videos away
  if (plan.price && plan.price.videoNanoUsdPerSecond === null && (await settings()).mode === "service_provider") {
    throw new ApiError({ status: 503, type: "service_unavailable", code: "model_not_priced", message: `The model '${request.model}' has no per-second video price yet; an administrator must set one.` });
  }
  const holdTtlMs = videoHoldTtlMs();
  await admit(ctx, plan, { promptTokens: 0, outputTokens: 0, videoMs: request.seconds * 1000 }, { holdTtlMs });
  const { value: started, target } = await withFailover(ctx, plan, (target) => {
    if (!target.adapter.video) throw unsupported(target.upstream.provider.name, "video generation");
    return target.adapter.video.create(request, target.upstream, callOptions(ctx, target));
  });
  const route = ctx.call.route!;
  const job = await db().videoJob.create({
    data: {
      id: `video_${uuidv7().replaceAll("-", "")}`,
      requestId: ctx.call.requestId,
      apiKeyId: ctx.principal.keyId ?? "",
      userId: ctx.principal.userId,
      teamId: ctx.principal.teamId,
      requestedModel: request.model,
      modelId: route.modelId,
      deploymentId: route.deploymentId,
      providerId: route.providerId,
      credentialId: route.credentialId,
      upstreamModel: target.upstream.upstreamModel,
      upstreamId: started.upstreamId,
      prompt: request.prompt,
      seconds: request.seconds,
      size: request.size,
      billing: encodeBilling({ billing: ctx.call.billing, price: plan.price, holdExpiresAt: new Date(ctx.call.startedAt.getTime() + holdTtlMs) }),
      pollAfter: new Date(Date.now() + env().HUB_VIDEO_POLL_MS),
    },
  });
  // from here the job owns the hold: this call books nothing when it finishes
  ctx.call.handOff();
  return job;
}
