import { createOpenAI } from "@ai-sdk/openai";
import { AIGNEHubChatModel } from "@aigne/aigne-hub";
import { AIGNE } from "@aigne/core";
import Anthropic from "@anthropic-ai/sdk";
import type { AIMessageChunk } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { generateText, jsonSchema, streamText, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_ARGUMENTS } from "../fakes/contract";
import { eventually } from "../helpers/eventually";
import { MEMBER, startHubFixture, type HubFixture } from "../helpers/hub-fixture";

// The real-client matrix: each published client, unmodified, streamed and not, asks for a tool through
// the hub (to the fake OpenAI upstream, which answers with a call of the first tool) and must read the
// call back — and the hub must meter every cell the same way. The README lists the matrix.

let f: HubFixture;
beforeAll(async () => {
  f = await startHubFixture();
});
afterAll(async () => {
  delete process.env.AIGNE_HUB_API_URL;
  delete process.env.AIGNE_HUB_API_KEY;
  await f?.close();
});

const MODEL = "gpt-4o-mini";
const PROMPT = "What is the weather in Paris?";
const parameters = { type: "object" as const, properties: { city: { type: "string" as const }, unit: { type: "string" as const } }, required: ["city"] };
const description = "Current weather in a city";
type ToolCall = { name: string; args: unknown };

const openai = () => new OpenAI({ baseURL: f.hub.baseURL, apiKey: f.apiKey, maxRetries: 0 });
const anthropic = () => new Anthropic({ baseURL: f.hub.url, apiKey: f.apiKey, maxRetries: 0 });
const vercel = () => createOpenAI({ baseURL: f.hub.baseURL, apiKey: f.apiKey });
const vercelTools = { get_weather: tool({ description, inputSchema: jsonSchema<{ city: string; unit?: string }>(parameters) }) };
const langchain = (streaming: boolean) =>
  new ChatOpenAI({ model: MODEL, apiKey: f.apiKey, configuration: { baseURL: f.hub.baseURL }, streaming, maxRetries: 0 }).bindTools([{ type: "function", function: { name: "get_weather", description, parameters } }]);
const aigneModel = () => {
  process.env.AIGNE_HUB_API_URL = f.hub.url;
  process.env.AIGNE_HUB_API_KEY = f.apiKey;
  return new AIGNEHubChatModel({ model: MODEL });
};
const aigneTools = [{ type: "function" as const, function: { name: "get_weather", description, parameters } }];

interface Cell {
  client: string;
  stream: boolean;
  /** the hub endpoint the client speaks to (its usage events say so) */
  endpoint: string;
  run(): Promise<ToolCall>;
}

const cells: Cell[] = [
  {
    client: "openai (chat.completions)",
    stream: false,
    endpoint: "chat",
    async run() {
      const completion = await openai().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: PROMPT }], tools: [{ type: "function", function: { name: "get_weather", description, parameters } }] });
      const call = completion.choices[0]!.message.tool_calls![0]!;
      return call.type === "function" ? { name: call.function.name, args: JSON.parse(call.function.arguments) } : { name: "", args: null };
    },
  },
  {
    client: "openai (chat.completions)",
    stream: true,
    endpoint: "chat",
    async run() {
      const runner = openai().chat.completions.stream({ model: MODEL, messages: [{ role: "user", content: PROMPT }], tools: [{ type: "function", function: { name: "get_weather", description, parameters } }] });
      const call = (await runner.finalChatCompletion()).choices[0]!.message.tool_calls![0]!;
      return call.type === "function" ? { name: call.function.name, args: JSON.parse(call.function.arguments) } : { name: "", args: null };
    },
  },
  {
    client: "openai (responses)",
    stream: false,
    endpoint: "responses",
    async run() {
      const response = await openai().responses.create({ model: MODEL, input: PROMPT, tools: [{ type: "function", name: "get_weather", description, parameters, strict: false }] });
      const call = response.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
      return { name: call.name, args: JSON.parse(call.arguments) };
    },
  },
  {
    client: "openai (responses)",
    stream: true,
    endpoint: "responses",
    async run() {
      const response = await openai().responses.stream({ model: MODEL, input: PROMPT, tools: [{ type: "function", name: "get_weather", description, parameters, strict: false }] }).finalResponse();
      const call = response.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
      return { name: call.name, args: JSON.parse(call.arguments) };
    },
  },
  {
    client: "@anthropic-ai/sdk",
    stream: false,
    endpoint: "messages",
    async run() {
      const message = await anthropic().messages.create({ model: MODEL, max_tokens: 256, messages: [{ role: "user", content: PROMPT }], tools: [{ name: "get_weather", description, input_schema: parameters }] });
      const call = message.content.find((b) => b.type === "tool_use")!;
      return call.type === "tool_use" ? { name: call.name, args: call.input } : { name: "", args: null };
    },
  },
  {
    client: "@anthropic-ai/sdk",
    stream: true,
    endpoint: "messages",
    async run() {
      const message = await anthropic().messages.stream({ model: MODEL, max_tokens: 256, messages: [{ role: "user", content: PROMPT }], tools: [{ name: "get_weather", description, input_schema: parameters }] }).finalMessage();
      const call = message.content.find((b) => b.type === "tool_use")!;
      return call.type === "tool_use" ? { name: call.name, args: call.input } : { name: "", args: null };
    },
  },
  {
    client: "ai + @ai-sdk/openai (chat)",
    stream: false,
    endpoint: "chat",
    async run() {
      const { toolCalls } = await generateText({ model: vercel().chat(MODEL), prompt: PROMPT, tools: vercelTools, maxRetries: 0 });
      return { name: toolCalls[0]!.toolName, args: toolCalls[0]!.input };
    },
  },
  {
    client: "ai + @ai-sdk/openai (chat)",
    stream: true,
    endpoint: "chat",
    async run() {
      const result = streamText({ model: vercel().chat(MODEL), prompt: PROMPT, tools: vercelTools, maxRetries: 0 });
      const toolCalls = await result.toolCalls;
      return { name: toolCalls[0]!.toolName, args: toolCalls[0]!.input };
    },
  },
  {
    client: "ai + @ai-sdk/openai (responses)",
    stream: false,
    endpoint: "responses",
    async run() {
      const { toolCalls } = await generateText({ model: vercel().responses(MODEL), prompt: PROMPT, tools: vercelTools, maxRetries: 0 });
      return { name: toolCalls[0]!.toolName, args: toolCalls[0]!.input };
    },
  },
  {
    client: "ai + @ai-sdk/openai (responses)",
    stream: true,
    endpoint: "responses",
    async run() {
      const result = streamText({ model: vercel().responses(MODEL), prompt: PROMPT, tools: vercelTools, maxRetries: 0 });
      const toolCalls = await result.toolCalls;
      return { name: toolCalls[0]!.toolName, args: toolCalls[0]!.input };
    },
  },
  {
    client: "@langchain/openai",
    stream: false,
    endpoint: "chat",
    async run() {
      const message = await langchain(false).invoke(PROMPT);
      return { name: message.tool_calls![0]!.name, args: message.tool_calls![0]!.args };
    },
  },
  {
    client: "@langchain/openai",
    stream: true,
    endpoint: "chat",
    async run() {
      let merged: AIMessageChunk | undefined;
      for await (const chunk of await langchain(true).stream(PROMPT)) merged = merged ? merged.concat(chunk) : chunk;
      return { name: merged!.tool_calls![0]!.name, args: merged!.tool_calls![0]!.args };
    },
  },
  {
    client: "@aigne/aigne-hub",
    stream: false,
    endpoint: "aigne-hub",
    async run() {
      // AIGNE.invoke streams from the model even when the caller wants an object: the model's own invoke does not
      const output = await aigneModel().invoke({ messages: [{ role: "user", content: PROMPT }], tools: aigneTools });
      return { name: output.toolCalls![0]!.function.name, args: output.toolCalls![0]!.function.arguments };
    },
  },
  {
    client: "@aigne/aigne-hub",
    stream: true,
    endpoint: "aigne-hub",
    async run() {
      const stream = await new AIGNE().invoke(aigneModel(), { messages: [{ role: "user", content: PROMPT }], tools: aigneTools }, { streaming: true });
      let json: { toolCalls?: Array<{ function: { name: string; arguments: unknown } }> } = {};
      for await (const chunk of stream as unknown as AsyncIterable<{ delta?: { json?: typeof json } }>) json = { ...json, ...chunk.delta?.json };
      return { name: json.toolCalls![0]!.function.name, args: json.toolCalls![0]!.function.arguments };
    },
  },
];

