// Speaks to the fake Ideogram exactly as Ideogram's reference shows (fetch, a FormData body, the key in
// Api-Key), so the fake stays true to the wire format the adapter is written against.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_AFTER_SECONDS } from "./contract";
import { IDEOGRAM_MODEL, LARGE_IMAGE_BYTES, MAGIC_PROMPT_SUFFIX, SAFETY_MESSAGE, png, startFakeIdeogram, type FakeIdeogram } from "./ideogram";

let fake: FakeIdeogram;
beforeAll(async () => {
  fake = await startFakeIdeogram();
});
afterAll(() => fake.close());

interface Generation {
  created: string;
  data: Array<{ url: string | null; prompt: string; resolution: string; is_image_safe: boolean; seed: number; style_type: string }>;
}

async function generate(fields: Record<string, string>, options: { model?: string; apiKey?: string } = {}) {
  const formData = new FormData();
  for (const [name, value] of Object.entries(fields)) formData.append(name, value);
  const response = await fetch(`${fake.url}/v1/${options.model ?? IDEOGRAM_MODEL}/generate`, {
    method: "POST",
    headers: { "Api-Key": options.apiKey ?? fake.apiKey },
    body: formData,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Generation & { error?: string } };
}

/** width and height from a PNG's IHDR chunk */
const pngSize = (bytes: Buffer) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];

describe("POST /v1/ideogram-v3/generate", () => {
  it("generates the images asked for, each a link to a real PNG of the answer's resolution", async () => {
    const { status, body } = await generate({ prompt: "A photo of a cat", rendering_speed: "TURBO", num_images: "2", resolution: "1280x768" });

    expect(status).toBe(200);
    expect(Number.isNaN(Date.parse(body.created))).toBe(false);
    expect(body.data).toHaveLength(2);
    for (const image of body.data) {
      expect(image).toMatchObject({ prompt: "A photo of a cat", resolution: "1280x768", is_image_safe: true, seed: expect.any(Number), style_type: "GENERAL" });
      expect(image.url).toMatch(new RegExp(`^${fake.url}/images/[0-9a-f]+\\.png$`));
      const file = await fetch(image.url!);
      expect(file.headers.get("content-type")).toBe("image/png");
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe("PNG");
      expect(pngSize(bytes)).toEqual([1280, 768]);
    }
    expect(body.data[0]!.url).not.toBe(body.data[1]!.url);
  });

  it("records the form as it was sent, with the key", async () => {
    await generate({ prompt: "A lighthouse", aspect_ratio: "16x9", style_type: "DESIGN", magic_prompt: "OFF", negative_prompt: "fog", seed: "42" });
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe("/v1/ideogram-v3/generate");
    expect(request.headers["api-key"]).toBe(fake.apiKey);
    expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.body).toEqual({ prompt: "A lighthouse", aspect_ratio: "16x9", style_type: "DESIGN", magic_prompt: "OFF", negative_prompt: "fog", seed: "42" });
  });

  it("draws an aspect ratio at Ideogram's resolution for it, 1x1 by default, and rewrites the prompt with magic prompt on", async () => {
    const wide = await generate({ prompt: "A road", aspect_ratio: "16x9", seed: "7", magic_prompt: "ON" });
    expect(wide.body.data[0]).toMatchObject({ resolution: "1312x736", seed: 7, prompt: `A road, ${MAGIC_PROMPT_SUFFIX}` });
    const square = await generate({ prompt: "A square" });
    expect(square.body.data).toHaveLength(1);
    expect(square.body.data[0]!.resolution).toBe("1024x1024");
  });

  it("refuses a wrong key with 401 before it reads the form", async () => {
    const { status, body } = await generate({}, { apiKey: "not-the-key" });
    expect(status).toBe(401);
    expect(body).toEqual({ error: "Invalid API key" });
  });

  it("refuses invalid input with 400", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, "prompt"],
      [{ prompt: "x", num_images: "9" }, "num_images"],
      [{ prompt: "x", rendering_speed: "FAST" }, "rendering_speed"],
      [{ prompt: "x", resolution: "1000x1000" }, "resolution"],
      [{ prompt: "x", aspect_ratio: "16:9" }, "aspect_ratio"],
      [{ prompt: "x", resolution: "1024x1024", aspect_ratio: "1x1" }, "resolution and aspect_ratio"],
      [{ prompt: "x", style_type: "realistic" }, "style_type"],
    ];
    for (const [fields, named] of cases) {
      const { status, body } = await generate(fields);
      expect(status, JSON.stringify(fields)).toBe(400);
      expect(body.error).toContain(named);
    }
  });

  it("refuses a prompt that fails the safety check with 422, and withholds an image that fails it after generation", async () => {
    expect(await generate({ prompt: "something [unsafe]" })).toMatchObject({ status: 422, body: { error: SAFETY_MESSAGE } });
    const { status, body } = await generate({ prompt: "mostly fine [withhold]", num_images: "2" });
    expect(status).toBe(200);
    expect(body.data[0]).toMatchObject({ url: null, is_image_safe: false });
    expect(body.data[1]).toMatchObject({ url: expect.any(String), is_image_safe: true });
  });

  it("plays the contract's scenarios by model", async () => {
    const limited = await generate({ prompt: "x" }, { model: "fake-error-429" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect((await generate({ prompt: "x" }, { model: "fake-error-503" })).status).toBe(503);
    expect((await generate({ prompt: "x" }, { model: "V_3" })).status).toBe(404);
  });

  it("serves the fake-large-image model's files past LARGE_IMAGE_BYTES", async () => {
    const { body } = await generate({ prompt: "noise" }, { model: "fake-large-image" });
    const bytes = Buffer.from(await (await fetch(body.data[0]!.url!)).arrayBuffer());
    expect(bytes.length).toBeGreaterThan(LARGE_IMAGE_BYTES);
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
  });
});

describe("png", () => {
  it("writes a PNG whose header has the size, and noise that does not compress", () => {
    expect(pngSize(png(3, 2))).toEqual([3, 2]);
    expect(png(256, 256).length).toBeLessThan(2048);
    expect(png(256, 256, true).length).toBeGreaterThan(256 * 256);
  });
});
