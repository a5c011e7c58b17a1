import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { EmbeddingCreateParams } from "openai/resources/embeddings";
import type { ChatRequest } from "../../schemas/openai";
import type { CallOptions, ProviderAdapter, UpstreamTarget } from "../types";
import { fromOpenAIError } from "./errors";

/** What distinguishes one OpenAI-compatible provider from another. */
export interface OpenAIFamilyOptions {
  defaultBaseUrl: string | null;
  requiresApiKey: boolean;
  /** headers every request to this provider carries (before per-provider config headers) */
  headers?: Record<string, string>;
}

// One SDK client per provider record and credential. Registry snapshots are rebuilt when the
// configuration changes, so keying on the snapshot's objects lets old clients be collected.
const clients = new WeakMap<object, Map<string, OpenAI>>();

function clientFor(target: UpstreamTarget, options: OpenAIFamilyOptions): OpenAI {
  let byCredential = clients.get(target.provider);
  if (!byCredential) {
    byCredential = new Map();
    clients.set(target.provider, byCredential);
  }
  const credentialId = target.credential?.id ?? "";
  let client = byCredential.get(credentialId);
  if (!client) {
    client = new OpenAI({
      apiKey: target.credential?.secret.apiKey ?? "not-needed",
      baseURL: target.provider.baseUrl ?? options.defaultBaseUrl ?? undefined,
      // the gateway decides about retries and fallbacks itself
      maxRetries: 0,
      defaultHeaders: { ...options.headers, ...target.provider.config.headers },
    });
    byCredential.set(credentialId, client);
  }
  return client;
}

function upstreamParams(request: ChatRequest, target: UpstreamTarget) {
  // stream_options is only valid on streaming requests
  const { stream: _stream, stream_options: _streamOptions, ...rest } = request;
  return { ...rest, model: target.upstreamModel };
}

async function* guarded(stream: AsyncIterable<ChatCompletionChunk>): AsyncIterable<ChatCompletionChunk> {
  try {
    yield* stream;
  } catch (error) {
    throw fromOpenAIError(error);
  }
}

export function createOpenAIFamilyAdapter(options: OpenAIFamilyOptions): ProviderAdapter {
  const requestOptions = (call: CallOptions) => ({ signal: call.signal, timeout: call.timeoutMs });
  return {
    defaultBaseUrl: options.defaultBaseUrl,
    requiresApiKey: options.requiresApiKey,

    async chat(request, target, call) {
      const params = upstreamParams(request, target) as ChatCompletionCreateParamsNonStreaming;
      try {
        return await clientFor(target, options).chat.completions.create(params, requestOptions(call));
      } catch (error) {
        throw fromOpenAIError(error);
      }
    },

    async streamChat(request, target, call) {
      const params = {
        ...upstreamParams(request, target),
        stream: true,
        // always ask for usage: metering needs the upstream's own numbers
        stream_options: { ...request.stream_options, include_usage: true },
      } as ChatCompletionCreateParamsStreaming;
      try {
        const stream = await clientFor(target, options).chat.completions.create(params, requestOptions(call));
        return guarded(stream);
      } catch (error) {
        throw fromOpenAIError(error);
      }
    },

    async embeddings(request, target, call) {
      const params = { ...request, model: target.upstreamModel } as EmbeddingCreateParams;
      try {
        return await clientFor(target, options).embeddings.create(params, requestOptions(call));
      } catch (error) {
        throw fromOpenAIError(error);
      }
    },
  };
}
