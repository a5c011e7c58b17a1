import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/eventually";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
});
afterAll(async () => {
  await f?.close();
});

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] },
  },
};

describe("chat completions through the hub, called with the openai SDK", () => {
  it("answers a non-streamed chat and records its tokens, cost and timings", async () => {
    const { data, response } = await f.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "ping there" }], temperature: 0.2 })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Hello from the fake upstream! You said: ping there");
    expect(data.model).toBe("gpt-4o-mini");
    const upstreamCall = f.upstream.requests.at(-1)!;
    expect(upstreamCall.body).toMatchObject({ model: "gpt-4o-mini-2024-07-18", temperature: 0.2 });
    expect(upstreamCall.headers.authorization).toBe(`Bearer ${f.upstream.apiKey}`);

    const requestId = response.headers.get("x-request-id")!;
    const event = await f.usageEvent(requestId);
    expect(event).toMatchObject({
      endpoint: "chat",
      stream: false,
      status: 200,
      requestedModel: "gpt-4o-mini",
      providerName: "fake",
      upstreamModel: "gpt-4o-mini-2024-07-18",
      usageSource: "upstream",
      errorCode: null,
    });
    // 12 prompt tokens × $0.15/1M + 9 completion tokens × $0.60/1M = $0.0000018 + $0.0000054
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 9 });
    expect(event).toMatchObject({ promptTokens: 12, completionTokens: 9, costNanoUsd: 7200n });
    expect(response.headers.get("x-hub-cost-usd")).toBe("0.0000072");
    expect(event.ttfbMs).not.toBeNull();
    const key = await f.db.apiKey.findFirstOrThrow({ where: { id: event.apiKeyId! }, include: { user: true } });
    expect(key.user.email).toBe("dev@test.local");
  });

  it("streams, and the assembled text equals what the upstream sent; the usage chunk stays with the hub", async () => {
    const { data: stream, response } = await f.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "stream me a reply" }], stream: true })
      .withResponse();
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.usage).toBeUndefined();
      expect(chunk.model).toBe("gpt-4o-mini");
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    const upstreamCall = f.upstream.requests.at(-1)!;
    expect(text).toBe(upstreamCall.sentText);
    expect(text).toBe("Hello from the fake upstream! You said: stream me a reply");
    expect(chunks).toBeGreaterThan(5);
    // the hub asked for usage although the client did not
    expect(upstreamCall.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ stream: true, status: 200, usageSource: "upstream", promptTokens: 12, completionTokens: 11 });
    expect(event.costNanoUsd).toBe(12n * 150n + 11n * 600n);
  });

  it("passes the final usage chunk through when the client asks for it", async () => {
    const stream = await f.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "count me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 9, total_tokens: 19 });
  });

  it("relays the first chunk while the upstream is still sending", async () => {
    const stream = await f.client.chat.completions.create({ model: "fake/fake-gated", messages: [{ role: "user", content: "wait for it" }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    let first = "";
    while (!first) first = (await iterator.next()).value.choices[0]?.delta?.content ?? "";
    expect(first).toBe("Hello ");
    const upstreamCall = f.upstream.requests.at(-1)!;
    // the upstream has sent one piece and is blocked until released: nothing was buffered
    expect(upstreamCall.finished).toBe(false);
    expect(upstreamCall.sentText).toBe("Hello ");
    f.upstream.release();
    let rest = "";
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += next.value.choices[0]?.delta?.content ?? "";
    expect(first + rest).toBe(upstreamCall.sentText);
    expect(upstreamCall.finished).toBe(true);
  });

  it("returns tool calls from a non-streamed chat and sends tools and tool_choice upstream", async () => {
    const completion = await f.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: "auto",
      parallel_tool_calls: false,
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
    const call = choice.message.tool_calls![0]!;
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });
    expect(f.upstream.requests.at(-1)!.body).toMatchObject({ tools: [weatherTool], tool_choice: "auto", parallel_tool_calls: false });
  });

  it("streams tool-call argument deltas that assemble into the full call, then continues with the tool result", async () => {
    const stream = await f.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
      stream: true,
    });
    const argumentDeltas: string[] = [];
    let name = "";
    let id = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta?.tool_calls ?? []) {
        if (call.id) id = call.id;
        if (call.function?.name) name = call.function.name;
        if (call.function?.arguments) argumentDeltas.push(call.function.arguments);
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(argumentDeltas.length).toBeGreaterThan(1);
    expect(JSON.parse(argumentDeltas.join(""))).toEqual({ city: "Paris", unit: "celsius" });
    expect({ id, name, finish }).toEqual({ id: "call_0", name: "get_weather", finish: "tool_calls" });

    // the second turn carries the assistant's tool call and the tool's result upstream unchanged
    const followUp = await f.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name, arguments: argumentDeltas.join("") } }] },
        { role: "tool", tool_call_id: id, content: '{"temperature": 21}' },
        { role: "user", content: "thanks" },
      ],
    });
    expect(followUp.choices[0]!.message.content).toBe("Hello from the fake upstream! You said: thanks");
    expect(f.upstream.requests.at(-1)!.body!.messages).toMatchObject([
      {},
      { role: "assistant", tool_calls: [{ id: "call_0", function: { name: "get_weather" } }] },
      { role: "tool", tool_call_id: "call_0" },
      {},
    ]);
  });

  it("sends image parts, response_format, stop, max tokens, n and user upstream unchanged", async () => {
    const imageUrl = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const completion = await f.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image_url", image_url: { url: imageUrl, detail: "low" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
          ],
        },
      ],
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { a: { type: "string" } } }, strict: true } },
      stop: ["\n\n", "END"],
      max_completion_tokens: 64,
      n: 2,
      user: "end-user-42",
      seed: 7,
    });
    expect(completion.choices).toHaveLength(2);
    // the fake reports the images it received in its answer
    expect(completion.choices[1]!.message.content).toBe("Hello from the fake upstream! You said: What is in this picture? [2 images: image/png, image/png]");
    expect(f.upstream.requests.at(-1)!.body).toMatchObject({
      messages: [{ content: [{ type: "text" }, { type: "image_url", image_url: { url: imageUrl, detail: "low" } }, { image_url: { url: "https://example.com/cat.png" } }] }],
      response_format: { type: "json_schema", json_schema: { name: "answer", strict: true } },
      stop: ["\n\n", "END"],
      max_completion_tokens: 64,
      n: 2,
      user: "end-user-42",
      seed: 7,
    });
  });

  it("records cached and reasoning tokens and prices cached input at the cached rate", async () => {
    // the fake reports 8 of the prompt tokens as cached; its reasoning model also spends 12 tokens thinking
    await f.lib.addModel({ name: "cached", provider: "fake", upstreamModel: "fake-cache", type: "chat", inputUsdPer1M: "1", outputUsdPer1M: "4", cachedInputUsdPer1M: "0.25" }, "test");
    // a model added by another process reaches the running hub within a second
    const { value: completion } = await eventually(() =>
      f.client.chat.completions.create({ model: "cached", messages: [{ role: "user", content: "think hard" }] }).withResponse(),
    );
    const event = await f.usageEvent(completion.response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ promptTokens: 10, cachedTokens: 8, reasoningTokens: 0 });
    const reasoning = await f.client.chat.completions.create({ model: "fake/fake-reasoning", messages: [{ role: "user", content: "think hard" }] }).withResponse();
    expect((await f.usageEvent(reasoning.response.headers.get("x-request-id")!)).reasoningTokens).toBe(12);
    // (10 - 8) × $1/1M + 8 × $0.25/1M + completion × $4/1M
    expect(event.costNanoUsd).toBe(2n * 1000n + 8n * 250n + BigInt(event.completionTokens) * 4000n);
  });

  it("reports an upstream failure in the middle of a stream in-band and records the call as failed", async () => {
    const { data: stream, response } = await f.client.chat.completions
      .create({ model: "fake/fake-stream-error", messages: [{ role: "user", content: "crash please" }], stream: true })
      .withResponse();
    let text = "";
    await expect(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    // the tenant learns that the provider failed; the provider's own text is for the admin's record
    }).rejects.toThrow("The upstream provider 'fake' failed (HTTP 502).");
    expect(text).toBe("Hello from ");
    const event = await f.usageEvent(response.headers.get("x-request-id")!);
    expect(event).toMatchObject({ status: 502, errorCode: "upstream_error", usageSource: "estimated" });
    expect(event.errorMessage).toMatch(/crashed mid-answer/);
    expect(event.completionTokens).toBeGreaterThan(0);
  });
});
