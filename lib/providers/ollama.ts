import { Ollama, type ChatRequest as OllamaChatRequest, type ChatResponse, type Message as OllamaMessage, type Tool } from "ollama";
import type { ChatMessage, ChatRequest } from "../canonical/schema";
import { ChunkWriter, completion, embeddingsResponse, toolCallId, usage, type AssistantTurn, type FinishReason, type ToolCall } from "../canonical/completion";
import { requestImages, type RequestImages } from "./shared/images";
import { maxOutputTokens, partsOf, responseSchema, stopSequences, textOf, toolNames } from "../canonical/request";
import { parseArguments } from "./shared/tool-arguments";
import type { CallOptions, ProviderAdapter, UpstreamTarget } from "./types";
import type { ChatCompletionChunk } from "../canonical/completion";
import { unanswered, upstreamAborted, upstreamTimeout, UpstreamError } from "./upstream-error";

// Ollama's native API through the `ollama` client: chat with tools, images and thinking, NDJSON
// streaming, usage from prompt_eval_count / eval_count, embeddings. No key needed (an Ollama behind
// an authenticating proxy, or ollama.com, takes one as a bearer token).

/**
 * A client for one call. The client has no per-request signal or timeout, so its fetch carries
 * them: the timeout covers the wait for the response to start, the signal the whole exchange.
 */
function clientFor(target: UpstreamTarget, options: CallOptions): Ollama {
  const apiKey = target.credential?.secret.apiKey;
  return new Ollama({
    host: target.provider.baseUrl ?? ollamaAdapter.defaultBaseUrl!,
    headers: { ...options.headers, ...target.provider.config.headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
    fetch: async (input, init) => {
      const timer = AbortSignal.timeout(options.timeoutMs);
      const signal = AbortSignal.any([options.signal, timer, ...(init?.signal ? [init.signal] : [])]);
      try {
        return await fetch(input, { ...init, signal });
      } catch (error) {
        if (timer.aborted && !options.signal.aborted) throw upstreamTimeout();
        throw error;
      }
    },
  });
}

function fail(error: unknown, signal: AbortSignal): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const err = error as Error & { status_code?: number; error?: string };
  if (err?.name === "ResponseError") return new UpstreamError({ kind: "http", status: err.status_code ?? 502, message: err.error ?? err.message });
  if (err?.name === "AbortError" || signal.aborted) return upstreamAborted();
  // fetch's "fetch failed" (its cause carries the socket error), or JSON.stringify refusing the request
  if (err instanceof TypeError || err instanceof RangeError) return unanswered(err);
  // an {"error": …} line in the middle of a stream
  return new UpstreamError({ kind: "http", status: 502, message: err?.message ?? String(error) });
}

async function toMessages(messages: ChatMessage[], images: RequestImages): Promise<OllamaMessage[]> {
  const names = toolNames(messages);
  const out: OllamaMessage[] = [];
  for (const message of messages) {
    if (message.role === "tool") {
      out.push({ role: "tool", content: textOf(message.content), tool_name: names.get(message.tool_call_id) ?? "tool" });
    } else if (message.role === "assistant") {
      const thinking = (message as { reasoning_content?: string | null }).reasoning_content;
      out.push({
        role: "assistant",
        content: textOf(message.content ?? null),
        ...(thinking ? { thinking } : {}),
        ...(message.tool_calls?.length
          ? { tool_calls: message.tool_calls.map((c) => ({ function: { name: c.function.name, arguments: parseArguments(c.function.arguments, `tool call ${c.id}`) } })) }
          : {}),
      });
    } else {
      const inlined: string[] = [];
      for (const part of partsOf(message.content)) if (part.type === "image") inlined.push((await images.inline(part.url)).base64);
      out.push({ role: message.role === "developer" ? "system" : message.role, content: textOf(message.content), ...(inlined.length ? { images: inlined } : {}) });
    }
  }
  return out;
}

