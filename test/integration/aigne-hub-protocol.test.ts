import { AIGNEHubChatModel, AIGNEHubImageModel, AIGNEHubVideoModel } from "@aigne/aigne-hub";
import { AIGNE } from "@aigne/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_ARGUMENTS } from "../fakes/contract";
import { FAKE_PNG_BASE64 } from "../fakes/openai-upstream";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// The AIGNE Hub protocol, spoken by the published @aigne/aigne-hub client with @aigne/core, given
// nothing but AIGNE_HUB_API_URL and AIGNE_HUB_API_KEY: it discovers the hub, chats through it
// (streamed and not, with a tool call), and reads the model list and the caller's balance.

let f: HubFixture;
const aigne = new AIGNE();

beforeAll(async () => {
  f = await startHubFixture();
  await f.lib.setMode("service_provider", "test");
  await f.lib.grantCredits({ userEmail: MEMBER, amount: "100000" }, "test");
  process.env.AIGNE_HUB_API_URL = f.hub.url;
  process.env.AIGNE_HUB_API_KEY = f.apiKey;
});

afterAll(async () => {
  delete process.env.AIGNE_HUB_API_URL;
  delete process.env.AIGNE_HUB_API_KEY;
  await f?.close();
});

const lastUpstreamBody = () => f.upstream.requests.at(-1)!.body as Record<string, unknown> & { messages: Array<Record<string, unknown>> };
const weatherTool = { type: "function" as const, function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

describe("AIGNE Hub protocol with the real client", () => {
  it("discovers the hub's mount point from /__blocklet__.js", async () => {
    const info = (await (await fetch(`${f.hub.url}/__blocklet__.js?type=json`)).json()) as { componentMountPoints: Array<{ did: string; mountPoint: string }> };
    expect(info.componentMountPoints).toContainEqual(expect.objectContaining({ did: "z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ", mountPoint: "/" }));
  });

  it("answers a chat, charging credits the output reports", async () => {
    const model = new AIGNEHubChatModel({ model: "gpt-4o-mini" });
    const output = await aigne.invoke(model, { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello aigne" }] });
    expect(output.text).toBe("Hello from the fake upstream! You said: hello aigne");
    expect(output.usage?.inputTokens).toBeGreaterThan(0);
    expect(output.usage?.outputTokens).toBeGreaterThan(0);
    expect(output.usage?.aigneHubCredits).toBeGreaterThan(0);
    expect(lastUpstreamBody().messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hello aigne" },
    ]);
    const { value: event } = await eventually(() => f.db.usageEvent.findFirstOrThrow({ where: { endpoint: "aigne-hub" }, orderBy: { startedAt: "desc" } }));
    expect([event.promptTokens, event.completionTokens]).toEqual([output.usage!.inputTokens, output.usage!.outputTokens]);
    expect(Number(event.chargeMicrocredits) / 1e6).toBe(output.usage!.aigneHubCredits);
  });

  it("streams text deltas and takes a tool call and its result through", async () => {
    const model = new AIGNEHubChatModel({ model: "gpt-4o-mini" });
    const stream = await aigne.invoke(model, { messages: [{ role: "user", content: "stream aigne" }] }, { streaming: true });
    let text = "";
    let deltas = 0;
    for await (const chunk of stream as unknown as AsyncIterable<unknown>) {
      const piece = (chunk as { delta?: { text?: { text?: string } } }).delta?.text?.text;
      if (piece) {
        text += piece;
        deltas++;
      }
    }
    expect(text).toBe("Hello from the fake upstream! You said: stream aigne");
    expect(deltas).toBeGreaterThan(1);

    const question = { role: "user" as const, content: "Weather in Paris?" };
    // the tool call streamed: it arrives whole in the closing json delta
    const toolStream = await aigne.invoke(model, { messages: [question], tools: [weatherTool] }, { streaming: true });
    let toolTurn: { toolCalls?: Array<{ id: string; type: "function"; function: { name: string; arguments: Record<string, unknown> } }> } = {};
    for await (const chunk of toolStream as unknown as AsyncIterable<{ delta?: { json?: typeof toolTurn } }>) toolTurn = { ...toolTurn, ...chunk.delta?.json };
    expect(toolTurn.toolCalls).toEqual([{ id: expect.any(String), type: "function", function: { name: "get_weather", arguments: TOOL_ARGUMENTS } }]);
    const call = toolTurn.toolCalls![0]!;
    const answer = await aigne.invoke(
      model,
      {
        messages: [question, { role: "agent", toolCalls: [call] }, { role: "tool", toolCallId: call.id, content: JSON.stringify({ temperature: 18 }) }],
        tools: [weatherTool],
        toolChoice: "none",
      },
      { streaming: false },
    );
    expect(answer.text).toContain("Hello from the fake upstream!");
    expect(lastUpstreamBody().messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: "get_weather", arguments: JSON.stringify(TOOL_ARGUMENTS) } }] },
      { role: "tool", tool_call_id: call.id, content: '{"temperature":18}' },
    ]);
  });

  it("generates images with the client's image model, and embeds text in OpenAI's shape", async () => {
    await f.lib.addModel({ name: "gpt-image-1", provider: "fake", upstreamModel: "gpt-image-1", type: "image", imageUsd: "0.04" }, "test");
    const images = new AIGNEHubImageModel({ model: "gpt-image-1" });
    const { value: output } = await eventually(() => aigne.invoke(images, { prompt: "a red square", outputFileType: "file" }), 5000);
    expect(output.images).toEqual([{ type: "file", data: FAKE_PNG_BASE64, mimeType: "image/png" }]);
    expect(output.usage).toMatchObject({ inputTokens: 9, outputTokens: 272 });
    expect(output.usage?.aigneHubCredits).toBeGreaterThan(0);

    const res = await fetch(`${f.hub.url}/api/v2/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "text-embedding-3-small", input: ["one", "two"] }),
    });
    const embedded = (await res.json()) as { object: string; data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(res.status).toBe(200);
    expect(embedded.object).toBe("list");
    expect(embedded.data).toHaveLength(2);
    expect(embedded.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("lists models with per-token credit prices, and the key's user and balance", async () => {
    const model = new AIGNEHubChatModel({ model: "gpt-4o-mini" });
    const models = await model.models();
    const listed = models.find((m) => m.model === "gpt-4o-mini")!;
    expect(listed).toMatchObject({ type: "chat", provider: "openai", providerDisplayName: "fake", status: { available: true } });
    // $0.15 per 1M input tokens at $0.000001 per credit, no margin: 0.15 credits per token
    expect(listed.input_credits_per_token).toBe("0.15");
    expect(listed.output_credits_per_token).toBe("0.6");

    const info = (await (await fetch(`${f.hub.url}/api/user/info`, { headers: { authorization: `Bearer ${f.apiKey}` } })).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ enableCredit: true, user: { email: MEMBER }, creditBalance: { total: "100000", grantCount: 1 } });
    expect(Number((info.creditBalance as { balance: string }).balance)).toBeLessThan(100000);
  });

  it("lists every model type, each priced in its unit, asked by the hub's type names or the original hub's", async () => {
    const add = (input: Parameters<typeof f.lib.addModel>[0]) => f.lib.addModel(input, "test");
    await add({ name: "whisper", provider: "fake", upstreamModel: "whisper-1", type: "transcription", audioUsdPerMinute: "0.006" });
    await add({ name: "tts", provider: "fake", upstreamModel: "tts-1", type: "speech", charactersUsdPer1M: "15" });
    await add({ name: "moderator", provider: "fake", upstreamModel: "omni-moderation-latest", type: "moderation", inputUsdPer1M: "1" });
    await add({ name: "sora", provider: "fake", upstreamModel: "sora-2", type: "video", videoUsdPerSecond: "0.1", marginPercent: "20" });
    type Listed = { model: string; type: string; input_credits_per_token: string; output_credits_per_token: string };
    const list = async (type?: string) => {
      const res = await fetch(`${f.hub.url}/api/ai/models${type ? `?type=${type}` : ""}`);
      expect(res.status, type).toBe(200);
      return ((await res.json()) as Listed[]).map((m) => ({ model: m.model, type: m.type, input: m.input_credits_per_token, output: m.output_credits_per_token }));
    };
    // the published client's video and image models read their lists; at $0.000001 a credit, $0.10 a second +20 % is
    // 120,000 credits a second of video, and $0.04 an image is 40,000 credits (the original hub's output rates)
    expect((await new AIGNEHubVideoModel({ model: "sora" }).models()).map((m) => [m.model, m.type, m.input_credits_per_token, m.output_credits_per_token])).toEqual([["sora", "video", "0", "120000"]]);
    expect((await new AIGNEHubImageModel({ model: "gpt-image-1" }).models()).map((m) => [m.model, m.type, m.output_credits_per_token])).toEqual([["gpt-image-1", "image_generation", "40000"]]);
    // the types the original hub lacks follow its rule: $0.006 a minute is 100 credits a second of audio in,
    // $15 per 1M characters 15 credits a character in
    expect(await list("transcription")).toEqual([{ model: "whisper", type: "transcription", input: "100", output: "0" }]);
    expect(await list("speech")).toEqual([{ model: "tts", type: "speech", input: "15", output: "0" }]);
    expect(await list("moderation")).toEqual([{ model: "moderator", type: "moderation", input: "1", output: "0" }]);
    expect(await list("embedding")).toEqual([expect.objectContaining({ model: "text-embedding-3-small", type: "embedding", output: "0" })]);
    // the original hub's names of its types
    expect(await list("imageGeneration")).toEqual(await list("image"));
    expect(await list("image_generation")).toEqual(await list("image"));
    expect(await list("chatCompletion")).toEqual(await list("chat"));
    // every type at once
    expect(new Set((await list()).map((m) => m.type))).toEqual(new Set(["chat", "embedding", "image_generation", "transcription", "speech", "moderation", "video"]));
    const refused = await fetch(`${f.hub.url}/api/ai/models?type=music`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe("type");
  });

  it("tells a client out of credit where to top up, in the protocol's NOT_ENOUGH shape", async () => {
    const { secret } = await f.lib.createApiKey({ userEmail: "admin@test.local", name: "no credit" }, "test");
    const res = await fetch(`${f.hub.url}/api/v2/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { messages: [{ role: "user", content: "hi" }], modelOptions: { model: "gpt-4o-mini" } } }),
    });
    expect(res.status).toBe(402);
    expect(await res.json()).toEqual({ error: { type: "NOT_ENOUGH", message: expect.any(String), link: expect.stringMatching(/\/billing$/) } });
    const broke = new AIGNEHubChatModel({ model: "gpt-4o-mini", apiKey: secret });
    await expect(aigne.invoke(broke, { messages: [{ role: "user", content: "hi" }] })).rejects.toThrow();
  });
});

