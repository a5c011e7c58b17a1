// The Ideogram adapter alone, against the fake Ideogram: what an OpenAI images request becomes on
// Ideogram's form, what comes back, and how Ideogram's failures reach the gateway.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImagesRequest } from "@/lib/canonical/schema";
import { ideogramAdapter, toIdeogramForm } from "@/lib/providers/ideogram";
import { downloadGeneratedImages } from "@/lib/providers/shared/generated-images";
import type { ImageFetchSettings } from "@/lib/providers/shared/images";
import type { UpstreamTarget } from "@/lib/providers/types";
import { UpstreamError } from "@/lib/providers/upstream-error";
import { RETRY_AFTER_SECONDS } from "../fakes/contract";
import { IDEOGRAM_MODEL, SAFETY_MESSAGE, startFakeIdeogram, type FakeIdeogram } from "../fakes/ideogram";

let fake: FakeIdeogram;
beforeAll(async () => {
  fake = await startFakeIdeogram();
});
afterAll(() => fake.close());

const fields = (request: Partial<ImagesRequest>) => Object.fromEntries(toIdeogramForm({ model: "m", prompt: "a cat", ...request } as ImagesRequest).entries());

const target = (upstreamModel = IDEOGRAM_MODEL, apiKey = fake.apiKey, baseUrl = fake.url): UpstreamTarget => ({
  provider: { id: "p", type: "ideogram", name: "ideogram", baseUrl, region: null, config: {} },
  credential: { id: "c", secret: { apiKey }, weight: 1 },
  upstreamModel,
});
const call = (timeoutMs = 5000, signal = new AbortController().signal) => ({ signal, timeoutMs });
const generate = (request: Partial<ImagesRequest>, on = target(), options = call()) =>
  ideogramAdapter.generateImages!({ model: "ideogram", prompt: "a cat", ...request } as ImagesRequest, on, options);

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("the request on Ideogram's form", () => {
  it("sends the prompt and n as num_images", () => {
    expect(fields({})).toEqual({ prompt: "a cat", num_images: "1" });
    expect(fields({ n: 4 })).toMatchObject({ num_images: "4" });
  });

  it("sends a size Ideogram draws as its resolution, any other as the nearest aspect ratio", () => {
    expect(fields({ size: "1024x1024" })).toMatchObject({ resolution: "1024x1024" });
    expect(fields({ size: "1280x768" })).toMatchObject({ resolution: "1280x768" });
    const ratio = (size: string) => {
      const sent = fields({ size });
      expect(sent.resolution).toBeUndefined();
      return sent.aspect_ratio;
    };
    expect(ratio("1024x576")).toBe("16x9");
    expect(ratio("1792x1024")).toBe("16x9");
    expect(ratio("1024x1792")).toBe("9x16");
    expect(ratio("1536x1024")).toBe("3x2");
    expect(ratio("1024x1536")).toBe("2x3");
    expect(ratio("512x512")).toBe("1x1");
    expect(ratio("3000x1000")).toBe("3x1");
    expect(fields({ size: "auto" })).toEqual({ prompt: "a cat", num_images: "1" });
  });

  it("maps quality to Ideogram's rendering speed, and style to its style type", () => {
    expect(fields({ quality: "low" })).toMatchObject({ rendering_speed: "TURBO" });
    for (const quality of ["medium", "auto", "standard"]) expect(fields({ quality })).toMatchObject({ rendering_speed: "DEFAULT" });
    for (const quality of ["high", "hd"]) expect(fields({ quality })).toMatchObject({ rendering_speed: "QUALITY" });
    expect(fields({ style: "realistic" })).toMatchObject({ style_type: "REALISTIC" });
    expect(fields({ style: "DESIGN" })).toMatchObject({ style_type: "DESIGN" });
  });

  it("refuses what Ideogram cannot do rather than dropping it", () => {
    const refusal = (request: Record<string, unknown>) => {
      try {
        fields(request as Partial<ImagesRequest>);
      } catch (error) {
        expect(error).toBeInstanceOf(UpstreamError);
        expect((error as UpstreamError).kind).toBe("request");
        return (error as UpstreamError).message;
      }
      return expect.unreachable("the request should have been refused");
    };
    expect(refusal({ size: "big" })).toMatch(/^size must be/);
    expect(refusal({ size: "0x1024" })).toMatch(/^size must be/);
    expect(refusal({ quality: "ultra" })).toMatch(/^quality must be/);
    expect(refusal({ style: "vivid" })).toMatch(/^style must be/);
    expect(refusal({ background: "transparent" })).toMatch(/opaque/);
    expect(refusal({ output_format: "webp" })).toMatch(/PNG/);
  });
});

