import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  Message,
  MessageCreateParamsBase,
  MessageParam,
  RawMessageStreamEvent,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from "@anthropic-ai/sdk/resources/messages/messages";
import type { ChatMessage, ChatRequest } from "../canonical/schema";
import { ChunkWriter, completion, usage, type AssistantTurn, type FinishReason } from "../canonical/completion";
import { parseDataUrl } from "../canonical/data-url";
import { budgetWithin, FALLBACK_OUTPUT_CAP, maxOutputTokens, partsOf, responseSchema, splitSystem, stopSequences, textOf, thinkingBudget, toolChoice } from "../canonical/request";
import { parseArguments } from "./shared/tool-arguments";
import { alternating, sdkClients } from "./shared/client-cache";
import { fromStainlessError } from "./shared/sdk-errors";
import type { CallOptions, ProviderAdapter, UpstreamTarget } from "./types";
import type { CanonicalUsage, ChatCompletionChunk } from "../canonical/completion";

// Anthropic Messages API through @anthropic-ai/sdk: the canonical request becomes system + strictly
// alternating user/assistant turns of content blocks; answers and stream events come back as
// canonical completions and chunks.

/** Anthropic requires max_tokens; this is used when the request carries no cap (the gateway always sets one). */
export const DEFAULT_MAX_TOKENS = FALLBACK_OUTPUT_CAP;

const FINISH: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

const clientFor = sdkClients(
  (target: UpstreamTarget) =>
    new Anthropic({
      apiKey: target.credential?.secret.apiKey ?? null,
      baseURL: target.provider.baseUrl ?? anthropicAdapter.defaultBaseUrl,
      maxRetries: 0,
      defaultHeaders: target.provider.config.headers,
    }),
);

const fail = (error: unknown) => fromStainlessError(error, Anthropic);

type ImageMediaType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

function userBlocks(content: ChatMessage["content"]): ContentBlockParam[] {
  return partsOf(content).map((part): ContentBlockParam => {
    if (part.type === "text") return { type: "text", text: part.text };
    const inline = parseDataUrl(part.url);
    // Anthropic fetches http(s) images itself
    return inline
      ? { type: "image", source: { type: "base64", media_type: inline.mediaType as ImageMediaType, data: inline.base64 } }
      : { type: "image", source: { type: "url", url: part.url } };
  });
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }> & { thinking_blocks?: Array<{ thinking: string; signature: string }> };

function assistantBlocks(message: AssistantMessage): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  // thinking blocks (with their signatures) must come back unchanged when a tool-use turn continues
  for (const block of message.thinking_blocks ?? []) blocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
  const text = textOf(message.content ?? null);
  if (text) blocks.push({ type: "text", text });
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, `tool call ${call.id}`) });
  }
  return blocks;
}

/** Conversation turns, merged so that roles alternate as Anthropic requires (tool results are user turns). */
function toMessages(conversation: ChatMessage[]): MessageParam[] {
  const turns = conversation.map((message): { role: "user" | "assistant"; items: ContentBlockParam[] } => {
    if (message.role === "assistant") return { role: "assistant", items: assistantBlocks(message as AssistantMessage) };
    if (message.role === "tool") return { role: "user", items: [{ type: "tool_result", tool_use_id: message.tool_call_id, content: textOf(message.content) }] };
    return { role: "user", items: userBlocks(message.content) };
  });
  return alternating(turns).map(({ role, items }) => ({ role, content: items }));
}

function toTools(request: ChatRequest, messages: MessageParam[]): { tools?: Tool[]; tool_choice?: AnthropicToolChoice } {
  if (!request.tools?.length) {
    // Anthropic refuses tool_use / tool_result blocks unless tools are declared: declare the ones the history uses
    const used = new Set(messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).flatMap((b) => (b.type === "tool_use" ? [b.name] : [])));
    return used.size ? { tools: [...used].map((name) => ({ name, input_schema: { type: "object" as const } })), tool_choice: { type: "none" } } : {};
  }
  const tools: Tool[] = request.tools.map((t) => ({
    name: t.function.name,
    ...(t.function.description ? { description: t.function.description } : {}),
    input_schema: (t.function.parameters ?? { type: "object", properties: {} }) as Tool["input_schema"],
  }));
  const choice = toolChoice(request);
  const noParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  const tool_choice: AnthropicToolChoice =
    choice.mode === "none"
      ? { type: "none" }
      : choice.mode === "required"
        ? { type: "any", ...noParallel }
        : choice.mode === "tool"
          ? { type: "tool", name: choice.name, ...noParallel }
          : { type: "auto", ...noParallel };
  return { tools, tool_choice };
}

/**
 * With thinking on, Anthropic wants the last assistant tool-use turn to start with its thinking block
 * (signature included). Clients that did not keep it (streamed answers carry no signatures) get the
 * turn answered without thinking rather than a 400.
 */
function toolTurnWithoutThinking(messages: MessageParam[]): boolean {
  const last = messages.findLast((m) => m.role === "assistant");
  if (!last || !Array.isArray(last.content)) return false;
  return last.content.some((b) => b.type === "tool_use") && !last.content.some((b) => b.type === "thinking");
}

