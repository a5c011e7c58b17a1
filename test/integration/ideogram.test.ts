import { AIGNEHubImageModel } from "@aigne/aigne-hub";
import { AIGNE } from "@aigne/core";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_AFTER_SECONDS } from "../fakes/contract";
import { IDEOGRAM_MODEL, startFakeIdeogram, type FakeIdeogram } from "../fakes/ideogram";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// Ideogram through the hub: the openai SDK's images.generate and the AIGNE framework's image model,
// unmodified, routed to the fake Ideogram speaking its multipart wire format. What reaches Ideogram,
// what comes back (links, or the downloaded files), how its failures reach the client, and that holds
// bound concurrent calls at a per-image price.

let f: HubFixture;
let ideogram: FakeIdeogram;
const aigne = new AIGNE();
/** the hub downloads at most this many bytes of images for one answer (b64_json) */
const MAX_IMAGE_BYTES = 128 * 1024;
const WRONG_KEY = "ideogram-revoked-key-0123456789";

beforeAll(async () => {
  f = await startHubFixture({ env: { HUB_IMAGE_FETCH_MAX_BYTES: String(MAX_IMAGE_BYTES), HUB_IMAGE_FETCH_TIMEOUT_MS: "1000" } });
  ideogram = await startFakeIdeogram();
  await f.lib.addProvider({ type: "ideogram", name: "ideogram", baseUrl: ideogram.url, apiKey: ideogram.apiKey }, "test");
  // no model of its own: "ideogram-direct/<upstream model>" reaches Ideogram unpriced, and gives up after a second
  await f.lib.addProvider({ type: "ideogram", name: "ideogram-direct", baseUrl: ideogram.url, apiKey: ideogram.apiKey, timeoutMs: 1000 }, "test");
  await f.lib.addProvider({ type: "ideogram", name: "ideogram-revoked", baseUrl: ideogram.url, apiKey: WRONG_KEY }, "test");
  const add = (name: string, provider = "ideogram") => f.lib.addModel({ name, provider, upstreamModel: IDEOGRAM_MODEL, type: "image", imageUsd: "0.06" }, "test");
  await add("ideogram-v3");
  await add("ideogram-revoked-v3", "ideogram-revoked");
  await eventually(() => f.client.models.retrieve("ideogram-revoked-v3"), 3000);
  process.env.AIGNE_HUB_API_URL = f.hub.url;
  process.env.AIGNE_HUB_API_KEY = f.apiKey;
}, 60_000);

afterAll(async () => {
  delete process.env.AIGNE_HUB_API_URL;
  delete process.env.AIGNE_HUB_API_KEY;
  await f?.close();
  await ideogram?.close();
});

const generations = () => ideogram.requests.filter((r) => r.path.endsWith("/generate"));
const lastGeneration = () => generations().at(-1)!;
const pngSize = (bytes: Buffer) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];

async function apiErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable("the call should have failed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe("images.generate with the openai SDK", () => {
  it("answers Ideogram's links, sends Ideogram's form with the hub's key, and meters per image", async () => {
    const prompt = "a lighthouse at dusk";
    const { data, response } = await f.client.images.generate({ model: "ideogram-v3", prompt, n: 2, size: "1024x1024", quality: "low" }).withResponse();

    expect(data.data).toHaveLength(2);
    for (const image of data.data!) {
      expect(image.url).toMatch(new RegExp(`^${ideogram.origin}/images/[0-9a-f]+\\.png$`));
      expect(image.revised_prompt).toBe(prompt);
    }
    const sent = lastGeneration();
    expect(sent.path).toBe("/v1/ideogram-v3/generate");
    expect(sent.headers["api-key"]).toBe(ideogram.apiKey);
    expect(sent.headers["authorization"]).toBeUndefined();
    expect(sent.body).toEqual({ prompt, num_images: "2", resolution: "1024x1024", rendering_speed: "TURBO" });
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ endpoint: "images", status: 200, images: 2, providerName: "ideogram", upstreamModel: IDEOGRAM_MODEL, costNanoUsd: 120_000_000n });
  });

  it("downloads the images for b64_json, a size Ideogram does not draw sent as the nearest aspect ratio", async () => {
    const { data, response } = await f.client.images.generate({ model: "ideogram-v3", prompt: "a wide road", size: "1024x576", response_format: "b64_json" }).withResponse();

    const bytes = Buffer.from(data.data![0]!.b64_json!, "base64");
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    // the fake draws 16x9 at 1312x736, as Ideogram does
    expect(pngSize(bytes)).toEqual([1312, 736]);
    expect(data.output_format).toBe("png");
    expect(data.data![0]!.url).toBeUndefined();
    expect(lastGeneration().body).toEqual({ prompt: "a wide road", num_images: "1", aspect_ratio: "16x9" });
    expect(await f.usageEvent(response.headers.get("x-request-id")!)).toMatchObject({ status: 200, images: 1, costNanoUsd: 60_000_000n });
  });

  it("sends a dearer quality to Ideogram as its dearer rendering speed when the model is not priced per image", async () => {
    // per-image prices cover standard images only: the hub refuses 'high' for them before anything is held
    const refused = await apiErrorOf(f.client.images.generate({ model: "ideogram-v3", prompt: "x", quality: "high" }));
    expect(refused).toMatchObject({ status: 400, code: "unsupported_parameter", param: "quality" });
    await f.client.images.generate({ model: "ideogram-direct/ideogram-v3", prompt: "a detailed map", quality: "high", style: "design" as "natural" });
    expect(lastGeneration().body).toMatchObject({ rendering_speed: "QUALITY", style_type: "DESIGN" });
  });

  it("refuses what Ideogram cannot draw before anything is sent", async () => {
    const before = generations().length;
    const badSize = await apiErrorOf(f.client.images.generate({ model: "ideogram-direct/ideogram-v3", prompt: "x", size: "huge" as "auto" }));
    expect(badSize).toMatchObject({ status: 400, code: "invalid_request" });
    expect(badSize.message).toContain("size must be");
    const transparent = await apiErrorOf(f.client.images.generate({ model: "ideogram-direct/ideogram-v3", prompt: "x", background: "transparent" }));
    expect(transparent.status).toBe(400);
    expect(generations().length).toBe(before);
  });
});

