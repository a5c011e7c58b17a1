// Veo on the fake Gemini API (gemini-upstream.ts checks the API key and routes these here):
//
//   POST /v1beta/models/{model}:predictLongRunning  what models.generateVideos sends: {instances:[{prompt,
//                                                   image?:{bytesBase64Encoded, mimeType}}], parameters:{sampleCount,
//                                                   durationSeconds (4–8), aspectRatio (16:9 | 9:16), resolution
//                                                   (720p | 1080p), …}} → {name: "models/{model}/operations/{id}"}
//   GET  /v1beta/models/{model}/operations/{id}     {name, done:false} until the pollsToComplete-th poll, then
//                                                   {name, done:true, response:{"@type": PREDICT_RESPONSE_TYPE,
//                                                   generateVideoResponse:{generatedSamples:[{video:{uri}}]}}}
//   GET  /v1beta/files/{id}:download?alt=media      302 to a signed URL on `storage`: a second loopback server
//                                                   standing for Google's file hosts, which needs no key (and
//                                                   records what it was sent, so a test can see none reached it)
//
// A marker in the prompt (fake-video.ts) ends the operation badly: VIDEO_FAIL_MARKER → {done:true, error:
// VEO_FAILURE}; VIDEO_BLOCK_MARKER → done, no samples, raiMediaFilteredCount 1 and [VEO_FILTER_REASON].
// The file is fakeMp4(operation id, durationSeconds); contentOf(operation name) gives it.
// Knobs, on `fake.veo`: pollsToComplete; delivery "uri" (default) or "inline" (the video as
// {encodedVideo, encoding} in the operation, no file); uriOrigin (the origin video URIs name instead of
// the one the client called, e.g. another server's, to play an upstream that points the key elsewhere).
import { randomBytes } from "node:crypto";
import type { FakeUpstream } from "./contract";
import { fakeMp4, videoOutcome } from "./fake-video";
import { googleError, isBase64 } from "./google-rpc";
import { startHttpFake, type FakeExchange } from "./http-fake";

export const PREDICT_RESPONSE_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";
export const VEO_FAILURE = { code: 13, message: "Video generation failed due to an internal error. Please try again later." };
export const VEO_FILTER_REASON =
  "We encountered an issue with the audio for your prompt. You have not been charged. Please try a different prompt or try again.";
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp"]);
const DEFAULT_DURATION = 8;

interface VeoOperation {
  name: string;
  prompt: string;
  durationSeconds: number;
  polls: number;
  /** the file id of its video, and the signature its storage URL carries */
  fileId: string;
  signature: string;
}

export interface FakeVeo {
  /** polls of an operation it takes to be done (1: done at the first poll) */
  pollsToComplete: number;
  /** how a done operation hands over its video */
  delivery: "uri" | "inline";
  /** the origin video URIs name; null: the origin the client called */
  uriOrigin: string | null;
  /** every operation started, by name */
  operations: Map<string, VeoOperation>;
  /** the video file of an operation */
  contentOf(name: string): Buffer;
  /** the file host downloads are redirected to */
  storage: FakeUpstream & { origin: string };
}

interface VeoRequest {
  instances?: Array<{ prompt?: unknown; image?: { bytesBase64Encoded?: unknown; mimeType?: unknown } }>;
  parameters?: { sampleCount?: unknown; durationSeconds?: unknown; aspectRatio?: unknown; resolution?: unknown };
}

/** Why Veo would refuse the request (its 400 message), or undefined. */
function requestProblem(body: VeoRequest): string | undefined {
  const instance = body.instances?.[0];
  if (!instance || body.instances!.length !== 1) return "* PredictLongRunningRequest.instances: exactly one instance is required.\n";
  if ((typeof instance.prompt !== "string" || instance.prompt.trim() === "") && !instance.image) return "A text prompt or an image is required.";
  if (instance.image && (!isBase64(instance.image.bytesBase64Encoded) || !IMAGE_TYPES.has(String(instance.image.mimeType)))) {
    return "Invalid value at 'instances[0].image': a base64 image (image/png, image/jpeg or image/webp) is required.";
  }
  const { sampleCount = 1, durationSeconds = DEFAULT_DURATION, aspectRatio = "16:9", resolution = "720p" } = body.parameters ?? {};
  if (!Number.isInteger(sampleCount) || (sampleCount as number) < 1 || (sampleCount as number) > 4) return `sampleCount must be between 1 and 4, got ${String(sampleCount)}.`;
  if (!Number.isInteger(durationSeconds) || (durationSeconds as number) < 4 || (durationSeconds as number) > 8) {
    return "The number value for `durationSeconds` is out of bound. Please provide a value between 4 and 8, inclusive.";
  }
  if (aspectRatio !== "16:9" && aspectRatio !== "9:16") return `Unsupported aspect ratio: ${String(aspectRatio)}. Supported values are 16:9 and 9:16.`;
  if (resolution !== "720p" && resolution !== "1080p") return `Unsupported resolution: ${String(resolution)}. Supported values are 720p and 1080p.`;
  return undefined;
}