describe("real-client matrix", () => {
  it.each(cells.map((c) => [`${c.client}, ${c.stream ? "streamed" : "not streamed"}`, c] as const))("%s: reads the tool call and is metered", async (_name, cell) => {
    const before = new Date();
    const call = await cell.run();
    expect(call).toEqual({ name: "get_weather", args: TOOL_ARGUMENTS });
    // the upstream was asked for the tool, whatever protocol the client spoke
    const upstream = f.upstream.requests.at(-1)!.body as { tools: Array<{ function: { name: string } }>; stream?: boolean };
    expect(upstream.tools.map((t) => t.function.name)).toEqual(["get_weather"]);
    expect(Boolean(upstream.stream)).toBe(cell.stream);
    const { value: event } = await eventually(() => f.db.usageEvent.findFirstOrThrow({ where: { endpoint: cell.endpoint, stream: cell.stream, startedAt: { gte: before } } }), 5000);
    expect(event).toMatchObject({ status: 200, requestedModel: MODEL, usageSource: "upstream" });
    expect(event.completionTokens).toBeGreaterThan(0);
    expect(event.costNanoUsd).toBeGreaterThan(0n);
  });
});

describe("one price whatever the protocol", () => {
  it("charges the same credits for the same call through chat completions, messages, responses and the AIGNE protocol", async () => {
    await f.lib.setMode("service_provider", "test");
    await f.lib.grantCredits({ userEmail: MEMBER, amount: "100000" }, "test");
    // the running hub has seen the switch once its answers carry a charge
    await eventually(async () => {
      const { response } = await openai().chat.completions.create({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "ready?" }] }).withResponse();
      expect(response.headers.get("x-hub-charge-credits")).toBeTruthy();
    }, 5000);
    const ask = "Count to three.";
    const calls: Record<string, () => Promise<unknown>> = {
      chat: () => openai().chat.completions.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: ask }] }),
      messages: () => anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: ask }] }),
      responses: () => openai().responses.create({ model: MODEL, max_output_tokens: 100, input: ask }),
      "aigne-hub": () => aigneModel().invoke({ messages: [{ role: "user", content: ask }] }),
    };
    const charges: Record<string, [number, number, bigint, bigint]> = {};
    for (const [endpoint, call] of Object.entries(calls)) {
      const before = new Date();
      await call();
      const { value: event } = await eventually(() => f.db.usageEvent.findFirstOrThrow({ where: { endpoint, status: 200, startedAt: { gte: before } } }), 5000);
      charges[endpoint] = [event.promptTokens, event.completionTokens, event.costNanoUsd, event.chargeMicrocredits];
    }
    expect(charges.chat![3]).toBeGreaterThan(0n);
    for (const endpoint of Object.keys(calls)) expect(charges[endpoint], endpoint).toEqual(charges.chat);
  });
});
