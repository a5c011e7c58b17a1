import { z } from "zod";
import type { ImagesResponse } from "../canonical/completion";
import type { ImagesRequest } from "../canonical/schema";
import { downloadGeneratedImages } from "./shared/generated-images";
import type { CallOptions, ProviderAdapter, UpstreamTarget } from "./types";
import { notOffered, parseRetryAfter, unanswered, unsendable, upstreamAborted, upstreamTimeout, UpstreamError } from "./upstream-error";

// Ideogram (api.ideogram.ai) generates images and nothing else. An OpenAI images request becomes
// Ideogram's multipart POST /v1/<upstream model>/generate (the model is the endpoint: ideogram-v3),
// the key in Api-Key; the answer's links become OpenAI image objects, downloaded when the client
// asked for b64_json (Ideogram answers links only, and they expire).

/** Ideogram 3.0's resolutions (ResolutionV3): a requested size that is one of them is sent as is. */
const RESOLUTIONS = new Set([
  "512x1536", "576x1408", "576x1472", "576x1536", "640x1344", "640x1408", "640x1472", "640x1536", "704x1152", "704x1216", "704x1280",
  "704x1344", "704x1408", "704x1472", "736x1312", "768x1088", "768x1216", "768x1280", "768x1344", "800x1280", "832x960", "832x1024",
  "832x1088", "832x1152", "832x1216", "832x1248", "864x1152", "896x960", "896x1024", "896x1088", "896x1120", "896x1152", "960x832",
  "960x896", "960x1024", "960x1088", "1024x832", "1024x896", "1024x960", "1024x1024", "1088x768", "1088x832", "1088x896", "1088x960",
  "1120x896", "1152x704", "1152x832", "1152x864", "1152x896", "1216x704", "1216x768", "1216x832", "1248x832", "1280x704", "1280x768",
  "1280x800", "1312x736", "1344x640", "1344x704", "1344x768", "1408x576", "1408x640", "1408x704", "1472x576", "1472x640", "1472x704",
  "1536x512", "1536x576", "1536x640",
]);

/** Ideogram 3.0's aspect ratios (AspectRatioV3): any other size gets the nearest of them. */
const ASPECT_RATIOS = ["1x3", "3x1", "1x2", "2x1", "9x16", "16x9", "10x16", "16x10", "2x3", "3x2", "3x4", "4x3", "4x5", "5x4", "1x1"];

/** OpenAI's qualities (gpt-image's, and DALL·E 3's standard / hd) as Ideogram's rendering speeds, which set its price. */
const RENDERING_SPEEDS: Record<string, string> = { low: "TURBO", medium: "DEFAULT", auto: "DEFAULT", standard: "DEFAULT", high: "QUALITY", hd: "QUALITY" };

/** Ideogram 3.0's style types (StyleTypeV3), taken from `style` in any case. */
const STYLE_TYPES = new Set(["AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION"]);

/** The model a connection test asks for: the key is checked the same whatever the model. */
const PROBE_MODEL = "ideogram-v3";

const logRatio = (ratio: string) => {
  const [width, height] = ratio.split("x").map(Number);
  return Math.log(width! / height!);
};

function sizeFields(size: string | null | undefined): Record<string, string> {
  if (!size || size === "auto") return {};
  if (!/^[1-9]\d*x[1-9]\d*$/.test(size)) throw unsendable(`size must be 'auto' or WIDTHxHEIGHT (e.g. 1024x1024), not '${size}'`);
  if (RESOLUTIONS.has(size)) return { resolution: size };
  const wanted = logRatio(size);
  const nearest = ASPECT_RATIOS.reduce((best, ratio) => (Math.abs(logRatio(ratio) - wanted) < Math.abs(logRatio(best) - wanted) ? ratio : best));
  return { aspect_ratio: nearest };
}

function qualityFields(quality: string | null | undefined): Record<string, string> {
  if (!quality) return {};
  const speed = RENDERING_SPEEDS[quality];
  if (!speed) throw unsendable(`quality must be one of ${Object.keys(RENDERING_SPEEDS).join(", ")}, not '${quality}'`);
  return { rendering_speed: speed };
}

function styleFields(style: string | null | undefined): Record<string, string> {
  if (!style) return {};
  const type = style.toUpperCase();
  if (!STYLE_TYPES.has(type)) throw unsendable(`style must be one of Ideogram's style types (${[...STYLE_TYPES].join(", ").toLowerCase()}), not '${style}'`);
  return { style_type: type };
}

/**
 * The request as Ideogram's form. Price-neutral fields the hub lets through that Ideogram cannot honour
 * are refused rather than silently dropped: it draws opaque PNG images only.
 */
