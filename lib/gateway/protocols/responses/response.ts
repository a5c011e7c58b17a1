import { randomUUID } from "node:crypto";
import type { ChatCompletion, CanonicalUsage, ChatCompletionChunk } from "../../../canonical/completion";
import { firstChoice } from "../../../canonical/completion";
import type { ResponsesRequest } from "./schema";
import type { ApiError } from "../../../http/api-error";
import type { StreamEncoder } from "../stream-encoder";

// Canonical answers as Responses API objects: a `response` with output items (reasoning, message,
// function_call) for non-streamed calls, and for streamed ones the event sequence response.created →
// response.in_progress → per item output_item.added, its deltas, output_item.done → response.completed
// (or response.incomplete at the token limit), each event numbered by sequence_number.

const id = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, "")}`;

export function responsesUsage(usage: CanonicalUsage | null | undefined) {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: input + output,
  };
}

type Item = Record<string, unknown> & { type: string; id: string };

const messageItem = (itemId: string, text: string, status: string): Item => ({
  type: "message",
  id: itemId,
  status,
  role: "assistant",
  content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations: [], logprobs: [] }],
});
const reasoningItem = (itemId: string, text: string | null): Item => ({ type: "reasoning", id: itemId, summary: [], ...(text === null ? {} : { content: [{ type: "reasoning_text", text }] }) });
const functionCallItem = (itemId: string, call: { id: string; name: string; arguments: string }, status: string): Item => ({
  type: "function_call",
  id: itemId,
  call_id: call.id,
  name: call.name,
  arguments: call.arguments,
  status,
});

/** The fields of a response that echo the request (the same in every event and the final object). */
function envelope(body: ResponsesRequest, responseId: string, createdAt: number) {
  return {
    id: responseId,
    object: "response",
    created_at: createdAt,
    model: body.model,
    error: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: null },
    store: false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? null,
    truncation: "disabled",
    user: body.user ?? null,
  };
}

const finished = (finishReason: string | null | undefined) =>
  finishReason === "length" ? { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } : { status: "completed", incomplete_details: null };

export function toResponse(completion: ChatCompletion, body: ResponsesRequest) {
  const choice = completion.choices[0];
  const message = choice?.message as (ChatCompletion.Choice["message"] & { reasoning_content?: string }) | undefined;
  const output: Item[] = [];
  if (message?.reasoning_content) output.push(reasoningItem(id("rs"), message.reasoning_content));
  if (message?.content) output.push(messageItem(id("msg"), message.content, "completed"));
  for (const call of message?.tool_calls ?? []) {
    if (call.type === "function") output.push(functionCallItem(id("fc"), { id: call.id, name: call.function.name, arguments: call.function.arguments }, "completed"));
  }
  return { ...envelope(body, id("resp"), Math.floor(Date.now() / 1000)), ...finished(choice?.finish_reason), output, usage: responsesUsage(completion.usage) };
}

type Open = { kind: "message" | "reasoning"; index: number; id: string; text: string } | { kind: "function"; index: number; id: string; call: { id: string; name: string; arguments: string } };

/** Writes canonical chunks as Responses API stream events. */
export class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private started = false;
  private readonly responseId = id("resp");
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private readonly output: Item[] = [];
  private open: Open | null = null;
  /** canonical tool-call index → its open function_call item */
  private readonly calls = new Map<number, Extract<Open, { kind: "function" }>>();
  private finish: string | null = null;
  private usage: CanonicalUsage | null = null;

  constructor(private readonly body: ResponsesRequest) {}

  private frame(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...data })}\n\n`;
  }

  private snapshot(status: "in_progress" | "completed" | "incomplete") {
    const base = envelope(this.body, this.responseId, this.createdAt);
    if (status === "in_progress") return { ...base, status, incomplete_details: null, output: [], usage: null };
    return { ...base, ...finished(this.finish), output: this.output, usage: responsesUsage(this.usage) };
  }

  private start(frames: string[]): void {
    if (this.started) return;
    this.started = true;
    frames.push(this.frame("response.created", { response: this.snapshot("in_progress") }), this.frame("response.in_progress", { response: this.snapshot("in_progress") }));
  }

  private close(frames: string[]): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const at = { item_id: open.id, output_index: open.index };
    let item: Item;
    if (open.kind === "function") {
      item = functionCallItem(open.id, open.call, "completed");
      frames.push(this.frame("response.function_call_arguments.done", { ...at, name: open.call.name, arguments: open.call.arguments }));
    } else {
      const part = open.kind === "message" ? { type: "output_text", text: open.text, annotations: [], logprobs: [] } : { type: "reasoning_text", text: open.text };
      item = open.kind === "message" ? messageItem(open.id, open.text, "completed") : reasoningItem(open.id, open.text);
      frames.push(
        this.frame(open.kind === "message" ? "response.output_text.done" : "response.reasoning_text.done", { ...at, content_index: 0, text: open.text, ...(open.kind === "message" ? { logprobs: [] } : {}) }),
        this.frame("response.content_part.done", { ...at, content_index: 0, part }),
      );
    }
    this.output[open.index] = item;
    frames.push(this.frame("response.output_item.done", { output_index: open.index, item }));
  }

  private addItem(frames: string[], item: Item): number {
    this.close(frames);
    const index = this.output.length;
    this.output.push(item);
    frames.push(this.frame("response.output_item.added", { output_index: index, item }));
    return index;
  }

  private textDelta(frames: string[], kind: "message" | "reasoning", delta: string): void {
    if (this.open?.kind !== kind) {
      const itemId = id(kind === "message" ? "msg" : "rs");
      const index = this.addItem(frames, kind === "message" ? messageItem(itemId, "", "in_progress") : reasoningItem(itemId, null));
      const part = kind === "message" ? { type: "output_text", text: "", annotations: [], logprobs: [] } : { type: "reasoning_text", text: "" };
      frames.push(this.frame("response.content_part.added", { item_id: itemId, output_index: index, content_index: 0, part }));
      this.open = { kind, index, id: itemId, text: "" };
    }
    const open = this.open as Extract<Open, { kind: "message" | "reasoning" }>;
    open.text += delta;
    const type = kind === "message" ? "response.output_text.delta" : "response.reasoning_text.delta";
    frames.push(this.frame(type, { item_id: open.id, output_index: open.index, content_index: 0, delta, ...(kind === "message" ? { logprobs: [] } : {}) }));
  }

  chunk(chunk: ChatCompletionChunk): string[] {
    const frames: string[] = [];
    this.start(frames);
    if (chunk.usage) this.usage = chunk.usage;
    const { delta, finish } = firstChoice(chunk);
    if (delta?.reasoning_content) this.textDelta(frames, "reasoning", delta.reasoning_content);
    if (delta?.content) this.textDelta(frames, "message", delta.content);
    for (const call of delta?.tool_calls ?? []) {
      if (call.id && !this.calls.has(call.index)) {
        const itemId = id("fc");
        const open = { kind: "function" as const, index: -1, id: itemId, call: { id: call.id, name: call.function?.name ?? "", arguments: "" } };
        open.index = this.addItem(frames, functionCallItem(itemId, open.call, "in_progress"));
        this.open = open;
        this.calls.set(call.index, open);
      }
      const open = this.calls.get(call.index);
      if (open && call.function?.arguments) {
        open.call.arguments += call.function.arguments;
        frames.push(this.frame("response.function_call_arguments.delta", { item_id: open.id, output_index: open.index, delta: call.function.arguments }));
      }
    }
    if (finish) this.finish = finish;
    return frames;
  }

  end(): string[] {
    const frames: string[] = [];
    this.start(frames);
    this.close(frames);
    const status = this.finish === "length" ? "incomplete" : "completed";
    frames.push(this.frame(`response.${status}`, { response: this.snapshot(status) }));
    return frames;
  }

  error(error: ApiError): string {
    return this.frame("error", { code: error.code, message: error.message, param: error.param });
  }
}
