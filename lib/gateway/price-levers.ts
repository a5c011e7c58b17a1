import { chatRequestSchema, embeddingsRequestSchema, imagesRequestSchema, type ChatRequest, type EmbeddingsRequest, type ImagesRequest } from "../canonical/schema";
import { invalidRequest } from "./errors";
import type { ModelPrice } from "../billing/cost";
import { moderationRequestSchema, speechRequestSchema, type ModerationRequest, type SpeechRequest } from "../canonical/audio";

// What a call may ask of a paid upstream. The hub holds a call's price before it goes upstream, so a
// parameter that changes what the upstream charges must be priced and held, or refused: these are
// refused with a 400 naming them. A field the hub does not know is refused too — the schemas are
// loose, and an OpenAI-family upstream acts on whatever it is sent (OpenRouter's `plugins` buys a web
// search, its `models` a fallback to another model) — unless it is listed below as price-neutral.
// The Anthropic, Responses and AIGNE protocols build the canonical request from the fields they
// know, so only what they translate reaches this check.

/** OpenAI (and OpenAI-compatible) chat parameters the schema leaves loose that change no price. */
const NEUTRAL_CHAT = [
  "metadata", "store", "logit_bias", "prompt_cache_key", "prompt_cache_retention", "safety_identifier", "verbosity", "functions", "function_call",
  // sampling knobs of vLLM, OpenRouter and other OpenAI-compatible servers
  "top_k", "min_p", "top_a", "repetition_penalty",
  // provider-native reasoning switches: their budgets are fitted inside the output cap (providers/*)
  "thinking", "think", "keep_alive",
  // checked below
  "service_tier", "modalities",
];
const NEUTRAL_IMAGES = ["background", "moderation", "output_compression", "output_format"];

const known = (schema: { shape: Record<string, unknown> }, extra: string[] = []) => new Set([...Object.keys(schema.shape), ...extra]);
const CHAT_FIELDS = known(chatRequestSchema, NEUTRAL_CHAT);
const IMAGE_FIELDS = known(imagesRequestSchema, NEUTRAL_IMAGES);
const EMBEDDING_FIELDS = known(embeddingsRequestSchema);
const SPEECH_FIELDS = known(speechRequestSchema);
const MODERATION_FIELDS = known(moderationRequestSchema);

/** The service tiers billed at the model's price: the others (priority, scale, flex) are priced otherwise. */
const PRICED_TIERS = new Set(["auto", "default"]);

function unpriced(param: string, why: string) {
  return invalidRequest(`'${param}' is not available through the hub: ${why}`, "unsupported_parameter", param);
}

function refuseUnknown(body: Record<string, unknown>, fields: Set<string>): void {
  const unknown = Object.keys(body).find((key) => !fields.has(key) && body[key] !== undefined);
  if (unknown) throw unpriced(unknown, "the hub forwards only the parameters it knows and can price.");
}

/** Refuses a chat request that asks the upstream for something its held price does not cover. */
export function refuseUnpricedChat(request: ChatRequest): void {
  const body = request as ChatRequest & Record<string, unknown>;
  const tier = body.service_tier;
  if (tier !== undefined && tier !== null && !PRICED_TIERS.has(String(tier))) throw unpriced("service_tier", `only 'auto' and 'default' are billed at the model's price.`);
  if (body.web_search_options !== undefined) throw unpriced("web_search_options", "web search is billed per search, which the hub does not price.");
  if (body.audio !== undefined && body.audio !== null) throw unpriced("audio", "audio output is billed at audio token prices, which the hub does not price.");
  const modalities = body.modalities;
  if (modalities !== undefined && modalities !== null && (!Array.isArray(modalities) || modalities.some((m) => m !== "text"))) {
    throw unpriced("modalities", "only text output is priced by the hub.");
  }
  if (body.prediction !== undefined && body.prediction !== null) throw unpriced("prediction", "rejected prediction tokens are billed beyond the output cap.");
  refuseUnknown(body, CHAT_FIELDS);
  request.messages.forEach((message, i) => {
    if (!Array.isArray(message.content)) return;
    message.content.forEach((part, j) => {
      const where = `messages[${i}].content[${j}]`;
      if (part.type === "input_audio") throw unpriced(where, "audio input is billed at audio token prices, which the hub does not price.");
      if (part.type === "file" && (part.file as { file_id?: unknown }).file_id !== undefined) throw unpriced(`${where}.file.file_id`, "the hub cannot size an uploaded file to hold its price; send file_data.");
    });
  });
}

/** The most pixels an image may have at a per-image price (1024×1024, every provider's standard size). */
const STANDARD_PIXELS = 1024 * 1024;
/** Qualities billed at a model's standard per-image price. */
const STANDARD_QUALITIES = new Set(["standard", "low", "medium"]);

/**
 * Refuses an image request the held price does not cover. A per-image price is the price of a standard
 * image up to 1024×1024: dearer sizes and qualities are refused. Token-priced image models are held at
 * their dearest output per image (gateway/images.ts), so any size and quality fits.
 */
export function refuseUnpricedImages(request: ImagesRequest, price: ModelPrice | null): void {
  refuseUnknown(request as ImagesRequest & Record<string, unknown>, IMAGE_FIELDS);
  if (!price?.imageNanoUsd) return;
  if (request.quality && !STANDARD_QUALITIES.has(request.quality)) throw unpriced("quality", `this model is priced per standard image; '${request.quality}' images cost more.`);
  if (request.size) {
    const match = /^(\d+)x(\d+)$/.exec(request.size);
    if (!match || Number(match[1]) * Number(match[2]) > STANDARD_PIXELS) throw unpriced("size", `this model is priced per image up to 1024x1024; '${request.size}' costs more.`);
  }
}

/** Embeddings are billed on their input alone; only unknown fields are refused. */
export function refuseUnpricedEmbeddings(request: EmbeddingsRequest): void {
  refuseUnknown(request as EmbeddingsRequest & Record<string, unknown>, EMBEDDING_FIELDS);
}

/** Speech is billed on its text alone; only unknown fields are refused. */
export function refuseUnpricedSpeech(request: SpeechRequest): void {
  refuseUnknown(request as SpeechRequest & Record<string, unknown>, SPEECH_FIELDS);
}

/** Moderation is billed on its input alone; only unknown fields are refused. */
export function refuseUnpricedModeration(request: ModerationRequest): void {
  refuseUnknown(request as ModerationRequest & Record<string, unknown>, MODERATION_FIELDS);
}
