// A protocol-faithful fake of Ideogram's image generation API (developer.ideogram.ai, "Generate with
// Ideogram 3.0"), on loopback:
//
//   POST /v1/<model>/generate   multipart/form-data, key in the Api-Key header: prompt (required), num_images
//                               (1–8), resolution (ResolutionV3) or aspect_ratio (AspectRatioV3, default 1x1),
//                               rendering_speed (FLASH | TURBO | DEFAULT | QUALITY), style_type, magic_prompt,
//                               negative_prompt, seed. Answers {created (ISO time), data: [{url, prompt,
//                               resolution, is_image_safe, seed, style_type}]}; magic_prompt ON rewrites the
//                               prompt as `<prompt>, MAGIC_PROMPT_SUFFIX`.
//   GET  /images/<id>.png       the generated file, a real PNG of the answer's resolution (no key: Ideogram's
//                               links are signed URLs)
//
// The key is checked first (401), then the form: invalid values are a 400, a prompt containing "[unsafe]"
// fails the safety check (422); a prompt containing "[withhold]" is generated, but its first image fails
// the check after generation (is_image_safe false, url null). Errors are {"error": "<message>"}.
//
// The model in the path picks the scenario: ideogram-v3 generates; the contract's fake-error-<status>,
// fake-hang, fake-slow and fake-gated (contract.ts) play as for every fake; fake-large-image generates
// images of LARGE_IMAGE_BYTES (incompressible pixels); fake-stalled-image answers, then never serves its
// files. Any other model is a 404, as an unknown path is.
//
// The fake's lists of Ideogram's values are its own, copied from Ideogram's reference, not the adapter's.
//
// What reached the fake: record.body holds the form's fields (a field sent more than once as an array).
import { randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import { RETRY_AFTER_SECONDS, scenarioFor, sleep, type FakeUpstream } from "./contract";
import { startHttpFake, type FakeExchange } from "./http-fake";

export const IDEOGRAM_MODEL = "ideogram-v3";
export const MAGIC_PROMPT_SUFFIX = "in rich detail";
/** bytes of one image of the fake-large-image model, at least */
export const LARGE_IMAGE_BYTES = 256 * 1024;
export const SAFETY_MESSAGE = "Prompt or provided image failed the safety checks";

const RESOLUTIONS = new Set(
  (
    "512x1536 576x1408 576x1472 576x1536 640x1344 640x1408 640x1472 640x1536 704x1152 704x1216 704x1280 704x1344 704x1408 704x1472 " +
    "736x1312 768x1088 768x1216 768x1280 768x1344 800x1280 832x960 832x1024 832x1088 832x1152 832x1216 832x1248 864x1152 896x960 " +
    "896x1024 896x1088 896x1120 896x1152 960x832 960x896 960x1024 960x1088 1024x832 1024x896 1024x960 1024x1024 1088x768 1088x832 " +
    "1088x896 1088x960 1120x896 1152x704 1152x832 1152x864 1152x896 1216x704 1216x768 1216x832 1248x832 1280x704 1280x768 1280x800 " +
    "1312x736 1344x640 1344x704 1344x768 1408x576 1408x640 1408x704 1472x576 1472x640 1472x704 1536x512 1536x576 1536x640"
  ).split(" "),
);
/** each aspect ratio with the resolution Ideogram draws it at */
const ASPECT_RATIOS: Record<string, string> = {
  "1x3": "576x1536", "3x1": "1536x576", "1x2": "704x1408", "2x1": "1408x704", "9x16": "736x1312", "16x9": "1312x736", "10x16": "800x1280",
  "16x10": "1280x800", "2x3": "832x1248", "3x2": "1248x832", "3x4": "864x1152", "4x3": "1152x864", "4x5": "896x1120", "5x4": "1120x896", "1x1": "1024x1024",
};
const RENDERING_SPEEDS = new Set(["FLASH", "TURBO", "DEFAULT", "QUALITY"]);
const STYLE_TYPES = new Set(["AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION"]);
const MAGIC_PROMPT = new Set(["AUTO", "ON", "OFF"]);
const MAX_IMAGES = 8;

export interface FakeIdeogram extends FakeUpstream {
  apiKey: string;
  /** the fake's origin: its generated files are served from here */
  origin: string;
}

/** A PNG of width × height: grey, or random (incompressible) pixels. */
export function png(width: number, height: number, noise = false): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  // each row: filter byte 0, then one byte per pixel
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0;
  if (noise) for (let y = 0; y < height; y++) randomBytes(width).copy(rows, y * (width + 1) + 1);
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

const failure = (x: FakeExchange, status: number, message: string, headers: Record<string, string> = {}) => x.json(status, { error: message }, headers);

async function readForm(x: FakeExchange): Promise<Record<string, string | string[]>> {
  const contentType = String(x.req.headers["content-type"] ?? "");
  const fields: Record<string, string | string[]> = {};
  if (!/^multipart\/form-data/i.test(contentType)) return fields;
  const form = await new Response(new Uint8Array(x.raw), { headers: { "content-type": contentType } }).formData().catch(() => new FormData());
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string") continue;
    const seen = fields[name];
    fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return fields;
}

/** What is wrong with the form, as Ideogram words a 400; null when it is valid. */
function invalidField(form: Record<string, string | string[]>): string | null {
  const one = (name: string) => (Array.isArray(form[name]) ? null : (form[name] as string | undefined));
  if (!one("prompt")?.trim()) return "prompt: field required";
  const count = one("num_images");
  if (count !== undefined && !(/^\d+$/.test(count ?? "") && Number(count) >= 1 && Number(count) <= MAX_IMAGES)) return `num_images: must be an integer from 1 to ${MAX_IMAGES}`;
  if (form.resolution !== undefined && form.aspect_ratio !== undefined) return "resolution and aspect_ratio cannot be used together";
  const checks: Array<[string, (value: string) => boolean]> = [
    ["resolution", (v) => RESOLUTIONS.has(v)],
    ["aspect_ratio", (v) => v in ASPECT_RATIOS],
    ["rendering_speed", (v) => RENDERING_SPEEDS.has(v)],
    ["style_type", (v) => STYLE_TYPES.has(v)],
    ["magic_prompt", (v) => MAGIC_PROMPT.has(v)],
    ["seed", (v) => /^\d+$/.test(v)],
  ];
  for (const [name, valid] of checks) {
    if (form[name] === undefined) continue;
    const value = one(name);
    if (value === null || value === undefined || !valid(value)) return `${name}: invalid value '${String(form[name])}'`;
  }
  return null;
}

export async function startFakeIdeogram(options: { apiKey?: string } = {}): Promise<FakeIdeogram> {
  const apiKey = options.apiKey ?? `ideogram-fake-${randomBytes(8).toString("hex")}`;
  const files = new Map<string, { bytes: Buffer; stalled: boolean }>();

  async function generateImages(x: FakeExchange, model: string, form: Record<string, string | string[]>) {
    const wrong = invalidField(form);
    if (wrong) return failure(x, 400, wrong);
    const prompt = form.prompt as string;
    if (prompt.includes("[unsafe]")) return failure(x, 422, SAFETY_MESSAGE);

    const scenario = scenarioFor(model);
    if (scenario.kind === "slow") await sleep(300);
    if (scenario.kind === "gated") await x.gate();
    const resolution = (form.resolution as string | undefined) ?? ASPECT_RATIOS[(form.aspect_ratio as string | undefined) ?? "1x1"]!;
    const [width, height] = resolution.split("x").map(Number) as [number, number];
    const large = model === "fake-large-image";
    const styleType = (form.style_type as string | undefined) ?? "GENERAL";
    const revised = form.magic_prompt === "ON" ? `${prompt}, ${MAGIC_PROMPT_SUFFIX}` : prompt;
    const data = Array.from({ length: Number(form.num_images ?? 1) }, (_, i) => {
      const seed = form.seed !== undefined ? Number(form.seed) + i : Math.floor(Math.random() * 2 ** 31);
      if (i === 0 && prompt.includes("[withhold]")) return { url: null, prompt: revised, resolution, is_image_safe: false, seed, style_type: styleType };
      const id = randomBytes(12).toString("hex");
      // the large images are smaller in pixels: noise makes them big in bytes
      files.set(id, { bytes: large ? png(Math.ceil(Math.sqrt(LARGE_IMAGE_BYTES)), Math.ceil(Math.sqrt(LARGE_IMAGE_BYTES)), true) : png(width, height), stalled: model === "fake-stalled-image" });
      return { url: `${fake.origin}/images/${id}.png`, prompt: revised, resolution, is_image_safe: true, seed, style_type: styleType };
    });
    x.json(200, { created: new Date().toISOString(), data });
  }

  const fake = await startHttpFake(async (x) => {
    const path = x.url.pathname;
    const image = /^\/images\/([0-9a-f]+)\.png$/.exec(path);
    if (x.req.method === "GET" && image) {
      const file = files.get(image[1]!);
      if (!file) return failure(x, 404, "Not Found");
      if (file.stalled) return; // never answers
      x.res.writeHead(200, { "content-type": "image/png", "content-length": String(file.bytes.length) });
      x.res.end(file.bytes);
      return x.finish();
    }
    const route = /^\/v1\/([^/]+)\/generate$/.exec(path);
    if (x.req.method !== "POST" || !route) return failure(x, 404, "Not Found");
    if (x.req.headers["api-key"] !== apiKey) return failure(x, 401, "Invalid API key");
    const model = decodeURIComponent(route[1]!);
    const form = await readForm(x);
    x.record.body = form;
    const scenario = scenarioFor(model);
    if (scenario.kind === "error") return failure(x, scenario.status, `fake error ${scenario.status}`, scenario.status === 429 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {});
    if (scenario.kind === "hang") return; // never answers; the client must time out or give up
    if (model !== IDEOGRAM_MODEL && !model.startsWith("fake-")) return failure(x, 404, "Not Found");
    return generateImages(x, model, form);
  });

  return { ...fake, url: fake.origin, apiKey };
}
