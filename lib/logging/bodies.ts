import type { ChatCompletionChunk } from "../canonical/completion";
import type { Redactor } from "./redact";

// What a call logged at "bodies" keeps: the request as the client sent it (parsed) and the answer,
// or for a stream the answer assembled from its chunks. Kept as references while the call runs;
// serialised, redacted and cut only when written, off the request path.

export interface CapturedBodies {
  request: unknown;
  response: unknown;
}

interface AssembledChoice {
  index: number;
  content: string;
  reasoning: string;
  toolCalls: Map<number, { id: string; type: "function"; function: { name: string; arguments: string } }>;
  finishReason: string | null;
}

/** A streamed answer put back together: text, reasoning, tool calls with their arguments, finish reason, usage. */
export class StreamAssembler {
  private id: string | null = null;
  private model: string | null = null;
  private readonly choices = new Map<number, AssembledChoice>();
  private usage: unknown = null;

  add(chunk: ChatCompletionChunk): void {
    this.id ??= chunk.id;
    this.model ??= chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    for (const { index, delta, finish_reason } of chunk.choices) {
      let choice = this.choices.get(index);
      if (!choice) this.choices.set(index, (choice = { index, content: "", reasoning: "", toolCalls: new Map(), finishReason: null }));
      const withReasoning = delta as (typeof delta & { reasoning_content?: string }) | undefined;
      if (withReasoning?.content) choice.content += withReasoning.content;
      if (withReasoning?.reasoning_content) choice.reasoning += withReasoning.reasoning_content;
      for (const call of delta?.tool_calls ?? []) {
        let assembled = choice.toolCalls.get(call.index);
        if (!assembled) choice.toolCalls.set(call.index, (assembled = { id: "", type: "function", function: { name: "", arguments: "" } }));
        if (call.id) assembled.id = call.id;
        if (call.function?.name) assembled.function.name += call.function.name;
        if (call.function?.arguments) assembled.function.arguments += call.function.arguments;
      }
      if (finish_reason) choice.finishReason = finish_reason;
    }
  }

  /** The stream as one chat completion would have said it. */
  result(): unknown {
    return {
      id: this.id,
      model: this.model,
      stream: true,
      choices: [...this.choices.values()].map((choice) => ({
        index: choice.index,
        message: {
          role: "assistant",
          content: choice.content || null,
          ...(choice.reasoning ? { reasoning_content: choice.reasoning } : {}),
          ...(choice.toolCalls.size ? { tool_calls: [...choice.toolCalls.values()] } : {}),
        },
        finish_reason: choice.finishReason,
      })),
      usage: this.usage,
    };
  }
}

/** What is kept of bulky machine output: its size, not its bytes (vectors, generated images). */
function placeholder(key: string, value: unknown): string | null {
  if (key === "embedding") return Array.isArray(value) ? `[${value.length} numbers]` : "[base64 vector]";
  if (key === "b64_json" && typeof value === "string") return `[base64 image, ${value.length} characters]`;
  return null;
}

export interface StoredBody {
  text: string;
  truncated: boolean;
}

// a cut body is walked again with less string room until its JSON fits; this many walks at most
const FIT_ATTEMPTS = 4;

/**
 * A body as stored: vectors and images left out, every string redacted, at most `maxBytes` of JSON
 * text (strings shortened, and marked truncated, beyond). The strings kept are bounded by the room
 * left, not the body's size: once it is spent the rest are dropped unread. A cut body stays valid
 * JSON (the pages pretty-print it), unless its structure alone, without any text, is over the cap:
 * then the text is cut where the cap falls.
 */
export function storedBody(value: unknown, redact: Redactor, maxBytes: number): StoredBody {
  let room = maxBytes;
  for (let attempt = 1; ; attempt++) {
    const { text, truncated } = walkWithin(value, redact, room);
    const bytes = Buffer.byteLength(text);
    if (bytes <= maxBytes) return { text, truncated };
    // escapes, multi-byte characters and the structure take more bytes than the characters counted
    const smaller = Math.floor((room * maxBytes) / bytes) - 64;
    if (attempt === FIT_ATTEMPTS || smaller <= 0) return { text: Buffer.from(text).subarray(0, maxBytes).toString(), truncated: true };
    room = smaller;
  }
}

/** The body as JSON text with at most `room` characters of strings kept, each redacted. */
function walkWithin(value: unknown, redact: Redactor, room: number): StoredBody {
  let budget = room;
  let truncated = false;
  const walk = (node: unknown, key: string): unknown => {
    const shown = placeholder(key, node);
    if (shown !== null) return shown;
    if (typeof node === "string") {
      if (budget <= 0) {
        if (node) truncated = true;
        return "";
      }
      const kept = node.length > budget ? node.slice(0, budget) : node;
      if (kept.length < node.length) truncated = true;
      budget -= kept.length;
      return redact(kept);
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, ""));
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    return node;
  };
  return { text: JSON.stringify(walk(value, "")) ?? "null", truncated };
}
