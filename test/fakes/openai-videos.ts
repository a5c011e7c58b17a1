// OpenAI's video generation API (Sora), for the fake in openai-upstream.ts (which checks the API key
// and routes /v1/videos here; only the "openai" flavor has it):
//
//   POST   /v1/videos               multipart (what the SDK sends; JSON is read too): prompt, model
//                                  (VIDEO_MODELS, default sora-2), seconds (a positive whole number as a
//                                  string, default "4"), size (VIDEO_SIZES, default 720x1280), input_reference
//                                  (a jpeg/png/webp image) → the video object: queued, progress 0
//   GET    /v1/videos/{id}          the video object. Each GET moves the job one step: in_progress with
//                                  progress 100 × steps / stepsToComplete, then (at stepsToComplete) completed,
//                                  with completed_at and expires_at, or failed with an `error`
//   GET    /v1/videos/{id}/content  ?variant=video (fakeMp4(id, seconds), video/mp4) | thumbnail (image/webp) |
//                                  spritesheet (image/jpeg), with a content-length, in DOWNLOAD_CHUNK_BYTES
//                                  chunks; 404 until the job is completed
//   GET    /v1/videos               cursor list: after, limit (1–100, default 20), order (desc, the default, or asc)
//                                  → {object:"list", data, first_id, last_id, has_more}
//   DELETE /v1/videos/{id}          {id, object:"video.deleted", deleted:true}; unknown ids 404
//
// Errors are OpenAI's {error:{message,type,param,code}}. The model name plays contract.ts's scenarios on
// POST (fake-error-<status>, fake-hang, fake-slow, fake-gated). A marker in the prompt (fake-video.ts) ends
// the job badly when it would complete: VIDEO_FAIL_MARKER → error JOB_FAILURE, VIDEO_BLOCK_MARKER → JOB_BLOCKED.
// Knobs, on `fake.videos` (change them any time): stepsToComplete; downloadStatus (downloads answer that
// status, in OpenAI's error shape, instead of the file); downloadChunkDelayMs (a slow download);
// downloadCutAfterBytes (the connection is cut after that many bytes of the file).
//
// What reached the fake: a create's record.body holds its fields and `input_reference: {name, type, bytes}`;
// a download records sentBytes and sentAt = {first, last} as speech does (openai-audio.ts).
import { randomBytes } from "node:crypto";
import { sleep } from "./contract";
import { fakeMp4, videoOutcome } from "./fake-video";
import type { FakeExchange } from "./http-fake";
import { invalid, playScenario, readForm, type ErrorBodyFor } from "./openai-common";

export const VIDEO_MODELS = ["sora-2", "sora-2-pro", "sora-2-2025-10-06", "sora-2-pro-2025-10-06", "sora-2-2025-12-08"];
export const VIDEO_SIZES = ["720x1280", "1280x720", "1024x1792", "1792x1024", "1080x1920", "1920x1080"];
export const DOWNLOAD_CHUNK_BYTES = 16 * 1024;
/** how long a finished video stays downloadable (the fake's choice) */
export const EXPIRES_AFTER_SECONDS = 24 * 3600;
export const JOB_FAILURE = { code: "internal_error", message: "Video generation failed due to an internal error. Please try again." };
export const JOB_BLOCKED = { code: "moderation_blocked", message: "Your request was blocked by our moderation system." };
const REFERENCE_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);
const VARIANT_TYPES: Record<string, string> = { video: "video/mp4", thumbnail: "image/webp", spritesheet: "image/jpeg" };

/** OpenAI's video object. */
export interface FakeVideo {
  id: string;
  object: "video";
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  status: "queued" | "in_progress" | "completed" | "failed";
  model: string;
  progress: number;
  prompt: string;
  seconds: string;
  size: string;
  remixed_from_video_id: null;
  error: { code: string; message: string } | null;
}

export interface FakeOpenAIVideos {
  /** GETs of a job it takes to finish (1: finished at the first look) */
  stepsToComplete: number;
  /** downloads answer this HTTP status (OpenAI's error shape) instead of the file; null: they succeed */
  downloadStatus: number | null;
  /** ms between the chunks of a download */
  downloadChunkDelayMs: number;
  /** a download's connection is cut after this many bytes of the file; null: never */
  downloadCutAfterBytes: number | null;
  /** every job not deleted, by id, oldest first */
  jobs: Map<string, FakeVideo>;
  /** the bytes a finished job serves for a variant (video by default) */
  contentOf(id: string, variant?: string): Buffer;
}