export function toAnthropicRequest(request: ChatRequest, upstreamModel: string): MessageCreateParamsBase {
  const { system, conversation } = splitSystem(request.messages);
  const format = responseSchema(request);
  if (format === "json") system.push("Answer with a single valid JSON object and nothing else.");
  const budget = thinkingBudget(request);
  const maxTokens = maxOutputTokens(request) ?? DEFAULT_MAX_TOKENS;
  const native = request as ChatRequest & { thinking?: MessageCreateParamsBase["thinking"] };
  const messages = toMessages(conversation);
  const params: MessageCreateParamsBase = {
    model: upstreamModel,
    messages,
    // the output the call was held for; thinking counts inside it, so the budget is fitted below
    max_tokens: maxTokens,
    ...(system.length ? { system: system.join("\n\n") } : {}),
    // temperature, top_p and top_k are not sent: the API version this SDK speaks (2026-10-21)
    // refuses them with a 400, and an OpenAI client sends them by habit
    ...(stopSequences(request) ? { stop_sequences: stopSequences(request) } : {}),
    ...(request.user ? { metadata: { user_id: request.user } } : {}),
    ...toTools(request, messages),
  };
  const thinking: MessageCreateParamsBase["thinking"] | undefined =
    native.thinking ?? (budget && !toolTurnWithoutThinking(messages) ? { type: "enabled", budget_tokens: budget } : undefined);
  if (thinking?.type === "enabled") {
    // a budget the cap cannot hold shrinks; below Anthropic's minimum the call is answered without thinking
    const fitted = budgetWithin(thinking.budget_tokens, maxTokens);
    if (fitted) params.thinking = { ...thinking, budget_tokens: fitted };
  } else if (thinking) params.thinking = thinking;
  if (format && format !== "json") params.output_config = { format: { type: "json_schema", schema: format.schema } };
  return params;
}

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
}

/** Anthropic's input_tokens leave out cache reads and writes; OpenAI's prompt_tokens include them. */
function canonicalUsage(u: AnthropicUsage): CanonicalUsage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  return usage({
    input: (u.input_tokens ?? 0) + cacheRead + cacheWrite,
    output: u.output_tokens ?? 0,
    cacheRead,
    cacheWrite,
    reasoning: u.output_tokens_details?.thinking_tokens ?? 0,
  });
}

export function fromAnthropicMessage(message: Message, model: string) {
  const turn: AssistantTurn = { text: "", reasoning: "", toolCalls: [] };
  for (const block of message.content) {
    if (block.type === "text") turn.text += block.text;
    else if (block.type === "thinking") turn.reasoning += block.thinking;
    else if (block.type === "tool_use") turn.toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  }
  const result = completion({ id: message.id, model, turn, finishReason: FINISH[message.stop_reason ?? "end_turn"] ?? "stop", usage: canonicalUsage(message.usage) });
  const thinkingBlocks = message.content.flatMap((b) => (b.type === "thinking" ? [{ thinking: b.thinking, signature: b.signature }] : []));
  if (thinkingBlocks.length) Object.assign(result.choices[0]!.message, { thinking_blocks: thinkingBlocks });
  return result;
}

/** Anthropic stream events → canonical chunks, ending with a usage chunk. */
export async function* fromAnthropicStream(events: AsyncIterable<RawMessageStreamEvent>, model: string): AsyncIterable<ChatCompletionChunk> {
  const writer = new ChunkWriter(model);
  const counts: AnthropicUsage = {};
  // content block index → tool call index (tool calls are numbered apart from text and thinking)
  const toolIndex = new Map<number, number>();
  try {
    for await (const event of events) {
      switch (event.type) {
        case "message_start":
          Object.assign(counts, event.message.usage);
          yield writer.role();
          break;
        case "content_block_start":
          if (event.content_block.type === "tool_use") {
            toolIndex.set(event.index, toolIndex.size);
            yield writer.toolCallStart(toolIndex.get(event.index)!, event.content_block.id, event.content_block.name);
          } else if (event.content_block.type === "text" && event.content_block.text) {
            yield writer.text(event.content_block.text);
          }
          break;
        case "content_block_delta":
          if (event.delta.type === "text_delta") yield writer.text(event.delta.text);
          else if (event.delta.type === "thinking_delta") yield writer.reasoning(event.delta.thinking);
          else if (event.delta.type === "input_json_delta" && toolIndex.has(event.index)) yield writer.toolCallArguments(toolIndex.get(event.index)!, event.delta.partial_json);
          break;
        case "message_delta":
          // message_delta carries the final (cumulative) counts
          for (const [key, value] of Object.entries(event.usage)) if (value !== null && value !== undefined) Object.assign(counts, { [key]: value });
          yield writer.finish(FINISH[event.delta.stop_reason ?? "end_turn"] ?? "stop");
          break;
        case "message_stop":
          yield writer.usage(canonicalUsage(counts));
          break;
      }
    }
  } catch (error) {
    throw fail(error);
  }
}

export const anthropicAdapter: ProviderAdapter = {
  defaultBaseUrl: "https://api.anthropic.com",
  credential: "api_key",

  async chat(request, target, options: CallOptions) {
    const params = toAnthropicRequest(request, target.upstreamModel);
    try {
      const message = await clientFor(target).messages.create({ ...params, stream: false }, { signal: options.signal, timeout: options.timeoutMs, headers: options.headers });
      return fromAnthropicMessage(message, request.model);
    } catch (error) {
      throw fail(error);
    }
  },

  async streamChat(request, target, options) {
    const params = toAnthropicRequest(request, target.upstreamModel);
    try {
      const events = await clientFor(target).messages.create({ ...params, stream: true }, { signal: options.signal, timeout: options.timeoutMs, headers: options.headers });
      return fromAnthropicStream(events, request.model);
    } catch (error) {
      throw fail(error);
    }
  },

  async testConnection(target, options) {
    try {
      await clientFor(target).models.list({ limit: 1 }, { signal: options.signal, timeout: options.timeoutMs, headers: options.headers });
    } catch (error) {
      throw fail(error);
    }
  },
};
