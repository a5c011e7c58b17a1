import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseResponse,
  type ConverseStreamOutput,
  type Message,
  type TokenUsage,
  type ToolConfiguration,
  type BedrockRuntimeClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Command } from "@smithy/types";
import type { ChatMessage, ChatRequest } from "../canonical/schema";
import { ChunkWriter, completion, embeddingsResponse, usage, type AssistantTurn, type FinishReason } from "../canonical/completion";
import { alternating, sdkClients } from "./shared/client-cache";
import { requestImages, type RequestImages } from "./shared/images";
import { budgetWithin, FALLBACK_OUTPUT_CAP, maxOutputTokens, partsOf, splitSystem, stopSequences, textOf, thinkingBudget, toolChoice } from "../canonical/request";
import { parseArguments } from "./shared/tool-arguments";
import type { CallOptions, ProviderAdapter, UpstreamTarget } from "./types";
import type { CanonicalUsage, ChatCompletionChunk } from "../canonical/completion";
import { midStream, unanswered, upstreamAborted, upstreamTimeout, UpstreamError } from "./upstream-error";

// Amazon Bedrock through @aws-sdk/client-bedrock-runtime: Converse / ConverseStream for chat (any
// Bedrock model, one request shape), InvokeModel for Titan embeddings and Nova Canvas / Titan images. Credentials are an access key pair (sealed like any credential) and the provider's region.

// one client per timeout too: the HTTP handler carries it
const clients = sdkClients((target, timeout) => {
  const secret = target.credential?.secret ?? {};
  const timeoutMs = Number(timeout);
  return new BedrockRuntimeClient({
    region: target.provider.region ?? "us-east-1",
    ...(target.provider.baseUrl ? { endpoint: target.provider.baseUrl } : {}),
    credentials: { accessKeyId: secret.accessKeyId ?? "", secretAccessKey: secret.secretAccessKey ?? "", ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}) },
    // HTTP/1.1 with an inactivity limit; the gateway does its own retries and fallbacks
    requestHandler: new NodeHttpHandler({ requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 10_000) }),
    maxAttempts: 1,
  });
});

type BedrockCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, BedrockRuntimeClientResolvedConfig>;

/**
 * Sends a command as every Bedrock call does: on the client of the call's timeout, with its signal, and
 * with its extra headers (the trace context). The AWS SDK takes no per-request headers, so a build-step
 * middleware of this one command adds them, before the request is signed.
 */
function send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(target: UpstreamTarget, options: CallOptions, command: BedrockCommand<I, O>): Promise<O> {
  const { headers } = options;
  if (headers) {
    command.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) Object.assign(request.headers, headers);
        return next(args);
      },
      { step: "build", name: "hubUpstreamHeaders" },
    );
  }
  return clients(target, String(options.timeoutMs)).send(command, { abortSignal: options.signal });
}

function fail(error: unknown, signal: AbortSignal): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof BedrockRuntimeServiceException) {
    const status = error.$metadata?.httpStatusCode;
    // exceptions inside an event stream carry no HTTP status: the model failed mid-answer
    const fallback = error.name === "ThrottlingException" || error.name === "ModelNotReadyException" ? 429 : error.$fault === "client" ? 400 : 502;
    return new UpstreamError({ kind: "http", status: status ?? fallback, message: error.message, type: error.name, code: error.name });
  }
  const err = error as Error & { code?: string };
  if (err?.name === "AbortError" || signal.aborted) return upstreamAborted();
  if (err?.name === "TimeoutError" || err?.code === "ETIMEDOUT") return upstreamTimeout();
  return unanswered(error);
}

const IMAGE_FORMATS = { "image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp" } as const;

async function userBlocks(content: ChatMessage["content"], images: RequestImages): Promise<ContentBlock[]> {
  const blocks: ContentBlock[] = [];
  for (const part of partsOf(content)) {
    if (part.type === "text") {
      blocks.push({ text: part.text });
      continue;
    }
    // Converse takes image bytes only (or S3 locations), never URLs
    const image = await images.inline(part.url);
    const format = IMAGE_FORMATS[image.mediaType as keyof typeof IMAGE_FORMATS];
    if (!format) throw new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code: "unsupported_image", message: `Bedrock takes png, jpeg, gif or webp images, not ${image.mediaType}` });
    blocks.push({ image: { format, source: { bytes: Buffer.from(image.base64, "base64") } } });
  }
  return blocks;
}

