import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CreateEmbeddingResponse } from "openai/resources/embeddings";
import type { ChatRequest, EmbeddingsRequest } from "../schemas/openai";

// The canonical format is OpenAI chat-completions shaped: every inbound protocol converts to
// ChatRequest, every adapter returns ChatCompletion / ChatCompletionChunk. Adapters never see HTTP
// requests; route handlers never see providers.
export type { ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse };

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
  "openai_compatible",
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Decrypted credential material; which fields are set depends on the provider type. */
export interface CredentialSecret {
  apiKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface ProviderConfig {
  timeoutMs?: number;
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
}

export interface ProviderAdapter {
  /** Base URL used when the provider record has none; null means one must be given. */
  readonly defaultBaseUrl: string | null;
  readonly requiresApiKey: boolean;
  chat(request: ChatRequest, target: UpstreamTarget, options: CallOptions): Promise<ChatCompletion>;
  /**
   * Resolves once the upstream has accepted the request (so failures before the first byte are
   * thrown, and can still become a proper HTTP status); the iterable then yields chunks as they arrive.
   * The hub always asks the upstream for a final usage chunk.
   */
  streamChat(request: ChatRequest, target: UpstreamTarget, options: CallOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  embeddings(request: EmbeddingsRequest, target: UpstreamTarget, options: CallOptions): Promise<CreateEmbeddingResponse>;
}
