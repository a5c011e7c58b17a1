import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
});
afterAll(async () => {
  await f?.close();
});

describe("embeddings", () => {
  it("returns float vectors for several inputs and records the tokens and cost", async () => {
    const { data, response } = await f.client.embeddings
      .create({ model: "text-embedding-3-small", input: ["the quick brown fox", "jumps"], encoding_format: "float" })
      .withResponse();
    expect(data.object).toBe("list");
    expect(data.model).toBe("text-embedding-3-small");
    expect(data.data).toHaveLength(2);
    expect(data.data[1]!.index).toBe(1);
    expect(data.data[0]!.embedding).toHaveLength(8);
    expect(data.usage.prompt_tokens).toBe(5);
    expect(f.upstream.requests.at(-1)!.body).toMatchObject({ model: "text-embedding-3-small", input: ["the quick brown fox", "jumps"] });
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    // 5 tokens × $0.02 / 1M
    expect(event).toMatchObject({ endpoint: "embeddings", status: 200, promptTokens: 5, completionTokens: 0, costNanoUsd: 100n });
  });

  it("decodes the SDK's default base64 encoding to the same vectors", async () => {
    const float = await f.client.embeddings.create({ model: "text-embedding-3-small", input: "hello world", encoding_format: "float", dimensions: 4 });
    const viaBase64 = await f.client.embeddings.create({ model: "text-embedding-3-small", input: "hello world", dimensions: 4 });
    expect(f.upstream.requests.at(-1)!.body).toMatchObject({ encoding_format: "base64", dimensions: 4 });
    const a = float.data[0]!.embedding;
    const b = viaBase64.data[0]!.embedding;
    expect(b).toHaveLength(4);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
  });

  it("validates the input", async () => {
    const failure = await f.client.embeddings.create({ model: "text-embedding-3-small", input: [] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("input");
  });
});

describe("models", () => {
  it("lists every enabled public model for an unscoped key, in OpenAI's list shape", async () => {
    const page = await f.client.models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual(["gpt-4o-mini", "text-embedding-3-small"]);
    expect(page.data[0]).toMatchObject({ object: "model", owned_by: "fake", created: expect.any(Number) });
  });

  it("lists only the models a scoped key may use", async () => {
    const { secret } = await f.lib.createApiKey({ userEmail: MEMBER, models: ["text-embedding-*"] }, "test");
    const scoped = new OpenAI({ baseURL: f.hub.baseURL, apiKey: secret, maxRetries: 0 });
    const { value: page } = await eventually(() => scoped.models.list());
    expect(page.data.map((m) => m.id)).toEqual(["text-embedding-3-small"]);
    await expect(scoped.models.retrieve("gpt-4o-mini")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await scoped.models.retrieve("text-embedding-3-small")).id).toBe("text-embedding-3-small");
  });

  it("shows a model added by an operator within a second", async () => {
    await f.lib.addModel({ name: "team/fast-chat", provider: "fake", upstreamModel: "gpt-4o-mini", type: "chat" }, "test");
    const { effectiveAfterMs } = await eventually(async () => {
      const ids = (await f.client.models.list()).data.map((m) => m.id);
      if (!ids.includes("team/fast-chat")) throw new Error("not listed yet");
    }, 3000, 20);
    expect(effectiveAfterMs).toBeLessThan(1000);
    expect((await f.client.models.retrieve("team/fast-chat")).id).toBe("team/fast-chat");
  });
});