function assistantBlocks(message: Extract<ChatMessage, { role: "assistant" }>): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  const text = textOf(message.content ?? null);
  if (text) blocks.push({ text });
  for (const call of message.tool_calls ?? []) {
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseArguments(call.function.arguments, `tool call ${call.id}`) as never } });
  }
  return blocks;
}

async function toMessages(conversation: ChatMessage[], images: RequestImages): Promise<Message[]> {
  const turns: Array<{ role: "user" | "assistant"; items: ContentBlock[] }> = [];
  for (const message of conversation) {
    if (message.role === "assistant") turns.push({ role: "assistant", items: assistantBlocks(message) });
    else if (message.role === "tool") turns.push({ role: "user", items: [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text: textOf(message.content) }] } }] });
    else turns.push({ role: "user", items: await userBlocks(message.content, images) });
  }
  return alternating(turns).map(({ role, items }) => ({ role, content: items }));
}

function toToolConfig(request: ChatRequest, messages: Message[]): ToolConfiguration | undefined {
  if (request.tools?.length) {
    const choice = toolChoice(request);
    return {
      tools: request.tools.map((t) => ({
        toolSpec: { name: t.function.name, ...(t.function.description ? { description: t.function.description } : {}), inputSchema: { json: (t.function.parameters ?? { type: "object", properties: {} }) as never } },
      })),
      // Converse has no "none"; leaving the choice out lets the model decide
      ...(choice.mode === "required" ? { toolChoice: { any: {} } } : choice.mode === "tool" ? { toolChoice: { tool: { name: choice.name } } } : choice.mode === "auto" ? { toolChoice: { auto: {} } } : {}),
    };
  }
  // Converse refuses a history with tool blocks unless tools are declared: declare the ones it uses
  const used = new Set(messages.flatMap((m) => m.content ?? []).flatMap((b) => (b.toolUse?.name ? [b.toolUse.name] : [])));
  if (used.size === 0) return undefined;
  return { tools: [...used].map((name) => ({ toolSpec: { name, inputSchema: { json: { type: "object" } as never } } })) };
}

export async function toConverse(request: ChatRequest, target: UpstreamTarget, signal: AbortSignal): Promise<ConverseCommandInput> {
  const { system, conversation } = splitSystem(request.messages);
  const messages = await toMessages(conversation, requestImages(request.messages, signal));
  // the output the call was held for; Claude's thinking counts inside it, so its budget is fitted
  const maxTokens = maxOutputTokens(request) ?? FALLBACK_OUTPUT_CAP;
  const effort = thinkingBudget(request);
  const budget = effort && target.upstreamModel.includes("anthropic") ? budgetWithin(effort, maxTokens) : null;
  const toolConfig = toToolConfig(request, messages);
  return {
    modelId: target.upstreamModel,
    messages,
    ...(system.length ? { system: system.map((text) => ({ text })) } : {}),
    inferenceConfig: {
      maxTokens,
      ...(request.temperature != null ? { temperature: Math.min(request.temperature, 1) } : {}),
      ...(request.top_p != null ? { topP: request.top_p } : {}),
      ...(stopSequences(request) ? { stopSequences: stopSequences(request) } : {}),
    },
    ...(toolConfig ? { toolConfig } : {}),
    // extended thinking is a model-specific field (Claude on Bedrock)
    ...(budget ? { additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: budget } } as never } : {}),
  };
}

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};

/** Bedrock reports cache reads and writes apart from inputTokens; OpenAI's prompt_tokens include them. */
function canonicalUsage(u: TokenUsage | undefined): CanonicalUsage {
  const cacheRead = u?.cacheReadInputTokens ?? 0;
  const cacheWrite = u?.cacheWriteInputTokens ?? 0;
  return usage({ input: (u?.inputTokens ?? 0) + cacheRead + cacheWrite, output: u?.outputTokens ?? 0, cacheRead, cacheWrite });
}

function fromConverse(response: ConverseResponse, model: string) {
  const turn: AssistantTurn = { text: "", reasoning: "", toolCalls: [] };
  for (const block of response.output?.message?.content ?? []) {
    if (block.text) turn.text += block.text;
    else if (block.reasoningContent?.reasoningText?.text) turn.reasoning += block.reasoningContent.reasoningText.text;
    else if (block.toolUse) turn.toolCalls.push({ id: block.toolUse.toolUseId ?? "", name: block.toolUse.name ?? "", arguments: JSON.stringify(block.toolUse.input ?? {}) });
  }
  return completion({ model, turn, finishReason: FINISH[response.stopReason ?? "end_turn"] ?? "stop", usage: canonicalUsage(response.usage) });
}

