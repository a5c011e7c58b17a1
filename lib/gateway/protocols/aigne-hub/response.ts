import type { ChatCompletion, CanonicalUsage, ChatCompletionChunk, ToolCall } from "../../../canonical/completion";
import { firstChoice, ToolCallCollector, toolCallsOf } from "../../../canonical/completion";
import { formatCredits } from "../../../money";
import type { CallContext } from "../../context";
import type { ApiError } from "../../../http/api-error";
import type { StreamEncoder } from "../stream-encoder";

// Canonical answers as the AIGNE framework's ChatModelOutput {text, thoughts, toolCalls, json, model,
// usage:{inputTokens, outputTokens, aigneHubCredits}}. Streamed, as @aigne/transport parses it: text
// arrives in `{"delta":{"text":{"text":…}}}` events (thoughts under "thoughts"), and the rest in one
// closing `{"delta":{"json":{…}}}` (its json deltas are merged shallowly, so tool calls go whole);
// a failure is an `event: error` with a message.

export interface AigneOutputOptions {
  model: string;
  /** the response had to be JSON (responseFormat json_schema): the text parsed goes in `json` */
  json: boolean;
  /** the call's charge in credits (service provider mode), once its usage is known */
  credits: () => number | undefined;
}

/** The call's charge in credits, as the protocol reports it in usage (service provider mode only). */
export function credits(ctx: CallContext): { aigneHubCredits?: number } {
  return ctx.call.billing?.mode === "service_provider" ? { aigneHubCredits: Number(formatCredits(ctx.call.charge())) } : {};
}

function parseObject(text: string): unknown {
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}

function closing(options: AigneOutputOptions, text: string, toolCalls: ToolCall[], usage: CanonicalUsage | null | undefined) {
  const credits = options.credits();
  const parsed = options.json && text ? parseObject(text) : undefined;
  return {
    ...(toolCalls.length ? { toolCalls: toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: parseObject(c.arguments) ?? { _raw: c.arguments } } })) } : {}),
    ...(parsed !== undefined ? { json: parsed } : {}),
    model: options.model,
    usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, ...(credits !== undefined ? { aigneHubCredits: credits } : {}) },
  };
}

export function toAigneOutput(completion: ChatCompletion, options: AigneOutputOptions) {
  const message = completion.choices[0]?.message as (ChatCompletion.Choice["message"] & { reasoning_content?: string }) | undefined;
  const text = message?.content ?? "";
  const toolCalls = toolCallsOf(message);
  return {
    ...(text ? { text } : {}),
    ...(message?.reasoning_content ? { thoughts: message.reasoning_content } : {}),
    ...closing(options, text, toolCalls, completion.usage),
  };
}

export class AigneStreamEncoder implements StreamEncoder {
  private text = "";
  private readonly toolCalls = new ToolCallCollector();
  private usage: CanonicalUsage | null = null;

  constructor(private readonly options: AigneOutputOptions) {}

  private frame(payload: unknown): string {
    return `data: ${JSON.stringify(payload)}\n\n`;
  }

  chunk(chunk: ChatCompletionChunk): string[] {
    if (chunk.usage) this.usage = chunk.usage;
    const { delta } = firstChoice(chunk);
    const frames: string[] = [];
    if (delta?.reasoning_content) frames.push(this.frame({ delta: { text: { thoughts: delta.reasoning_content } } }));
    if (delta?.content) {
      this.text += delta.content;
      frames.push(this.frame({ delta: { text: { text: delta.content } } }));
    }
    this.toolCalls.add(delta?.tool_calls);
    return frames;
  }

  end(): string[] {
    return [this.frame({ delta: { json: closing(this.options, this.text, this.toolCalls.calls(), this.usage) } })];
  }

  error(error: ApiError): string {
    return `event: error\ndata: ${JSON.stringify({ message: error.message, type: error.type, code: error.code })}\n\n`;
  }
}

/** The protocol's error body: 402 is {error:{type:"NOT_ENOUGH", message, link}}, the rest OpenAI's shape. */
export function aigneHubError(error: ApiError): unknown {
  if (error.status === 402) return { error: { type: "NOT_ENOUGH", message: error.message, link: error.extra.top_up_url ?? null } };
  return error.toJSON();
}