describe("the original hub's account endpoints", () => {
  const get = async (path: string, key: string | null = f.apiKey) => {
    const res = await fetch(`${f.hub.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it("reports the key's balance and ledger, newest first, paged and filtered by time", async () => {
    // an earlier call's hold is released after its response has gone, so a balance read right behind it may
    // still see it pending: wait for the ledger to settle before comparing it with the balance
    const { value: balance } = await eventually(async () => {
      const read = await get("/api/user/credit/balance");
      expect((read.body as { pendingCredit: string }).pendingCredit).toBe("0");
      return read;
    }, 5000);
    expect(balance).toMatchObject({ status: 200, body: { currency: { symbol: "credits", decimal: 6 }, total: "100000", grantCount: 1, pendingCredit: "0" } });
    const spent = await f.db.creditTransaction.aggregate({ where: { account: { user: { email: MEMBER } } }, _sum: { amountMicrocredits: true } });
    expect((balance.body as { balance: string }).balance).toBe(String(Number(spent._sum.amountMicrocredits) / 1e6));

    const all = (await get("/api/user/credit/transactions?pageSize=100")).body as { count: number; list: Array<{ type: string; amount: string; created_at: string }> };
    expect(all.count).toBeGreaterThan(1);
    expect(all.list.at(-1)).toMatchObject({ type: "grant", amount: "100000" });
    expect(all.list.some((t) => t.type === "usage" && t.amount.startsWith("-"))).toBe(true);
    expect([...all.list].sort((a, b) => b.created_at.localeCompare(a.created_at))).toEqual(all.list);
    const page = (await get("/api/user/credit/transactions?page=2&pageSize=1")).body as { count: number; list: unknown[] };
    expect(page).toEqual({ count: all.count, list: [all.list[1]] });
    const future = Math.ceil(Date.now() / 1000) + 3600;
    expect((await get(`/api/user/credit/transactions?start=${future}`)).body).toEqual({ count: 0, list: [] });
    expect((await get("/api/user/credit/transactions?pageSize=500")).status).toBe(400);

    expect(await get("/api/user/credit/payment-link")).toEqual({ status: 200, body: `${f.hub.url}/billing` });
    for (const path of ["/api/user/credit/balance", "/api/user/credit/transactions", "/api/user/credit/payment-link", "/api/v2/status"]) {
      expect((await get(path, null)).status, path).toBe(401);
    }
  });

  it("says whether the hub can serve the key, and a model, always with 200", async () => {
    expect(await get("/api/v2/status")).toEqual({ status: 200, body: { available: true } });
    expect(await get("/api/v2/status?model=gpt-4o-mini")).toEqual({ status: 200, body: { available: true } });
    expect(await get("/api/v2/status?model=no-such-model")).toMatchObject({ status: 200, body: { available: false, code: 404 } });
    const narrow = await f.lib.createApiKey({ userEmail: MEMBER, name: "embeddings only", models: ["text-embedding-3-small"] }, "test");
    expect(await get("/api/v2/status?model=gpt-4o-mini", narrow.secret)).toMatchObject({ status: 200, body: { available: false, code: 403 } });
    const broke = await f.lib.createApiKey({ userEmail: "admin@test.local", name: "no credit either" }, "test");
    expect(await get("/api/v2/status", broke.secret)).toEqual({
      status: 200,
      body: { available: false, code: 402, type: "NOT_ENOUGH", link: `${f.hub.url}/billing`, error: expect.stringContaining("/billing") },
    });
  });
});