export function toIdeogramForm(request: ImagesRequest): FormData {
  const extra = request as ImagesRequest & { background?: unknown; output_format?: unknown };
  if (extra.background === "transparent") throw unsendable("Ideogram's generate endpoint draws opaque images: background 'transparent' is not available");
  if (extra.output_format != null && extra.output_format !== "png") throw unsendable(`Ideogram answers PNG images: output_format '${String(extra.output_format)}' is not available`);
  const fields = { prompt: request.prompt, num_images: String(request.n ?? 1), ...sizeFields(request.size), ...qualityFields(request.quality), ...styleFields(request.style) };
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

const answerSchema = z.object({
  created: z.string().nullish(),
  data: z.array(
    z.looseObject({
      // null (or absent) when the image failed Ideogram's safety check
      url: z.string().nullish(),
      prompt: z.string().nullish(),
      is_image_safe: z.boolean().nullish(),
    }),
  ),
});
type Answer = z.infer<typeof answerSchema>;

// Ideogram documents its error statuses, not their bodies: they come as {"error": "…"}, and validation
// failures of its web framework as {"detail": "…"} or {"detail": [{"msg": …}]}.
const errorBodySchema = z.object({
  error: z.union([z.string(), z.object({ message: z.string() }).transform((e) => e.message)]).optional(),
  detail: z.union([z.string(), z.array(z.object({ msg: z.string() })).transform((list) => list.map((d) => d.msg).join("; "))]).optional(),
  message: z.string().optional(),
});

/** A prompt or its images refused by Ideogram's safety check, in OpenAI's words for it. */
const contentPolicy = (message: string) => new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code: "content_policy_violation", param: "prompt", message });

async function failureOf(response: Response): Promise<UpstreamError> {
  const text = await response.text().catch(() => "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a proxy's HTML page or plain text: its first line says what happened
  }
  const body = errorBodySchema.safeParse(parsed);
  const message = (body.success && (body.data.error || body.data.detail || body.data.message)) || text.trim().split("\n")[0]?.slice(0, 300) || `Ideogram answered HTTP ${response.status}`;
  const validation = Array.isArray((parsed as { detail?: unknown } | null | undefined)?.detail);
  // Ideogram refuses a prompt its safety check fails with 422; OpenAI, whose error shapes the hub's
  // clients read, with 400 content_policy_violation. A 422 listing fields is a validation failure: a 400.
  if (response.status === 422 && !validation) return contentPolicy(message);
  return new UpstreamError({ kind: "http", status: response.status === 422 ? 400 : response.status, message, retryAfter: parseRetryAfter(response.headers.get("retry-after")) });
}

const baseUrl = (target: UpstreamTarget) => target.provider.baseUrl ?? ideogramAdapter.defaultBaseUrl!;
const endpoint = (target: UpstreamTarget, model: string) => `${baseUrl(target).replace(/\/+$/, "")}/v1/${encodeURIComponent(model)}/generate`;

/** POSTs the form; Ideogram's answer, or its failure as an UpstreamError. The timeout covers the whole exchange. */
async function generate(target: UpstreamTarget, model: string, form: FormData, options: CallOptions): Promise<Answer> {
  const timer = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(endpoint(target, model), {
      method: "POST",
      headers: { ...target.provider.config.headers, "Api-Key": target.credential?.secret.apiKey ?? "", accept: "application/json" },
      body: form,
      signal: AbortSignal.any([options.signal, timer]),
    });
    if (!response.ok) throw await failureOf(response);
    const body: unknown = await response.json().catch((error: unknown) => {
      if (error instanceof SyntaxError) return null;
      throw error;
    });
    const answer = answerSchema.safeParse(body);
    if (!answer.success) throw new UpstreamError({ kind: "http", status: 502, message: "Ideogram's answer is not the generation result it documents" });
    return answer.data;
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (options.signal.aborted) throw upstreamAborted();
    if (timer.aborted) throw upstreamTimeout();
    // fetch's "fetch failed" carries the socket error as its cause
    throw unanswered(error);
  }
}

const epochSeconds = (created: string | null | undefined) => {
  const at = created ? Date.parse(created) : Number.NaN;
  return Math.floor((Number.isNaN(at) ? Date.now() : at) / 1000);
};

const OUTPUT_FORMATS: Record<string, ImagesResponse["output_format"]> = { "image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp" };

export const ideogramAdapter: ProviderAdapter = {
  defaultBaseUrl: "https://api.ideogram.ai",
  credential: "api_key",

  async chat(_request, target) {
    throw notOffered(target.provider.name, "chat");
  },

  async streamChat(_request, target) {
    throw notOffered(target.provider.name, "chat");
  },

  async generateImages(request, target, options) {
    const answer = await generate(target, target.upstreamModel, toIdeogramForm(request), options);
    // images that failed Ideogram's safety check come without a link: the client gets the others
    const safe = answer.data.flatMap((image) => (image.url && image.is_image_safe !== false ? [{ url: image.url, revised_prompt: image.prompt ?? undefined }] : []));
    if (safe.length === 0 && answer.data.length > 0) throw contentPolicy("Ideogram's safety check withheld every generated image.");
    if (safe.length === 0) throw new UpstreamError({ kind: "http", status: 502, message: "Ideogram answered without images" });
    const created = epochSeconds(answer.created);
    if (request.response_format !== "b64_json") return { created, data: safe };

    const files = await downloadGeneratedImages(safe.map((image) => image.url), baseUrl(target), options.signal);
    const formats = new Set(files.map((file) => OUTPUT_FORMATS[file.mediaType]));
    const [format] = formats;
    return {
      created,
      data: files.map((file, i) => ({ b64_json: file.base64, revised_prompt: safe[i]!.revised_prompt })),
      ...(formats.size === 1 && format ? { output_format: format } : {}),
    };
  },

  async testConnection(target, options) {
    // Ideogram has no free call (no model list, no account endpoint) and bills every image. A generate
    // request without a prompt is refused as invalid (400) once its key has been accepted (401 before
    // that): nothing is generated or billed, and only a refused key fails the test.
    try {
      await generate(target, PROBE_MODEL, new FormData(), options);
    } catch (error) {
      if (error instanceof UpstreamError && error.kind === "http" && error.status === 400) return;
      throw error;
    }
  },
};
