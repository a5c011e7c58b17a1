import { randomUUID } from "node:crypto";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { CreateEmbeddingResponse } from "openai/resources/embeddings";
import type { ImagesResponse } from "openai/resources/images";

// The canonical format is OpenAI chat-completions shaped: every inbound protocol converts to
// ChatRequest (schema.ts), every adapter returns ChatCompletion / ChatCompletionChunk (reasoning as
// `reasoning_content`, as DeepSeek and most OpenAI-compatible clients expect). Adapters never see
// HTTP requests; route handlers never see providers. Below: building canonical answers from what other
// providers return.
export type { ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse, ImagesResponse };

/**
 * OpenAI's usage shape plus what OpenAI has no field for: prompt tokens written to the provider's
 * cache (Anthropic cache_creation_input_tokens, Bedrock cacheWriteInputTokens). Like OpenAI's
 * cached_tokens they are part of prompt_tokens.
 */
export type CanonicalUsage = CompletionUsage & {
  prompt_tokens_details?: CompletionUsage.PromptTokensDetails & { cache_write_tokens?: number };
};

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as OpenAI carries it */
  arguments: string;
}

export interface AssistantTurn {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
}

export const completionId = () => `chatcmpl-${randomUUID().replace(/-/g, "")}`;
export const toolCallId = () => `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`;

export function usage(counts: { input: number; output: number; cacheRead?: number; cacheWrite?: number; reasoning?: number }): CanonicalUsage {
  return {
    prompt_tokens: counts.input,
    completion_tokens: counts.output,
    total_tokens: counts.input + counts.output,
    prompt_tokens_details: { cached_tokens: counts.cacheRead ?? 0, cache_write_tokens: counts.cacheWrite ?? 0 },
    completion_tokens_details: { reasoning_tokens: counts.reasoning ?? 0 },
  };
}

function choice(turn: AssistantTurn, finishReason: FinishReason, index: number): ChatCompletion.Choice {
  const message: ChatCompletion.Choice["message"] & { reasoning_content?: string } = {
    role: "assistant",
    content: turn.text || (turn.toolCalls.length ? null : ""),
    refusal: null,
  };
  if (turn.reasoning) message.reasoning_content = turn.reasoning;
  if (turn.toolCalls.length) {
    message.tool_calls = turn.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }));
  }
  return { index, message, finish_reason: finishReason, logprobs: null };
}

/** A canonical completion; `choices` for providers that return several candidates. */
export function completion(options: {
  model: string;
  turn?: AssistantTurn;
  finishReason?: FinishReason;
  choices?: Array<{ turn: AssistantTurn; finishReason: FinishReason }>;
  usage: CanonicalUsage | null;
  id?: string;
}): ChatCompletion {
  const choices = options.choices ?? [{ turn: options.turn!, finishReason: options.finishReason ?? "stop" }];
  return {
    id: options.id ?? completionId(),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: options.model,
    choices: choices.map((c, index) => choice(c.turn, c.finishReason, index)),
    ...(options.usage ? { usage: options.usage } : {}),
  };
}

/** An OpenAI embeddings answer, base64-encoded (little-endian float32) when the client asked for it, as OpenAI does. */
export function embeddingsResponse(vectors: number[][], model: string, promptTokens: number, encoding: "float" | "base64" | undefined): CreateEmbeddingResponse {
  return {
    object: "list",
    model,
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: (encoding === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector) as number[],
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** A canonical delta: OpenAI's, with the reasoning text some providers stream beside the content. */
export type CanonicalDelta = ChatCompletionChunk.Choice["delta"] & { reasoning_content?: string | null };

/** Choice 0 of a chunk: the one candidate of Anthropic, Responses and AIGNE answers. */
export function firstChoice(chunk: ChatCompletionChunk): { delta: CanonicalDelta | undefined; finish: string | null } {
  const choice = chunk.choices.find((c) => c.index === 0);
  return { delta: choice?.delta as CanonicalDelta | undefined, finish: choice?.finish_reason ?? null };
}

/** The function calls of a completion's message (choice 0's, for protocols with one candidate). */
export function toolCallsOf(message: ChatCompletion.Choice["message"] | undefined): ToolCall[] {
  return (message?.tool_calls ?? []).flatMap((c) => (c.type === "function" ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : []));
}

/** A stream's tool-call deltas (id and name first, arguments in pieces, by index) gathered into whole calls. */
export class ToolCallCollector {
  private readonly byIndex = new Map<number, ToolCall>();

  add(deltas: CanonicalDelta["tool_calls"]): void {
    for (const call of deltas ?? []) {
      const known = this.byIndex.get(call.index) ?? { id: call.id ?? "", name: "", arguments: "" };
      if (call.id) known.id = call.id;
      if (call.function?.name) known.name = call.function.name;
      known.arguments += call.function?.arguments ?? "";
      this.byIndex.set(call.index, known);
    }
  }

  /** the calls so far, in the order they began */
  calls(): ToolCall[] {
    return [...this.byIndex.values()];
  }
}

/** Emits the canonical chunks of one streamed answer (choice 0), with a stable id and model. */
export class ChunkWriter {
  readonly id = completionId();
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(private readonly model: string) {}

  private chunk(delta: CanonicalDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] };
  }

  role(): ChatCompletionChunk {
    return this.chunk({ role: "assistant", content: "" });
  }

  text(content: string): ChatCompletionChunk {
    return this.chunk({ content });
  }

  reasoning(text: string): ChatCompletionChunk {
    return this.chunk({ reasoning_content: text });
  }

  toolCallStart(index: number, id: string, name: string, args = ""): ChatCompletionChunk {
    return this.chunk({ tool_calls: [{ index, id, type: "function", function: { name, arguments: args } }] });
  }

  toolCallArguments(index: number, args: string): ChatCompletionChunk {
    return this.chunk({ tool_calls: [{ index, function: { arguments: args } }] });
  }

  finish(reason: FinishReason): ChatCompletionChunk {
    return this.chunk({}, reason);
  }

  usage(usage: CanonicalUsage): ChatCompletionChunk {
    return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [], usage };
  }
}