async function* fromConverseStream(events: AsyncIterable<ConverseStreamOutput>, model: string, signal: AbortSignal): AsyncIterable<ChatCompletionChunk> {
  const writer = new ChunkWriter(model);
  const toolIndex = new Map<number, number>();
  let tokens: TokenUsage | undefined;
  try {
    for await (const event of events) {
      if (event.messageStart) yield writer.role();
      else if (event.contentBlockStart?.start?.toolUse) {
        const { toolUseId, name } = event.contentBlockStart.start.toolUse;
        toolIndex.set(event.contentBlockStart.contentBlockIndex ?? 0, toolIndex.size);
        yield writer.toolCallStart(toolIndex.size - 1, toolUseId ?? "", name ?? "");
      } else if (event.contentBlockDelta?.delta) {
        const { delta, contentBlockIndex } = event.contentBlockDelta;
        if (delta.text) yield writer.text(delta.text);
        else if (delta.reasoningContent?.text) yield writer.reasoning(delta.reasoningContent.text);
        else if (delta.toolUse?.input && toolIndex.has(contentBlockIndex ?? 0)) yield writer.toolCallArguments(toolIndex.get(contentBlockIndex ?? 0)!, delta.toolUse.input);
      } else if (event.messageStop) yield writer.finish(FINISH[event.messageStop.stopReason ?? "end_turn"] ?? "stop");
      else if (event.metadata) tokens = event.metadata.usage;
    }
  } catch (error) {
    throw midStream(fail(error, signal));
  }
  yield writer.usage(canonicalUsage(tokens));
}

async function invoke(target: UpstreamTarget, options: CallOptions, body: unknown): Promise<Record<string, unknown>> {
  const response = await send(
    target,
    options,
    new InvokeModelCommand({ modelId: target.upstreamModel, contentType: "application/json", accept: "application/json", body: JSON.stringify(body) }),
  );
  return JSON.parse(new TextDecoder().decode(response.body)) as Record<string, unknown>;
}

async function run<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fail(error, signal);
  }
}

export const bedrockAdapter: ProviderAdapter = {
  // the SDK derives the endpoint from the region; a base URL overrides it (VPC endpoints, proxies)
  defaultBaseUrl: "https://bedrock-runtime.amazonaws.com",
  credential: "aws",
  requiresRegion: true,

  async chat(request, target, options) {
    const input = await toConverse(request, target, options.signal);
    const response = await run(options.signal, () => send(target, options, new ConverseCommand(input)));
    return fromConverse(response, request.model);
  },

  async streamChat(request, target, options) {
    const input = await toConverse(request, target, options.signal);
    const response = await run(options.signal, () => send(target, options, new ConverseStreamCommand(input)));
    return fromConverseStream(response.stream!, request.model, options.signal);
  },

  async embeddings(request, target, options) {
    const inputs = typeof request.input === "string" ? [request.input] : (request.input as unknown[]).map((i) => (typeof i === "string" ? i : JSON.stringify(i)));
    return run(options.signal, async () => {
      // Titan embeds one text per call
      const results = await Promise.all(
        inputs.map((inputText) => invoke(target, options, { inputText, ...(request.dimensions ? { dimensions: request.dimensions } : {}), normalize: true })),
      );
      const tokens = results.reduce((n, r) => n + Number(r.inputTextTokenCount ?? 0), 0);
      return embeddingsResponse(results.map((r) => r.embedding as number[]), request.model, tokens, request.encoding_format);
    });
  },

  async generateImages(request, target, options) {
    const [width, height] = (request.size ?? "1024x1024").split("x").map(Number);
    const result = await run(options.signal, () =>
      invoke(target, options, {
        taskType: "TEXT_IMAGE",
        textToImageParams: { text: request.prompt },
        imageGenerationConfig: { numberOfImages: request.n ?? 1, ...(width && height ? { width, height } : {}) },
      }),
    );
    return { created: Math.floor(Date.now() / 1000), data: ((result.images as string[] | undefined) ?? []).map((b64_json) => ({ b64_json })) };
  },

  async testConnection(target, options) {
    if (!target.upstreamModel) {
      throw new UpstreamError({ kind: "http", status: 400, message: "a Bedrock connection is checked against a model: deploy one on this provider first" });
    }
    // counting tokens is free and proves the key pair, the region and access to the model
    await run(options.signal, () =>
      send(target, options, new CountTokensCommand({ modelId: target.upstreamModel, input: { converse: { messages: [{ role: "user", content: [{ text: "ping" }] }] } } })),
    );
  },
};

