import type { ChatCompletion, CanonicalUsage, ChatCompletionChunk, ToolCall } from "../../../canonical/completion";
import { firstChoice, ToolCallCollector, toolCallsOf } from "../../../canonical/completion";
import type { ApiError } from "../../../http/api-error";
import type { StreamEncoder } from "../stream-encoder";

// Canonical answers in the AIGNE Hub completions shapes (the ai-kit package's ChatCompletionChunk
// and ChatCompletionUsage). Not streamed: {role: "assistant", text, content, toolCalls?}. Streamed:
// `data: {"delta":{"role":"assistant","content":…}}` events as the text arrives (role on the first
// only), the tool calls whole in one `{"delta":{"toolCalls":[…]}}` event once the stream is done, then
// `{"usage":{promptTokens, completionTokens, totalTokens}}`; a failure after the first byte is
// `{"error":{"message"}}`. There is no closing `[DONE]`: the original sent none.

const camelCall = (call: ToolCall) => ({ id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } });

export function toCompletionsAnswer(completion: ChatCompletion) {
  const message = completion.choices[0]?.message;
  const content = message?.content ?? "";
  const toolCalls = toolCallsOf(message);
  return { role: "assistant", text: content, content, ...(toolCalls.length ? { toolCalls: toolCalls.map(camelCall) } : {}) };
}

const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;

export class CompletionsStreamEncoder implements StreamEncoder {
  private started = false;
  private readonly toolCalls = new ToolCallCollector();
  private usage: CanonicalUsage | null = null;

  private delta(fields: Record<string, unknown>): string {
    const role = this.started ? {} : { role: "assistant" };
    this.started = true;
    return frame({ delta: { ...role, ...fields } });
  }

  chunk(chunk: ChatCompletionChunk): string[] {
    if (chunk.usage) this.usage = chunk.usage;
    const { delta } = firstChoice(chunk);
    this.toolCalls.add(delta?.tool_calls);
    // reasoning has no place in this protocol: only the answer's text goes out
    return delta?.content ? [this.delta({ content: delta.content })] : [];
  }

  end(): string[] {
    const frames: string[] = [];
    const calls = this.toolCalls.calls();
    if (calls.length) frames.push(this.delta({ toolCalls: calls.map(camelCall) }));
    // the upstream is always asked for its usage; should it send none, the call is metered from a
    // count of what was relayed (relay/sse.ts) and the client gets no usage event, as from the original
    if (this.usage) {
      const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = this.usage;
      frames.push(frame({ usage: { promptTokens, completionTokens, totalTokens: this.usage.total_tokens ?? promptTokens + completionTokens } }));
    }
    return frames;
  }

  error(error: ApiError): string {
    // no `type`: the ai-kit client reads a typed error as one of its own configuration errors
    return frame({ error: { message: error.message, ...(error.code ? { code: error.code } : {}) } });
  }
}
