import type { ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse, ImagesResponse } from "../canonical/completion";
import type { ChatRequest, EmbeddingsRequest, ImagesRequest } from "../canonical/schema";
import type { CredentialSecret } from "../crypto/credentials";
import type { UpstreamVideoState, VideoContent, VideoRequest } from "../canonical/video";
import type { ModerationRequest, ModerationResponse, SpeechAudio, SpeechRequest, TranscriptionRequest, TranscriptionResult } from "../canonical/audio";

export const PROVIDER_TYPES = [
  "openai",
  "anthropic",
  "bedrock",
  "gemini",
  "deepseek",
  "ollama",
  "openrouter",
  "xai",
  "doubao",
  "poe",
  "ideogram",
  "openai_compatible",
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface ProviderConfig {
  timeoutMs?: number;
  /** extra headers on every request (e.g. OpenRouter's HTTP-Referer / X-Title attribution) */
  headers?: Record<string, string>;
}

export interface UpstreamProvider {
  id: string;
  type: ProviderType;
  name: string;
  baseUrl: string | null;
  region: string | null;
  config: ProviderConfig;
}

export interface UpstreamCredential {
  id: string;
  secret: CredentialSecret;
  /** share of the provider's traffic among its credentials */
  weight: number;
}

/** Where one call goes: a provider, the credential to use there and the model name upstream. */
export interface UpstreamTarget {
  provider: UpstreamProvider;
  credential: UpstreamCredential | null;
  upstreamModel: string;
}

export interface CallOptions {
  /** aborted when the client goes away: the upstream request must be cancelled */
  signal: AbortSignal;
  timeoutMs: number;
  /** headers for the upstream request besides the provider's own: the trace context (traceparent) when the call is traced */
  headers?: Record<string, string>;
}

/** What a provider's credential is made of. */
export type CredentialKind = "api_key" | "optional_api_key" | "aws";

export interface ProviderAdapter {
  /** Base URL used when the provider record has none; null means one must be given. */
  readonly defaultBaseUrl: string | null;
  readonly credential: CredentialKind;
  /** the provider needs a region (Bedrock) */
  readonly requiresRegion?: boolean;
  chat(request: ChatRequest, target: UpstreamTarget, options: CallOptions): Promise<ChatCompletion>;
  /**
   * Resolves once the upstream has accepted the request (so failures before the first byte are
   * thrown, and can still become a proper HTTP status); the iterable then yields chunks as they arrive
   * and ends with a usage chunk (choices: []) whenever the upstream reports usage.
   */
  streamChat(request: ChatRequest, target: UpstreamTarget, options: CallOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  /** absent: the provider has no embeddings API */
  embeddings?(request: EmbeddingsRequest, target: UpstreamTarget, options: CallOptions): Promise<CreateEmbeddingResponse>;
  /** absent: the provider has no image generation API */
  generateImages?(request: ImagesRequest, target: UpstreamTarget, options: CallOptions): Promise<ImagesResponse>;
  /** absent: the provider has no speech-to-text API (transcription, or translation into English) */
  transcribe?(request: TranscriptionRequest, target: UpstreamTarget, options: CallOptions): Promise<TranscriptionResult>;
  /**
   * absent: the provider has no text-to-speech API. Resolves once the upstream has answered (a
   * failure before the first byte is thrown); the body then streams as the upstream sends it.
   */
  speech?(request: SpeechRequest, target: UpstreamTarget, options: CallOptions): Promise<SpeechAudio>;
  /** absent: the provider has no moderation API */
  moderate?(request: ModerationRequest, target: UpstreamTarget, options: CallOptions): Promise<ModerationResponse>;
  /**
   * absent: the provider generates no video. Upstream video jobs are asynchronous: `create`
   * starts one and returns the upstream's id for it (an OpenAI video id, a Gemini operation name),
   * `status` reports where it is, `download` streams the finished file, `delete` removes it
   * upstream (best effort: a provider without deletion resolves).
   */
  video?: {
    create(request: VideoRequest, target: UpstreamTarget, options: CallOptions): Promise<{ upstreamId: string }>;
    status(upstreamId: string, target: UpstreamTarget, options: CallOptions): Promise<UpstreamVideoState>;
    download(upstreamId: string, target: UpstreamTarget, options: CallOptions): Promise<VideoContent>;
    delete(upstreamId: string, target: UpstreamTarget, options: CallOptions): Promise<void>;
  };
  /** The cheapest real call that proves the credential works; throws UpstreamError when it does not. */
  testConnection(target: UpstreamTarget, options: CallOptions): Promise<void>;
}

/** The video generation of an adapter that has one. */
export type ProviderVideoApi = NonNullable<ProviderAdapter["video"]>;