async function toRequest(request: ChatRequest, target: UpstreamTarget, signal: AbortSignal): Promise<OllamaChatRequest> {
  const format = responseSchema(request);
  const effort = request.reasoning_effort;
  const native = request as ChatRequest & { think?: OllamaChatRequest["think"]; keep_alive?: string | number };
  return {
    model: target.upstreamModel,
    messages: await toMessages(request.messages, requestImages(request.messages, signal)),
    ...(request.tools?.length && request.tool_choice !== "none" ? { tools: request.tools.map((t) => ({ type: "function", function: t.function }) as Tool) } : {}),
    ...(format ? { format: format === "json" ? "json" : format.schema } : {}),
    ...(native.think !== undefined ? { think: native.think } : effort ? { think: effort === "none" ? false : effort === "minimal" ? "low" : effort === "xhigh" ? "high" : effort } : {}),
    ...(native.keep_alive !== undefined ? { keep_alive: native.keep_alive } : {}),
    options: {
      ...(request.temperature != null ? { temperature: request.temperature } : {}),
      ...(request.top_p != null ? { top_p: request.top_p } : {}),
      ...(maxOutputTokens(request) ? { num_predict: maxOutputTokens(request) } : {}),
      ...(stopSequences(request) ? { stop: stopSequences(request) } : {}),
      ...(request.seed != null ? { seed: request.seed } : {}),
      ...(request.presence_penalty != null ? { presence_penalty: request.presence_penalty } : {}),
      ...(request.frequency_penalty != null ? { frequency_penalty: request.frequency_penalty } : {}),
    },
  };
}

function toolCallsOf(message: ChatResponse["message"]): ToolCall[] {
  // current Ollama gives tool calls ids; older versions do not
  return (message.tool_calls ?? []).map((call) => ({
    id: (call as { id?: string }).id ?? toolCallId(),
    name: call.function.name,
    arguments: JSON.stringify(call.function.arguments ?? {}),
  }));
}

const finishOf = (response: ChatResponse, calledTools: boolean): FinishReason => (calledTools ? "tool_calls" : response.done_reason === "length" ? "length" : "stop");
const usageOf = (response: ChatResponse) => usage({ input: response.prompt_eval_count ?? 0, output: response.eval_count ?? 0 });

export const ollamaAdapter: ProviderAdapter = {
  defaultBaseUrl: "http://127.0.0.1:11434",
  credential: "optional_api_key",

  async chat(request, target, options) {
    const body = await toRequest(request, target, options.signal);
    try {
      const response = await clientFor(target, options).chat({ ...body, stream: false });
      const turn: AssistantTurn = { text: response.message.content, reasoning: response.message.thinking ?? "", toolCalls: toolCallsOf(response.message) };
      return completion({ model: request.model, turn, finishReason: finishOf(response, turn.toolCalls.length > 0), usage: usageOf(response) });
    } catch (error) {
      throw fail(error, options.signal);
    }
  },

  async streamChat(request, target, options) {
    const body = await toRequest(request, target, options.signal);
    let stream: AsyncIterable<ChatResponse>;
    try {
      stream = await clientFor(target, options).chat({ ...body, stream: true });
    } catch (error) {
      throw fail(error, options.signal);
    }
    return (async function* (): AsyncIterable<ChatCompletionChunk> {
      const writer = new ChunkWriter(request.model);
      let toolCalls = 0;
      yield writer.role();
      try {
        for await (const part of stream) {
          if (part.message.thinking) yield writer.reasoning(part.message.thinking);
          if (part.message.content) yield writer.text(part.message.content);
          // Ollama sends each tool call whole
          for (const call of toolCallsOf(part.message)) yield writer.toolCallStart(toolCalls++, call.id, call.name, call.arguments);
          if (part.done) {
            yield writer.finish(finishOf(part, toolCalls > 0));
            yield writer.usage(usageOf(part));
          }
        }
      } catch (error) {
        throw fail(error, options.signal);
      }
    })();
  },

  async embeddings(request, target, options) {
    const input = typeof request.input === "string" ? request.input : (request.input as unknown[]).map((i) => (typeof i === "string" ? i : JSON.stringify(i)));
    try {
      const response = await clientFor(target, options).embed({ model: target.upstreamModel, input, ...(request.dimensions ? { dimensions: request.dimensions } : {}) });
      return embeddingsResponse(response.embeddings, request.model, response.prompt_eval_count ?? 0, request.encoding_format);
    } catch (error) {
      throw fail(error, options.signal);
    }
  },

  async testConnection(target, options) {
    try {
      await clientFor(target, options).list();
    } catch (error) {
      throw fail(error, options.signal);
    }
  },
};
