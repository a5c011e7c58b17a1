import { GenerateVideosOperation, type Video } from "@google/genai";
import type { UpstreamVideoState, VideoContent, VideoSize } from "../canonical/video";
import { clientFor, fail, geminiBaseUrl, googleHttpError, requestOptions, run } from "./gemini-client";
import { answerDeadline } from "./shared/http-client";
import { videoContentOf } from "./shared/video-content";
import type { CallOptions, ProviderVideoApi, UpstreamTarget } from "./types";
import { upstreamTimeout, UpstreamError } from "./upstream-error";

// Veo on the Gemini API: models.generateVideos starts a long-running operation (its name is the
// upstream id), operations.getVideosOperation polls it, and the finished video is either inline bytes
// or a file URI on the API, downloaded with the API key.

/**
 * Veo reports no progress while it works; a running job is said to be half done, so clients see it
 * started without the hub pretending to know more.
 */
const RUNNING_PROGRESS = 50;
const MAX_REDIRECTS = 3;

/** google.rpc.Code, by number: how a failed operation's error is named. */
const RPC_CODES = [
  "ok", "cancelled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists", "permission_denied",
  "resource_exhausted", "failed_precondition", "aborted", "out_of_range", "unimplemented", "internal", "unavailable", "data_loss", "unauthenticated",
];

/** Veo's aspect ratio and resolution for an OpenAI size: 16:9 when wider than tall; 1080p for frames of 1080 lines or more. */
export function veoFormat(size: VideoSize): { aspectRatio: "16:9" | "9:16"; resolution: "720p" | "1080p" } {
  const [width, height] = size.split("x").map(Number) as [number, number];
  return { aspectRatio: width > height ? "16:9" : "9:16", resolution: Math.min(width, height) >= 1080 ? "1080p" : "720p" };
}

async function operation(name: string, target: UpstreamTarget, call: CallOptions): Promise<GenerateVideosOperation> {
  // getVideosOperation reads nothing of the operation but its name: one made from the stored name will do
  const known = Object.assign(new GenerateVideosOperation(), { name });
  return run(call.signal, () => clientFor(target).operations.getVideosOperation({ operation: known, config: requestOptions(call) }));
}

const videoOf = (done: GenerateVideosOperation): Video | undefined => done.response?.generatedVideos?.find((v) => v.video?.uri || v.video?.videoBytes)?.video;

/** A polled operation as the job's state upstream. */
export function veoState(polled: GenerateVideosOperation): UpstreamVideoState {
  if (!polled.done) return { status: "in_progress", progress: RUNNING_PROGRESS };
  if (polled.error) {
    const { code, message } = polled.error as { code?: unknown; message?: unknown };
    return { status: "failed", error: { code: RPC_CODES[Number(code)] ?? "video_generation_failed", message: typeof message === "string" && message ? message : "Veo failed the video without saying why." } };
  }
  if (videoOf(polled)) return { status: "completed", seconds: null };
  // done without a video: Google's responsible-AI filters removed it, and say why
  const reasons = polled.response?.raiMediaFilteredReasons ?? [];
  return { status: "failed", error: { code: "content_filtered", message: reasons.join(" ") || "Veo filtered the generated video out." } };
}

const untrusted = (message: string) => new UpstreamError({ kind: "http", status: 502, code: "untrusted_video_uri", message });

/**
 * Streams a video file from its URI. The API key goes to the provider's own API origin only: a URI
 * elsewhere is refused, and a redirect elsewhere (Google serves files from its storage hosts, on signed
 * URLs) is followed without the key or the provider's headers.
 */
async function fetchVideo(uri: string, target: UpstreamTarget, call: CallOptions): Promise<VideoContent> {
  const apiOrigin = new URL(geminiBaseUrl(target)).origin;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw untrusted("the upstream named the video by a URI that does not parse");
  }
  if (url.origin !== apiOrigin) throw untrusted(`the upstream put the video on ${url.origin}, not on its API (${apiOrigin}): the hub sends its key nowhere else`);
  const credentials = { "x-goog-api-key": target.credential?.secret.apiKey ?? "", ...target.provider.config.headers };
  const deadline = answerDeadline(call);
  try {
    for (let hops = 0; ; hops++) {
      const response = await fetch(url, { headers: url.origin === apiOrigin ? credentials : {}, redirect: "manual", signal: deadline.signal });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hops === MAX_REDIRECTS) throw new UpstreamError({ kind: "http", status: 502, message: `the video download redirected more than ${MAX_REDIRECTS} times` });
        url = new URL(location, url);
        continue;
      }
      deadline.answered();
      if (!response.ok) throw googleHttpError(response.status, await response.text().catch(() => ""));
      return videoContentOf(response);
    }
  } catch (error) {
    deadline.answered();
    throw deadline.timedOut() ? upstreamTimeout() : fail(error, call.signal);
  }
}

export const geminiVideo: ProviderVideoApi = {
  async create(request, target, call) {
    const reference = request.inputReference;
    const started = await run(call.signal, () =>
      clientFor(target).models.generateVideos({
        model: target.upstreamModel,
        source: {
          prompt: request.prompt,
          ...(reference ? { image: { imageBytes: Buffer.from(reference.bytes).toString("base64"), mimeType: reference.type } } : {}),
        },
        config: { ...requestOptions(call), numberOfVideos: 1, durationSeconds: request.seconds, ...veoFormat(request.size) },
      }),
    );
    if (!started.name) throw new UpstreamError({ kind: "http", status: 502, message: "the upstream started no operation for the video" });
    return { upstreamId: started.name };
  },

  async status(upstreamId, target, call) {
    return veoState(await operation(upstreamId, target, call));
  },

  async download(upstreamId, target, call) {
    const video = videoOf(await operation(upstreamId, target, call));
    if (!video) throw new UpstreamError({ kind: "http", status: 404, message: "the upstream has no finished video for this operation" });
    if (video.videoBytes) {
      const bytes = Buffer.from(video.videoBytes, "base64");
      return { body: new Blob([bytes]).stream(), contentType: video.mimeType ?? "video/mp4", length: bytes.length };
    }
    return fetchVideo(video.uri!, target, call);
  },

  // Veo has no deletion API: its files expire on their own
  async delete() {},
};