describe("the AIGNE framework's image model", () => {
  it("gets Ideogram's links through /api/v2/image, or the files when it asks for them", async () => {
    const model = new AIGNEHubImageModel({ model: "ideogram-v3" });
    const { value: linked } = await eventually(() => aigne.invoke(model, { prompt: "a red kite", outputFileType: "url" }), 5000);
    expect(linked.images).toEqual([{ type: "url", url: expect.stringMatching(new RegExp(`^${ideogram.origin}/images/`)) }]);
    expect(lastGeneration().body).toEqual({ prompt: "a red kite", num_images: "1" });

    const filed = await aigne.invoke(model, { prompt: "a blue kite", n: 2, modelOptions: { size: "1024x1024", quality: "medium" }, outputFileType: "file" });
    expect(filed.images).toHaveLength(2);
    for (const image of filed.images) {
      expect(image).toMatchObject({ type: "file", mimeType: "image/png" });
      expect(pngSize(Buffer.from((image as { data: string }).data, "base64"))).toEqual([1024, 1024]);
    }
    expect(lastGeneration().body).toEqual({ prompt: "a blue kite", num_images: "2", resolution: "1024x1024", rendering_speed: "DEFAULT" });
    const { value: event } = await eventually(() => f.db.usageEvent.findFirstOrThrow({ where: { endpoint: "images", requestedModel: "ideogram-v3", images: 2 }, orderBy: { startedAt: "desc" } }));
    expect(event).toMatchObject({ images: 2, status: 200 });
  });
});