const id = () => randomBytes(8).toString("hex");

export async function createFakeVeo(): Promise<FakeVeo & { start(x: FakeExchange, model: string): void; get(x: FakeExchange): void }> {
  const operations = new Map<string, VeoOperation>();
  const byFile = new Map<string, VeoOperation>();

  const storage = await startHttpFake((x) => {
    const [, fileId = ""] = /^\/videos\/([a-z0-9]+)\.mp4$/.exec(x.url.pathname) ?? [];
    const operation = byFile.get(fileId);
    if (!operation || x.url.searchParams.get("signature") !== operation.signature) {
      x.res.writeHead(403, { "content-type": "text/plain" });
      x.res.end("Access denied.");
      return x.finish();
    }
    const bytes = veo.contentOf(operation.name);
    x.res.writeHead(200, { "content-type": "video/mp4", "content-length": String(bytes.length) });
    x.res.end(bytes);
    x.finish();
  });

  const veo = {
    pollsToComplete: 2,
    delivery: "uri" as "uri" | "inline",
    uriOrigin: null as string | null,
    operations,
    storage,
    contentOf(name: string) {
      const operation = operations.get(name);
      if (!operation) throw new Error(`no operation ${name}`);
      return fakeMp4(operation.name.split("/").at(-1)!, operation.durationSeconds);
    },
    start,
    get,
  };

  function start(x: FakeExchange, model: string) {
    const body = (x.record.body ?? {}) as VeoRequest;
    const problem = requestProblem(body);
    if (problem) return x.json(400, googleError(400, problem));
    const operation: VeoOperation = {
      name: `models/${model}/operations/${id()}`,
      prompt: String(body.instances![0]!.prompt ?? ""),
      durationSeconds: Number(body.parameters?.durationSeconds ?? DEFAULT_DURATION),
      polls: 0,
      fileId: id(),
      signature: randomBytes(16).toString("hex"),
    };
    operations.set(operation.name, operation);
    byFile.set(operation.fileId, operation);
    x.json(200, { name: operation.name });
  }

  function sample(x: FakeExchange, operation: VeoOperation) {
    if (veo.delivery === "inline") return { video: { encodedVideo: veo.contentOf(operation.name).toString("base64"), encoding: "video/mp4" } };
    const origin = veo.uriOrigin ?? `http://${x.req.headers.host}`;
    return { video: { uri: `${origin}/v1beta/files/${operation.fileId}:download?alt=media` } };
  }

  function poll(x: FakeExchange, operation: VeoOperation) {
    operation.polls++;
    if (operation.polls < veo.pollsToComplete) return x.json(200, { name: operation.name, done: false });
    const outcome = videoOutcome(operation.prompt);
    if (outcome === "fail") return x.json(200, { name: operation.name, done: true, error: VEO_FAILURE });
    const generateVideoResponse = outcome === "block" ? { raiMediaFilteredCount: 1, raiMediaFilteredReasons: [VEO_FILTER_REASON] } : { generatedSamples: [sample(x, operation)] };
    x.json(200, { name: operation.name, done: true, response: { "@type": PREDICT_RESPONSE_TYPE, generateVideoResponse } });
  }

  function get(x: FakeExchange) {
    const path = x.url.pathname;
    const operation = operations.get(path.replace(/^\/v1beta\//, ""));
    if (operation) return poll(x, operation);
    const [, fileId = ""] = /^\/v1beta\/files\/([a-z0-9]+):download$/.exec(path) ?? [];
    const file = byFile.get(fileId);
    if (file && x.url.searchParams.get("alt") === "media") {
      x.res.writeHead(302, { location: `${storage.origin}/videos/${fileId}.mp4?signature=${file.signature}` });
      x.res.end();
      return x.finish();
    }
    x.json(404, googleError(404, fileId ? `File ${fileId} not found.` : `Operation ${path.replace(/^\/v1beta\//, "")} not found.`));
  }

  return veo;
}

/** Whether a GET belongs to Veo: an operation poll or a file download. */
export const isVeoPath = (path: string) => /^\/v1beta\/models\/[^/]+\/operations\/[^/]+$/.test(path) || /^\/v1beta\/files\/[^/]+:download$/.test(path);
