import { z } from "zod";

// Video generation, OpenAI's /v1/videos shape as the source of truth. Upstream jobs are
// asynchronous: an adapter starts one, reports its state when asked, and streams its file when done.
// The hub keeps its own job (lib/gateway/videos.ts) and answers clients from it.

export const VIDEO_SIZES = ["720x1280", "1280x720", "1024x1792", "1792x1024", "1080x1920", "1920x1080"] as const;
export type VideoSize = (typeof VIDEO_SIZES)[number];

/** The longest clip the hub starts (and so the most a job is held for). */
export const MAX_VIDEO_SECONDS = 20;
/** What OpenAI starts without `seconds`; every adapter is sent the seconds explicitly, so the hold is the clip. */
export const DEFAULT_VIDEO_SECONDS = 4;

/** The text fields of a create request (multipart form, or JSON), as strings or numbers. */
export const videoFieldsSchema = z.object({
  model: z.string().min(1, "is required").max(256),
  prompt: z.string().min(1, "is required").max(32_000),
  seconds: z.coerce
    .number()
    .int("must be a whole number of seconds")
    .min(1)
    .max(MAX_VIDEO_SECONDS, `must be at most ${MAX_VIDEO_SECONDS}`)
    .default(DEFAULT_VIDEO_SECONDS),
  size: z.enum(VIDEO_SIZES).default("720x1280"),
});

export type VideoFields = z.infer<typeof videoFieldsSchema>;

/** An image the video starts from (bounded in size by the gateway before it got here). */
export interface VideoReference {
  bytes: Uint8Array;
  name: string;
  /** image/jpeg, image/png or image/webp */
  type: string;
}

export interface VideoRequest extends VideoFields {
  inputReference: VideoReference | null;
}

/** A job's state upstream, as an adapter reports it. */
export type UpstreamVideoState =
  | { status: "queued" | "in_progress"; progress: number }
  /** `seconds`: the clip's real length when the upstream says it (Veo does not: null) */
  | { status: "completed"; seconds: number | null }
  | { status: "failed"; error: { code: string; message: string } };

/** The finished file, streamed from the upstream. */
export interface VideoContent {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** bytes, when the upstream says */
  length: number | null;
}

export type VideoStatus = "queued" | "in_progress" | "completed" | "failed";

/** OpenAI's video object, as the hub answers it (ids are the hub's, never the upstream's). */
export type VideoObject = {
  id: string;
  object: "video";
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  status: VideoStatus;
  model: string;
  progress: number;
  prompt: string | null;
  seconds: string;
  size: string;
  remixed_from_video_id: null;
  error: { code: string; message: string } | null;
};
