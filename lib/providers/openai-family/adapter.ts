import OpenAI, { toFile } from "openai";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { EmbeddingCreateParams } from "openai/resources/embeddings";
import type { ImageGenerateParamsNonStreaming } from "openai/resources/images";
import type { SpeechCreateParams } from "openai/resources/audio/speech";
import type { ModerationCreateParams } from "openai/resources/moderations";
import type { ModerationResponse, TranscriptionResult } from "../../canonical/audio";
import { UpstreamError } from "../upstream-error";
import type { ChatRequest } from "../../canonical/schema";
import { maxOutputTokens } from "../../canonical/request";
import type { CallOptions, CredentialKind, ProviderAdapter, UpstreamTarget } from "../types";
import type { CanonicalUsage } from "../../canonical/completion";
import { sdkClients } from "../shared/client-cache";
import { postEventStream, postJson, type PostOptions } from "../shared/http-client";
import { fromOpenAIError } from "./errors";
import { requestOptions, sdkCall } from "./sdk-call";
import { openAIVideos } from "./videos";

/**
 * What distinguishes one OpenAI-compatible provider from another. Everything else (client, requests,
 * streaming, errors) is shared: a new OpenAI-compatible provider is a new options object.
 */
export interface OpenAIFamilyOptions {
  defaultBaseUrl: string | null;
  credential: CredentialKind;
  /** headers every request to this provider carries (per-provider config headers win) */
  headers?: () => Record<string, string>;
  /** adjusts the upstream request body for the provider's quirks */
  prepareChat?: (body: Record<string, unknown>) => Record<string, unknown>;
  prepareImages?: (body: Record<string, unknown>) => Record<string, unknown>;
  /**
   * The field the provider reads as the output cap: OpenAI's reasoning models refuse max_tokens and
   * count reasoning inside max_completion_tokens; most compatible servers know max_tokens only.
   */
  outputCapField?: "max_tokens" | "max_completion_tokens";
  /** maps provider-specific usage fields onto the canonical ones */
  normalizeUsage?: (usage: CanonicalUsage & Record<string, unknown>) => CanonicalUsage;
  /** the provider has these APIs (default: all off) */
  embeddings?: boolean;
  images?: boolean;
  /** speech to text (/audio/transcriptions, /audio/translations) and text to speech (/audio/speech) */
  audio?: boolean;
  moderations?: boolean;
  /** video generation (/videos: Sora) */
  videos?: boolean;
}

const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Where a provider's calls go and what credentials and headers they carry, for the SDK and for chat alike. */
function connection(target: UpstreamTarget, options: OpenAIFamilyOptions) {
  return {
    baseURL: target.provider.baseUrl ?? options.defaultBaseUrl ?? OPENAI_BASE_URL,
    apiKey: target.credential?.secret.apiKey ?? "not-needed",
    headers: { ...options.headers?.(), ...target.provider.config.headers },
  };
}

function createClient(target: UpstreamTarget, options: OpenAIFamilyOptions): OpenAI {
  const { baseURL, apiKey, headers } = connection(target, options);
  // the gateway decides about retries and fallbacks itself
  return new OpenAI({ apiKey, baseURL, maxRetries: 0, defaultHeaders: headers });
}

/** Where chat calls go and what they carry, as the SDK would send them (chat skips the SDK: see http-client.ts). */
function createChatEndpoint(target: UpstreamTarget, options: OpenAIFamilyOptions) {
  const { baseURL, apiKey, headers } = connection(target, options);
  return {
    url: `${baseURL.replace(/\/+$/, "")}/chat/completions`,
    headers: { authorization: `Bearer ${apiKey}`, accept: "application/json", ...headers },
  };
}

// Some providers name reasoning output `reasoning` (OpenRouter); the canonical name is `reasoning_content`.
type WithReasoning = { reasoning?: string | null; reasoning_content?: string | null };
function canonicalReasoning(target: WithReasoning | undefined) {
  if (target && typeof target.reasoning === "string" && target.reasoning && !target.reasoning_content) target.reasoning_content = target.reasoning;
}

