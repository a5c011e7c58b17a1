import { randomUUID } from "node:crypto";
import type { ChatCompletion, CanonicalUsage, ChatCompletionChunk } from "../../../canonical/completion";
import { firstChoice } from "../../../canonical/completion";
import type { ApiError } from "../../../http/api-error";
import type { StreamEncoder } from "../stream-encoder";

// Canonical answers in Anthropic's Messages shapes: a Message for non-streamed calls, and the exact
// event sequence of a streamed one (message_start, ping, then per content block content_block_start
// → content_block_delta… → content_block_stop, then message_delta with the stop reason and usage,
// message_stop). Errors as {type:"error", error:{type, message}}.

const STOP_REASON: Record<string, string> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", function_call: "tool_use", content_filter: "refusal" };
const stopReason = (finish: string | null | undefined) => STOP_REASON[finish ?? "stop"] ?? "end_turn";

const messageId = () => `msg_${randomUUID().replace(/-/g, "")}`;

/** Anthropic counts cache reads and writes apart from input_tokens; OpenAI's prompt_tokens include them. */
export function anthropicUsage(usage: CanonicalUsage | null | undefined) {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
  };
}

function parseInput(json: string): unknown {
  try {
    return json.trim() ? JSON.parse(json) : {};
  } catch {
    // an upstream that produced broken JSON: hand the text over rather than lose it
    return { _raw: json };
  }
}

export function toAnthropicMessage(completion: ChatCompletion, model: string) {
  const choice = completion.choices[0];
  const message = choice?.message as (ChatCompletion.Choice["message"] & { reasoning_content?: string }) | undefined;
  const content: unknown[] = [];
  if (message?.reasoning_content) content.push({ type: "thinking", thinking: message.reasoning_content, signature: "" });
  if (message?.content) content.push({ type: "text", text: message.content });
  for (const call of message?.tool_calls ?? []) {
    if (call.type === "function") content.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseInput(call.function.arguments) });
  }
  return {
    id: messageId(),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(completion.usage),
  };
}

const ERROR_TYPE: Record<number, string> = { 400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error", 404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 504: "timeout_error" };

/** Our error in Anthropic's shape; its own fields (code, top_up_url …) ride along. */
export function anthropicError(error: ApiError, requestId: string) {
  const type = ERROR_TYPE[error.status] ?? (error.status === 503 || error.status === 529 ? "overloaded_error" : "api_error");
  return { type: "error", error: { type, message: error.message, ...(error.code ? { code: error.code } : {}), ...error.extra }, request_id: requestId };
}

type OpenBlock = { kind: "text" | "thinking" } | { kind: "tool"; toolIndex: number };

/** Writes canonical chunks as Anthropic stream events. */
export class AnthropicStreamEncoder implements StreamEncoder {
  private started = false;
  private blocks = 0;
  private open: OpenBlock | null = null;
  /** canonical tool-call index → content block index */
  private toolBlocks = new Map<number, number>();
  private finish: string | null = null;
  private usage: CanonicalUsage | null = null;

  constructor(
    private readonly model: string,
    /** the prompt estimate, for message_start (the upstream's own count arrives with message_delta) */
    private readonly inputTokens: number,
  ) {}

  private frame(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  }

  private start(frames: string[]): void {
    if (this.started) return;
    this.started = true;
    const usage = { input_tokens: this.inputTokens, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    frames.push(
      this.frame("message_start", { message: { id: messageId(), type: "message", role: "assistant", model: this.model, content: [], stop_reason: null, stop_sequence: null, usage } }),
      this.frame("ping", {}),
    );
  }

  private close(frames: string[]): void {
    if (!this.open) return;
    frames.push(this.frame("content_block_stop", { index: this.blocks - 1 }));
    this.open = null;
  }

  private openBlock(frames: string[], block: OpenBlock, contentBlock: Record<string, unknown>): number {
    this.close(frames);
    this.open = block;
    frames.push(this.frame("content_block_start", { index: this.blocks, content_block: contentBlock }));
    return this.blocks++;
  }

  private textDelta(frames: string[], kind: "text" | "thinking", text: string): void {
    if (this.open?.kind !== kind) this.openBlock(frames, { kind }, kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" });
    const delta = kind === "text" ? { type: "text_delta", text } : { type: "thinking_delta", thinking: text };
    frames.push(this.frame("content_block_delta", { index: this.blocks - 1, delta }));
  }

  chunk(chunk: ChatCompletionChunk): string[] {
    const frames: string[] = [];
    this.start(frames);
    if (chunk.usage) this.usage = chunk.usage;
    const { delta, finish } = firstChoice(chunk);
    if (delta?.reasoning_content) this.textDelta(frames, "thinking", delta.reasoning_content);
    if (delta?.content) this.textDelta(frames, "text", delta.content);
    for (const call of delta?.tool_calls ?? []) {
      if (call.id && !this.toolBlocks.has(call.index)) {
        const index = this.openBlock(frames, { kind: "tool", toolIndex: call.index }, { type: "tool_use", id: call.id, name: call.function?.name ?? "", input: {} });
        this.toolBlocks.set(call.index, index);
      }
      const block = this.toolBlocks.get(call.index);
      if (block !== undefined && call.function?.arguments) {
        frames.push(this.frame("content_block_delta", { index: block, delta: { type: "input_json_delta", partial_json: call.function.arguments } }));
      }
    }
    if (finish) this.finish = finish;
    return frames;
  }

  end(): string[] {
    const frames: string[] = [];
    this.start(frames);
    this.close(frames);
    frames.push(
      this.frame("message_delta", { delta: { stop_reason: stopReason(this.finish), stop_sequence: null }, usage: anthropicUsage(this.usage) }),
      this.frame("message_stop", {}),
    );
    return frames;
  }

  error(error: ApiError): string {
    return this.frame("error", { error: anthropicError(error, "").error });
  }
}