const now = () => Math.floor(Date.now() / 1000);
const notFound = (id: string) => invalid(`Video with id '${id}' not found.`, null, "video_not_found");
const choices = (values: string[]) => `${values.slice(0, -1).map((v) => `'${v}'`).join(", ")} and '${values.at(-1)}'`;

/** A create request's problem, in OpenAI's words; null when it is fine. */
function createProblem(fields: { prompt?: string; model: string; seconds: string; size: string }, reference: File | undefined) {
  if (!fields.prompt) return invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
  if (!VIDEO_MODELS.includes(fields.model)) return invalid(`Invalid value: '${fields.model}'. Supported values are: ${choices(VIDEO_MODELS)}.`, "model", "invalid_value");
  if (!/^[1-9]\d*$/.test(fields.seconds)) return invalid(`Invalid value: '${fields.seconds}'. Supported values are: '4', '8', and '12'.`, "seconds", "invalid_value");
  if (!VIDEO_SIZES.includes(fields.size)) return invalid(`Invalid value: '${fields.size}'. Supported values are: ${choices(VIDEO_SIZES)}.`, "size", "invalid_value");
  if (reference && !REFERENCE_TYPES.has(reference.type)) {
    return invalid(`Invalid file 'input_reference': unsupported mimetype ('${reference.type}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, "input_reference", "invalid_value");
  }
  return null;
}

/** Stand-ins for the preview variants: the right magic bytes, deterministic filler. */
function preview(variant: "thumbnail" | "spritesheet", id: string): Buffer {
  const filler = Buffer.from(id.repeat(8));
  if (variant === "spritesheet") return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), filler, Buffer.from([0xff, 0xd9])]);
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(4 + filler.length, 4);
  header.write("WEBP", 8, "ascii");
  return Buffer.concat([header, filler]);
}

export function createOpenAIVideos(errorBody: ErrorBodyFor): FakeOpenAIVideos & { handle(x: FakeExchange): Promise<void> } {
  const jobs = new Map<string, FakeVideo>();
  const looks = new Map<string, number>();

  const videos = {
    stepsToComplete: 3,
    downloadStatus: null as number | null,
    downloadChunkDelayMs: 0,
    downloadCutAfterBytes: null as number | null,
    jobs,
    contentOf(id: string, variant = "video") {
      const job = jobs.get(id);
      if (!job) throw new Error(`no video ${id}`);
      return variant === "video" ? fakeMp4(id, Number(job.seconds)) : preview(variant as "thumbnail" | "spritesheet", id);
    },
    handle,
  };

  async function create(x: FakeExchange) {
    const { fields, files } = await readForm(x);
    const sent = x.record.body && !/^multipart/i.test(String(x.req.headers["content-type"])) ? x.record.body : fields;
    const field = (name: string) => (sent[name] === undefined ? undefined : String(sent[name]));
    const reference = files.input_reference;
    x.record.body = { ...sent, ...(reference ? { input_reference: { name: reference.name, type: reference.type, bytes: reference.size } } : {}) };
    const model = field("model") ?? "sora-2";
    if (!(await playScenario(x, model, errorBody))) return;
    const request = { prompt: field("prompt"), model, seconds: field("seconds") ?? "4", size: field("size") ?? "720x1280" };
    const problem = createProblem(request, reference);
    if (problem) return x.json(400, problem);

    const video: FakeVideo = {
      id: `video_${randomBytes(16).toString("hex")}`,
      object: "video",
      created_at: now(),
      completed_at: null,
      expires_at: null,
      status: "queued",
      model,
      progress: 0,
      prompt: request.prompt!,
      seconds: request.seconds,
      size: request.size,
      remixed_from_video_id: null,
      error: null,
    };
    jobs.set(video.id, video);
    looks.set(video.id, 0);
    x.json(200, video);
  }

  /** One more look at a job: it moves a step, and finishes at stepsToComplete. */
  function advance(video: FakeVideo) {
    if (video.status === "completed" || video.status === "failed") return;
    const seen = (looks.get(video.id) ?? 0) + 1;
    looks.set(video.id, seen);
    const steps = Math.max(1, videos.stepsToComplete);
    if (seen < steps) {
      video.status = "in_progress";
      video.progress = Math.floor((100 * seen) / steps);
      return;
    }
    const outcome = videoOutcome(video.prompt);
    if (outcome) {
      Object.assign(video, { status: "failed", error: outcome === "fail" ? JOB_FAILURE : JOB_BLOCKED });
      return;
    }
    const completedAt = now();
    Object.assign(video, { status: "completed", progress: 100, completed_at: completedAt, expires_at: completedAt + EXPIRES_AFTER_SECONDS });
  }

  function list(x: FakeExchange) {
    const query = x.url.searchParams;
    const limit = Number(query.get("limit") ?? 20);
    const order = query.get("order") ?? "desc";
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return x.json(400, invalid(`Invalid 'limit': integer above maximum value. Expected a value <= 100, but got ${query.get("limit")} instead.`, "limit", "integer_above_max_value"));
    if (order !== "asc" && order !== "desc") return x.json(400, invalid(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, "order", "invalid_value"));
    const ordered = order === "asc" ? [...jobs.values()] : [...jobs.values()].reverse();
    const after = query.get("after");
    const start = after === null ? 0 : ordered.findIndex((v) => v.id === after) + 1;
    if (after !== null && start === 0) return x.json(404, notFound(after));
    const data = ordered.slice(start, start + limit);
    x.json(200, { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < ordered.length });
  }

  async function download(x: FakeExchange, video: FakeVideo) {
    const variant = x.url.searchParams.get("variant") ?? "video";
    if (!VARIANT_TYPES[variant]) return x.json(400, invalid(`Invalid value: '${variant}'. Supported values are: 'video', 'thumbnail' and 'spritesheet'.`, "variant", "invalid_value"));
    if (video.status !== "completed") return x.json(404, invalid(`Video is not ready yet, use GET /v1/videos/${video.id} to check status.`, null, "video_not_ready"));
    if (videos.downloadStatus !== null) return x.json(videos.downloadStatus, errorBody(videos.downloadStatus, video.model));

    const bytes = videos.contentOf(video.id, variant);
    x.res.writeHead(200, { "content-type": VARIANT_TYPES[variant]!, "content-length": String(bytes.length) });
    x.record.sentBytes = 0;
    for (let at = 0; at < bytes.length; at += DOWNLOAD_CHUNK_BYTES) {
      if (x.res.destroyed) return;
      const cut = videos.downloadCutAfterBytes;
      const chunk = bytes.subarray(at, Math.min(at + DOWNLOAD_CHUNK_BYTES, cut ?? Infinity));
      x.res.write(chunk);
      x.record.sentBytes += chunk.length;
      x.record.sentAt ??= { first: Date.now() };
      if (cut !== null && x.record.sentBytes >= cut) {
        // the rest never comes: the client sees the body end short of content-length
        await sleep(20);
        x.res.destroy();
        return;
      }
      if (videos.downloadChunkDelayMs > 0 && at + DOWNLOAD_CHUNK_BYTES < bytes.length) await sleep(videos.downloadChunkDelayMs);
    }
    x.record.sentAt!.last = Date.now();
    x.res.end();
    x.finish();
  }

  async function handle(x: FakeExchange) {
    const [, id, content] = /^\/v1\/videos(?:\/([^/]+)(\/content)?)?$/.exec(x.url.pathname) ?? [];
    const method = x.req.method;
    if (!id) {
      if (method === "POST") return create(x);
      if (method === "GET") return list(x);
    } else {
      const video = jobs.get(id);
      if (!video) return x.json(404, notFound(id));
      if (method === "GET" && content) return download(x, video);
      if (method === "GET") {
        advance(video);
        return x.json(200, video);
      }
      if (method === "DELETE" && !content) {
        jobs.delete(id);
        looks.delete(id);
        return x.json(200, { id, object: "video.deleted", deleted: true });
      }
    }
    x.json(405, invalid(`Method ${method} is not allowed on ${x.url.pathname}.`));
  }

  return videos;
}

/** Whether a path belongs to the videos API. */
export const isVideosPath = (path: string) => path === "/v1/videos" || path.startsWith("/v1/videos/");