describe("failures", () => {
  it("gives the client a clean 502 for a key Ideogram refuses, naming neither the key nor Ideogram's URL, and suspends the key", async () => {
    const error = await apiErrorOf(f.client.images.generate({ model: "ideogram-revoked-v3", prompt: "anything" }));
    expect(error).toMatchObject({ status: 502, code: "upstream_auth_failed", type: "upstream_error" });
    const told = JSON.stringify(error.error);
    for (const secret of [WRONG_KEY, ideogram.origin, new URL(ideogram.origin).port]) expect(told).not.toContain(secret);
    expect(told).toContain("ideogram-revoked");
    await eventually(async () => {
      const credential = await f.db.credential.findFirstOrThrow({ where: { provider: { name: "ideogram-revoked" } } });
      expect(credential.status).toBe("suspended");
    }, 5000);
  });

  it("answers chat routed to Ideogram with 400 unsupported_by_provider, streamed or not", async () => {
    const before = ideogram.requests.length;
    const messages = [{ role: "user" as const, content: "hello" }];
    for (const stream of [false, true]) {
      // a registered image model is refused for chat by its type (wrong_model_type); a direct route reaches the adapter
      const error = await apiErrorOf(f.client.chat.completions.create({ model: "ideogram-direct/ideogram-v3", messages, stream }));
      expect(error).toMatchObject({ status: 400, code: "unsupported_by_provider", param: "model" });
      expect(error.message).toContain("The provider 'ideogram-direct' has no chat API.");
    }
    expect(ideogram.requests.length).toBe(before);
  });

  it("turns Ideogram's safety refusal into OpenAI's 400 content_policy_violation, charging nothing", async () => {
    const error = await apiErrorOf(f.client.images.generate({ model: "ideogram-v3", prompt: "something [unsafe]" }));
    expect(error).toMatchObject({ status: 400, code: "content_policy_violation", param: "prompt" });
    const event = await f.usageEvent(error.headers!.get("x-request-id")!);
    expect(event).toMatchObject({ status: 400, images: 0, costNanoUsd: 0n });
  });

  it("passes rate limits on with Retry-After, hides 5xx texts, and times out a silent Ideogram", async () => {
    const limited = await apiErrorOf(f.client.images.generate({ model: "ideogram/fake-error-429", prompt: "x" }));
    expect(limited.status).toBe(429);
    expect(limited.headers?.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    const down = await apiErrorOf(f.client.images.generate({ model: "ideogram/fake-error-500", prompt: "x" }));
    expect(down).toMatchObject({ status: 502, code: "upstream_error", error: { message: "The upstream provider 'ideogram' failed (HTTP 500)." } });
    const silent = await apiErrorOf(f.client.images.generate({ model: "ideogram-direct/fake-hang", prompt: "x" }));
    expect(silent).toMatchObject({ status: 504, code: "upstream_timeout" });
  });

  it("bounds the download of b64_json images in bytes and time", async () => {
    const large = await apiErrorOf(f.client.images.generate({ model: "ideogram/fake-large-image", prompt: "noise", response_format: "b64_json" }));
    expect(large).toMatchObject({ status: 502, code: "upstream_error" });
    const stalled = await apiErrorOf(f.client.images.generate({ model: "ideogram/fake-stalled-image", prompt: "x", response_format: "b64_json" }));
    expect(stalled).toMatchObject({ status: 502, code: "upstream_error" });
    // the links alone are fine
    const linked = await f.client.images.generate({ model: "ideogram/fake-large-image", prompt: "noise" });
    expect(linked.data![0]!.url).toMatch(/\/images\//);
  });

  it("checks the connection without generating an image", async () => {
    const before = ideogram.requests.length;
    const working = await f.lib.testProvider("ideogram");
    expect(working.checks[0]).toMatchObject({ ok: true, error: null });
    expect(ideogram.requests.at(-1)!.body).toEqual({});
    expect(ideogram.requests.length).toBe(before + 1);
    const revoked = await f.lib.testProvider("ideogram-revoked");
    expect(revoked.checks[0]).toMatchObject({ ok: false, error: "HTTP 401: Invalid API key" });
  });
});

describe("holds in Service Provider mode", () => {
  beforeAll(async () => {
    await f.lib.setMode("service_provider", "test");
  });

  it("never lets concurrent images spend more than the balance", async () => {
    // $0.06 an image is 60,000 credits: 130,000 pay for two
    const email = "image-buyer@test.local";
    await f.lib.createUser({ email, role: "member" }, "test");
    const { secret } = await f.lib.createApiKey({ userEmail: email }, "test");
    await f.lib.grantCredits({ userEmail: email, amount: "130000", note: "seed" }, "test");
    const accountId = (await f.db.creditAccount.findFirstOrThrow({ where: { user: { email } } })).id;
    const client = new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
    // the running hub sees the mode at its next config poll: a call refused for credit says it has
    await eventually(async () => {
      const probe = await apiErrorOf(new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 }).images.generate({ model: "ideogram-v3", prompt: "x", n: 3 }));
      expect(probe.status).toBe(402);
    }, 5000);

    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.images.generate({ model: "ideogram-v3", prompt: "a coin" }).then(() => "ok" as const, (e: unknown) => e)));
    const refused = outcomes.filter((o) => o instanceof OpenAI.APIError && o.status === 402);
    expect(outcomes.filter((o) => o !== "ok" && !refused.includes(o))).toEqual([]);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(2);
    expect(refused).toHaveLength(4);

    await eventually(async () => {
      const account = await f.db.creditAccount.findUniqueOrThrow({ where: { id: accountId } });
      expect(account.heldMicrocredits).toBe(0n);
      expect(account.balanceMicrocredits).toBe(10_000_000_000n);
    }, 10_000);
    const { reconcileLedger } = await import("@/lib/billing/reconcile");
    expect(await reconcileLedger([accountId])).toEqual([]);
  });
});
