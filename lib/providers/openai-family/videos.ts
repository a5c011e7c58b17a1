import type OpenAI from "openai";
import { toFile } from "openai";
import type { Video, VideoCreateParams } from "openai/resources/videos";
import type { UpstreamVideoState } from "../../canonical/video";
import type { ProviderVideoApi, UpstreamTarget } from "../types";
import { videoContentOf } from "../shared/video-content";
import { fromOpenAIError } from "./errors";
import { requestOptions, sdkCall } from "./sdk-call";

// OpenAI's /videos (Sora): a job is created with a multipart form, retrieved until it is completed or
// failed, and its MP4 streamed from /videos/{id}/content.

/** What a failed job reports when the upstream gave no error with it. */
const UNEXPLAINED_FAILURE = { code: "video_generation_failed", message: "The upstream failed the video without saying why." };

const percent = (progress: number | null | undefined) => Math.min(100, Math.max(0, Math.round(progress ?? 0)));

/** A video object as the job's state upstream. */
export function videoState(video: Video): UpstreamVideoState {
  switch (video.status) {
    case "completed": {
      const seconds = Number(video.seconds);
      return { status: "completed", seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : null };
    }
    case "failed":
      return { status: "failed", error: { code: video.error?.code || UNEXPLAINED_FAILURE.code, message: video.error?.message || UNEXPLAINED_FAILURE.message } };
    default:
      return { status: video.status, progress: percent(video.progress) };
  }
}

export function openAIVideos(clientFor: (target: UpstreamTarget) => OpenAI): ProviderVideoApi {
  return {
    async create(request, target, call) {
      const reference = request.inputReference;
      const params: VideoCreateParams = {
        model: target.upstreamModel,
        prompt: request.prompt,
        // always sent, so the clip is the length the hub held credits for, not the upstream's default;
        // the SDK types OpenAI's current values only ("4" | "8" | "12") and compatible servers take others
        seconds: String(request.seconds) as VideoCreateParams["seconds"],
        size: request.size as VideoCreateParams["size"],
        ...(reference ? { input_reference: await toFile(reference.bytes, reference.name, { type: reference.type }) } : {}),
      };
      const video = await sdkCall(() => clientFor(target).videos.create(params, requestOptions(call)));
      return { upstreamId: video.id };
    },

    async status(upstreamId, target, call) {
      return videoState(await sdkCall(() => clientFor(target).videos.retrieve(upstreamId, requestOptions(call))));
    },

    async download(upstreamId, target, call) {
      return videoContentOf(await sdkCall(() => clientFor(target).videos.downloadContent(upstreamId, {}, requestOptions(call))));
    },

    async delete(upstreamId, target, call) {
      try {
        await clientFor(target).videos.delete(upstreamId, requestOptions(call));
      } catch (error) {
        const failure = fromOpenAIError(error);
        // already gone upstream (deleted before, or expired): what deleting was for
        if (failure.kind === "http" && failure.status === 404) return;
        throw failure;
      }
    },
  };
}