describe("generateImages", () => {
  it("answers Ideogram's links as OpenAI image objects, with the prompt it used as revised_prompt", async () => {
    const result = await generate({ n: 2, size: "1024x576", quality: "high" });
    expect(result.created).toBeGreaterThan(1_700_000_000);
    expect(result.data).toHaveLength(2);
    for (const image of result.data!) {
      expect(image.url).toMatch(new RegExp(`^${fake.origin}/images/`));
      expect(image.revised_prompt).toBe("a cat");
      expect(image.b64_json).toBeUndefined();
    }
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe("/v1/ideogram-v3/generate");
    expect(sent.headers["api-key"]).toBe(fake.apiKey);
    expect(sent.body).toEqual({ prompt: "a cat", num_images: "2", aspect_ratio: "16x9", rendering_speed: "QUALITY" });
  });

  it("downloads the images when asked for b64_json", async () => {
    const result = await generate({ response_format: "b64_json", size: "1024x1024" });
    expect(result.output_format).toBe("png");
    const bytes = Buffer.from(result.data![0]!.b64_json!, "base64");
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(result.data![0]!.url).toBeUndefined();
    expect(fake.requests.at(-1)!.path).toMatch(/^\/images\//);
  });

  it("leaves out images Ideogram's safety check withheld, and refuses when it withheld them all", async () => {
    const partly = await generate({ prompt: "two [withhold]", n: 2 });
    expect(partly.data).toHaveLength(1);
    const all = await failureOf(generate({ prompt: "one [withhold]" }));
    expect(all).toMatchObject({ kind: "http", status: 400, code: "content_policy_violation", param: "prompt" });
  });

  it("turns Ideogram's safety refusal (422) into OpenAI's 400 content_policy_violation", async () => {
    const error = await failureOf(generate({ prompt: "a [unsafe] thing" }));
    expect(error).toMatchObject({ kind: "http", status: 400, type: "invalid_request_error", code: "content_policy_violation", message: SAFETY_MESSAGE });
  });

  it("passes Ideogram's own 400 on with its message", async () => {
    const error = await failureOf(generate({ n: 10 }));
    expect(error).toMatchObject({ kind: "http", status: 400 });
    expect(error.message).toContain("num_images");
  });

  it("reports a refused key as 401, a rate limit with its Retry-After, and a 5xx as is, naming neither key nor URL", async () => {
    const refused = await failureOf(generate({}, target(IDEOGRAM_MODEL, "wrong-key")));
    expect(refused).toMatchObject({ kind: "http", status: 401, message: "Invalid API key" });
    const limited = await failureOf(generate({}, target("fake-error-429")));
    expect(limited).toMatchObject({ kind: "http", status: 429, retryAfter: RETRY_AFTER_SECONDS });
    const down = await failureOf(generate({}, target("fake-error-503")));
    expect(down).toMatchObject({ kind: "http", status: 503 });
    for (const error of [refused, limited, down]) {
      expect(error.message).not.toContain(fake.apiKey);
      expect(error.message).not.toContain(fake.origin);
    }
  });

  it("reads the other error bodies an Ideogram (or a proxy in front of it) may answer", async () => {
    const answers: Record<string, [number, string]> = {
      validation: [422, JSON.stringify({ detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "missing" }] })],
      detail: [403, JSON.stringify({ detail: "Not authenticated" })],
      nested: [400, JSON.stringify({ error: { message: "bad seed" } })],
      proxy: [502, "<html><body>502 Bad Gateway</body></html>\n<hr>"],
      garbled: [200, "{not json"],
    };
    const server = http.createServer((req, res) => {
      const [status, body] = answers[/^\/v1\/([^/]+)\//.exec(req.url ?? "")![1]!]!;
      res.writeHead(status, { "content-type": body.startsWith("<") ? "text/html" : "application/json" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const at = (model: string) => target(model, "k", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      expect(await failureOf(generate({}, at("validation")))).toMatchObject({ status: 400, code: null, message: "Field required" });
      expect(await failureOf(generate({}, at("detail")))).toMatchObject({ status: 403, message: "Not authenticated" });
      expect(await failureOf(generate({}, at("nested")))).toMatchObject({ status: 400, message: "bad seed" });
      expect(await failureOf(generate({}, at("proxy")))).toMatchObject({ status: 502, message: "<html><body>502 Bad Gateway</body></html>" });
      expect(await failureOf(generate({}, at("garbled")))).toMatchObject({ status: 502, message: "Ideogram's answer is not the generation result it documents" });
    } finally {
      server.close();
    }
  });

  it("times out, is cancelled with the client, and tells an unreachable upstream apart", async () => {
    expect(await failureOf(generate({}, target("fake-hang"), call(200)))).toMatchObject({ kind: "timeout" });
    const controller = new AbortController();
    const pending = generate({}, target("fake-hang"), call(5000, controller.signal));
    setTimeout(() => controller.abort(), 50);
    expect(await failureOf(pending)).toMatchObject({ kind: "aborted" });
    // a port nothing listens on (fetch refuses well-known ports such as 1 before connecting)
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    expect(await failureOf(generate({}, target(IDEOGRAM_MODEL, fake.apiKey, `http://127.0.0.1:${port}`)))).toMatchObject({ kind: "connection" });
  });

  it("refuses chat in the gateway's unsupported_by_provider shape, sending nothing", async () => {
    const before = fake.requests.length;
    const request = { model: "ideogram", messages: [{ role: "user" as const, content: "hi" }] };
    for (const attempt of [ideogramAdapter.chat(request, target(), call()), ideogramAdapter.streamChat(request, target(), call())]) {
      expect(await failureOf(attempt)).toMatchObject({ kind: "http", status: 400, code: "unsupported_by_provider", param: "model", message: "The provider 'ideogram' has no chat API." });
    }
    expect(fake.requests.length).toBe(before);
  });
});

describe("testConnection", () => {
  it("passes with a working key without generating anything, and fails with a refused one", async () => {
    await ideogramAdapter.testConnection(target(), call());
    const probe = fake.requests.at(-1)!;
    expect(probe.path).toBe("/v1/ideogram-v3/generate");
    expect(probe.body).toEqual({});
    expect(await failureOf(ideogramAdapter.testConnection(target(IDEOGRAM_MODEL, "wrong-key"), call()))).toMatchObject({ status: 401 });
  });
});

describe("downloading generated images", () => {
  const settings = (overrides: Partial<ImageFetchSettings> = {}): ImageFetchSettings => ({
    maxImages: 4,
    maxBytes: 1024 * 1024,
    timeoutMs: 2000,
    maxRedirects: 3,
    allowHosts: new Set(),
    allowPrivate: false,
    ...overrides,
  });
  const linksFrom = async (model: string, n = 1) => (await generate({ n }, target(model))).data!.map((image) => image.url!);
  const signal = new AbortController().signal;

  it("stops at the byte budget and at the deadline, failing as a 502", async () => {
    const large = await failureOf(downloadGeneratedImages(await linksFrom("fake-large-image"), fake.url, signal, settings({ maxBytes: 64 * 1024 })));
    expect(large).toMatchObject({ kind: "http", status: 502 });
    expect(large.message).toMatch(/larger than 65536 bytes/);
    const stalled = await failureOf(downloadGeneratedImages(await linksFrom("fake-stalled-image", 2), fake.url, signal, settings({ timeoutMs: 300 })));
    expect(stalled).toMatchObject({ kind: "http", status: 502, message: "the generated image could not be downloaded: not within 300 ms" });
  });

  it("fetches private addresses only on the provider's own host", async () => {
    const links = await linksFrom(IDEOGRAM_MODEL);
    const refused = await failureOf(downloadGeneratedImages(links, "https://api.ideogram.ai", signal, settings()));
    expect(refused.message).toMatch(/not allowed/);
    const [image] = await downloadGeneratedImages(links, fake.url, signal, settings());
    expect(image!.mediaType).toBe("image/png");
  });
});