export function createOpenAIFamilyAdapter(options: OpenAIFamilyOptions): ProviderAdapter {
  const clientFor = sdkClients((target) => createClient(target, options));
  const chatEndpoint = sdkClients((target) => createChatEndpoint(target, options));
  const postOptions = (call: CallOptions): PostOptions => ({ signal: call.signal, timeoutMs: call.timeoutMs, headers: call.headers });
  const prepare = (request: ChatRequest, target: UpstreamTarget, stream: boolean) => {
    // stream_options is only valid on streaming requests; the cap goes in the one field the provider reads
    const { stream: _stream, stream_options: _streamOptions, max_tokens: _maxTokens, max_completion_tokens: _maxCompletionTokens, ...rest } = request;
    const body: Record<string, unknown> = { ...rest, model: target.upstreamModel };
    const cap = maxOutputTokens(request);
    if (cap !== undefined) body[options.outputCapField ?? "max_tokens"] = cap;
    if (stream) {
      body.stream = true;
      // always ask for usage: metering needs the upstream's own numbers
      body.stream_options = { ...request.stream_options, include_usage: true };
    }
    return options.prepareChat ? options.prepareChat(body) : body;
  };
  const normalize = (usage: ChatCompletion["usage"] | null | undefined) =>
    usage && options.normalizeUsage ? options.normalizeUsage(usage as CanonicalUsage & Record<string, unknown>) : usage;

  async function* relay(stream: AsyncIterable<ChatCompletionChunk>): AsyncIterable<ChatCompletionChunk> {
    try {
      for await (const chunk of stream) {
        if (chunk.usage) chunk.usage = normalize(chunk.usage) ?? chunk.usage;
        for (const choice of chunk.choices) canonicalReasoning(choice.delta as WithReasoning);
        yield chunk;
      }
    } catch (error) {
      throw fromOpenAIError(error);
    }
  }

  const adapter: ProviderAdapter = {
    defaultBaseUrl: options.defaultBaseUrl,
    credential: options.credential,

    async chat(request, target, callOptions) {
      const { url, headers } = chatEndpoint(target);
      const completion = await postJson<ChatCompletion>(url, headers, prepare(request, target, false), postOptions(callOptions));
      if (completion.usage) completion.usage = normalize(completion.usage) ?? completion.usage;
      for (const choice of completion.choices) canonicalReasoning(choice.message as WithReasoning);
      return completion;
    },

    async streamChat(request, target, callOptions) {
      const { url, headers } = chatEndpoint(target);
      return relay(await postEventStream<ChatCompletionChunk>(url, headers, prepare(request, target, true), postOptions(callOptions)));
    },

    async testConnection(target, callOptions) {
      // listing models costs nothing and needs a valid key
      await sdkCall(() => clientFor(target).models.list(requestOptions(callOptions)));
    },
  };
  if (options.embeddings) {
    adapter.embeddings = (request, target, callOptions) =>
      sdkCall(() => clientFor(target).embeddings.create({ ...request, model: target.upstreamModel } as EmbeddingCreateParams, requestOptions(callOptions)));
  }
  if (options.images) {
    adapter.generateImages = (request, target, callOptions) => {
      const body: Record<string, unknown> = { ...request, model: target.upstreamModel };
      const prepared = (options.prepareImages ? options.prepareImages(body) : body) as unknown as ImageGenerateParamsNonStreaming;
      return sdkCall(() => clientFor(target).images.generate(prepared, requestOptions(callOptions)));
    };
  }
  if (options.audio) {
    adapter.transcribe = async (request, target, callOptions) => {
      const { task, file, model: _model, language, timestamp_granularities, ...fields } = request;
      const upload = await toFile(file.bytes, file.name, file.type ? { type: file.type } : undefined);
      const client = clientFor(target);
      // the SDK answers text, srt and vtt as the text itself, json and verbose_json as objects
      const result = await sdkCall(() =>
        task === "translation"
          ? client.audio.translations.create({ ...fields, file: upload, model: target.upstreamModel }, requestOptions(callOptions))
          : client.audio.transcriptions.create({ ...fields, language, timestamp_granularities, file: upload, model: target.upstreamModel }, requestOptions(callOptions)),
      );
      return result as unknown as TranscriptionResult;
    };
    adapter.speech = async (request, target, callOptions) => {
      const response = await sdkCall(() => clientFor(target).audio.speech.create({ ...request, model: target.upstreamModel } as SpeechCreateParams, requestOptions(callOptions)));
      if (!response.body) throw new UpstreamError({ kind: "http", status: 502, message: "the upstream answered speech without a body" });
      return { contentType: response.headers.get("content-type") ?? "application/octet-stream", body: response.body };
    };
  }
  if (options.moderations) {
    adapter.moderate = (request, target, callOptions) =>
      sdkCall(async () => (await clientFor(target).moderations.create({ ...request, model: target.upstreamModel } as ModerationCreateParams, requestOptions(callOptions))) as unknown as ModerationResponse);
  }
  if (options.videos) adapter.video = openAIVideos(clientFor);
  return adapter;
}
