import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { chatRequestSchema, embeddingsRequestSchema, imagesRequestSchema } from "../canonical/schema";
import { moderationRequestSchema, speechRequestSchema, transcriptionFieldsSchema } from "../canonical/audio";
import { videoFieldsSchema } from "../canonical/video";
import { aigneChatRequestSchema, aigneImageRequestSchema, aigneVideoRequestSchema } from "./protocols/aigne-hub/schema";
import { completionsRequestSchema } from "./protocols/aigne-completions/schema";
import { countTokensRequestSchema, messagesRequestSchema } from "./protocols/anthropic/schema";
import { responsesRequestSchema } from "./protocols/responses/schema";

// The public gateway's OpenAPI 3.1 document (/v1/openapi.json): every path of the route table with
// the zod schema its body is parsed with. The answers are the providers' own wire formats (OpenAI's,
// Anthropic's, the AIGNE Hub protocol's), described, not re-specified. A unit test holds this table
// and the route table to the same paths.

interface Documented {
  tag: string;
  summary: string;
  body?: z.ZodType;
  /** a multipart/form-data body instead of JSON */
  form?: z.ZodType;
  /** answers with bytes of this media type (audio, video), streamed */
  binary?: string;
  /** who may call it: a hub key (Bearer, or x-api-key on Anthropic's paths), anyone, or the metrics token */
  auth: "key" | "none" | "metrics";
  /** answers as server-sent events when the body asks for "stream": true */
  streams?: boolean;
  answers: string;
}

const videoForm = videoFieldsSchema.extend({ input_reference: z.string().optional().describe("an image the video starts from (JPEG, PNG or WebP, at most 10 MiB)") });
const audioForm = transcriptionFieldsSchema.extend({ file: z.string().describe("the audio file (flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav or webm), at most HUB_MAX_AUDIO_BYTES") });

export const GATEWAY_DOCS: Record<string, Documented> = {
  "POST /v1/chat/completions": { tag: "OpenAI", summary: "Chat completion, streamed or not", body: chatRequestSchema, auth: "key", streams: true, answers: "OpenAI's chat.completion (or chat.completion.chunk events), usage included" },
  "POST /v1/embeddings": { tag: "OpenAI", summary: "Embeddings for one or more inputs", body: embeddingsRequestSchema, auth: "key", answers: "OpenAI's embedding list" },
  "POST /v1/images/generations": { tag: "OpenAI", summary: "Images from a prompt", body: imagesRequestSchema, auth: "key", answers: "OpenAI's image list (b64_json or url)" },
  "POST /v1/audio/transcriptions": { tag: "OpenAI", summary: "Speech to text (multipart upload)", form: audioForm, auth: "key", answers: "OpenAI's transcription: JSON for json and verbose_json, the text itself for text, srt and vtt" },
  "POST /v1/audio/translations": { tag: "OpenAI", summary: "Speech to English text (multipart upload)", form: audioForm.omit({ language: true, timestamp_granularities: true }), auth: "key", answers: "OpenAI's translation: JSON for json and verbose_json, the text itself for text, srt and vtt" },
  "POST /v1/audio/speech": { tag: "OpenAI", summary: "Text to speech, streamed back as it is made", body: speechRequestSchema, auth: "key", binary: "audio/*", answers: "the audio bytes in the format asked for" },
  "POST /v1/moderations": { tag: "OpenAI", summary: "Content moderation", body: moderationRequestSchema, auth: "key", answers: "OpenAI's moderation results" },
  "POST /v1/videos": { tag: "OpenAI", summary: "Start a video job (multipart, or JSON without input_reference), held for its whole length", form: videoForm, auth: "key", answers: "OpenAI's video object, queued" },
  "GET /v1/videos": { tag: "OpenAI", summary: "The caller's videos (?after, limit ≤ 100, order)", auth: "key", answers: "{ object: 'list', data, first_id, last_id, has_more }" },
  "GET /v1/videos/{video_id}": { tag: "OpenAI", summary: "One video job: status, progress, error", auth: "key", answers: "OpenAI's video object" },
  "DELETE /v1/videos/{video_id}": { tag: "OpenAI", summary: "Delete a finished video and its file", auth: "key", answers: "{ id, object: 'video.deleted', deleted: true }" },
  "GET /v1/videos/{video_id}/content": { tag: "OpenAI", summary: "The finished video's file, kept by the hub", auth: "key", binary: "video/mp4", answers: "the video file" },
  "POST /v1/responses": { tag: "OpenAI", summary: "OpenAI's Responses API (stateless), streamed or not", body: responsesRequestSchema, auth: "key", streams: true, answers: "OpenAI's response object (or response.* events)" },
  "GET /v1/models": { tag: "OpenAI", summary: "The models this key may use", auth: "key", answers: "OpenAI's model list" },
  "GET /v1/models/{model}": { tag: "OpenAI", summary: "One model (names may contain '/')", auth: "key", answers: "OpenAI's model object" },
  "POST /v1/messages": { tag: "Anthropic", summary: "Anthropic's Messages API (key as x-api-key or Bearer), streamed or not", body: messagesRequestSchema, auth: "key", streams: true, answers: "Anthropic's message (or message_* events)" },
  "POST /v1/messages/count_tokens": { tag: "Anthropic", summary: "Anthropic's token counting", body: countTokensRequestSchema, auth: "key", answers: '{"input_tokens": n}' },
  "POST /api/v2/chat": { tag: "AIGNE Hub", summary: "The AIGNE Hub protocol's chat (the @aigne/aigne-hub client)", body: aigneChatRequestSchema, auth: "key", streams: true, answers: "the AIGNE Hub protocol's answer (or its events)" },
  "POST /api/v2/completions": {
    tag: "AIGNE Hub",
    summary: "The original AIGNE Hub's older chat protocol (camelCase; a prompt or messages), streamed or not",
    body: completionsRequestSchema,
    auth: "key",
    streams: true,
    answers: '{"role": "assistant", "text", "content", "toolCalls"} (or {"delta"} events and a closing {"usage"}; also with Accept: text/event-stream)',
  },
  "POST /api/v2/chat/completions": {
    tag: "AIGNE Hub",
    summary: "The same as /api/v2/completions",
    body: completionsRequestSchema,
    auth: "key",
    streams: true,
    answers: '{"role": "assistant", "text", "content", "toolCalls"} (or {"delta"} events and a closing {"usage"}; also with Accept: text/event-stream)',
  },
  "POST /api/v2/embeddings": { tag: "AIGNE Hub", summary: "Embeddings (OpenAI's request and answer) in the AIGNE Hub protocol's errors", body: embeddingsRequestSchema, auth: "key", answers: "OpenAI's embedding list" },
  "POST /api/v2/image": { tag: "AIGNE Hub", summary: "Images as files (base64) or the upstream's URLs", body: aigneImageRequestSchema, auth: "key", answers: "the AIGNE Hub protocol's image answer" },
  "POST /api/v2/video": { tag: "AIGNE Hub", summary: "A video, waited for (the @aigne/aigne-hub video model)", body: aigneVideoRequestSchema, auth: "key", answers: "{ videos: [{ type: 'url', url, mimeType }], seconds, usage }: the URL is a signed link valid for an hour" },
  "GET /api/v2/video/files/{video_id}": { tag: "AIGNE Hub", summary: "A video's file through a signed link (?expires, signature)", auth: "none", binary: "video/mp4", answers: "the video file" },
  "POST /api/v2/audio/transcriptions": { tag: "AIGNE Hub", summary: "The same as /v1/audio/transcriptions (the original hub's path)", form: audioForm, auth: "key", answers: "OpenAI's transcription: JSON for json and verbose_json, the text itself for text, srt and vtt" },
  "POST /api/v2/audio/speech": { tag: "AIGNE Hub", summary: "The same as /v1/audio/speech (the original hub's path)", body: speechRequestSchema, auth: "key", binary: "audio/*", answers: "the audio bytes in the format asked for" },
  "GET /api/ai/models": { tag: "AIGNE Hub", summary: "The public model list with credit prices (?type= any model type)", auth: "none", answers: "the AIGNE Hub protocol's model list" },
  "GET /api/user/credit/balance": { tag: "AIGNE Hub", summary: "The key's credit balance (Service Provider mode)", auth: "key", answers: "{ balance, currency, total, grantCount, pendingCredit }" },
  "GET /api/user/credit/transactions": { tag: "AIGNE Hub", summary: "The key's ledger, newest first (?page, pageSize ≤ 100, start and end in unix seconds)", auth: "key", answers: "{ count, list: [{ id, type, amount, description, created_at }] }" },
  "GET /api/user/credit/payment-link": { tag: "AIGNE Hub", summary: "Where to buy credits", auth: "key", answers: "the link, as a JSON string" },
  "GET /api/v2/status": { tag: "AIGNE Hub", summary: "Whether the hub can serve this key now (credit) and, with ?model=, that model", auth: "key", answers: "{ available: true } or { available: false, error, code, link?, type? } (always 200)" },
  "GET /api/user/info": { tag: "AIGNE Hub", summary: "The key's account and balance", auth: "key", answers: "the AIGNE Hub protocol's user info" },
  "GET /__blocklet__.js": { tag: "AIGNE Hub", summary: "Discovery: JSON with ?type=json, else a script", auth: "none", answers: "the blocklet discovery document" },
  "GET /healthz": { tag: "Probes", summary: "Alive, and what this process runs (HUB_ROLE)", auth: "none", answers: '{"status": "ok", "role": "gateway", "runs": ["gateway"]}' },
  "GET /readyz": { tag: "Probes", summary: "Ready: database, migrations, Redis", auth: "none", answers: "the checks, 200 or 503" },
  "GET /metrics": { tag: "Probes", summary: "Prometheus exposition (Bearer HUB_METRICS_TOKEN when set)", auth: "metrics", answers: "Prometheus text" },
  "GET /v1/openapi.json": { tag: "Probes", summary: "This document", auth: "none", answers: "OpenAPI 3.1" },
};

const errorSchema = z.object({ error: z.object({ message: z.string(), type: z.string(), code: z.string().nullable().optional() }) });

let cached: unknown;

export function gatewayDocument(): unknown {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "hubKey", { type: "http", scheme: "bearer", description: "A hub API key (sk-hub-…); Anthropic's paths also take it as x-api-key." });
  for (const [operation, doc] of Object.entries(GATEWAY_DOCS)) {
    const [method, path] = operation.split(" ") as [string, string];
    const json = { "application/json": { schema: z.looseObject({}).describe(doc.answers) } };
    registry.registerPath({
      method: method.toLowerCase() as "get" | "post" | "delete",
      path,
      tags: [doc.tag],
      summary: doc.summary,
      description: `Answers ${doc.answers}.${doc.streams ? ' With "stream": true, server-sent events (text/event-stream) as they arrive.' : ""}`,
      ...(doc.auth === "key" ? { security: [{ hubKey: [] }] } : {}),
      request: {
        ...(/\{\w+\}/.test(path) ? { params: z.object(Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, z.string()]))) } : {}),
        ...(doc.body ? { body: { required: true, content: { "application/json": { schema: doc.body } } } } : {}),
        ...(doc.form ? { body: { required: true, content: { "multipart/form-data": { schema: doc.form } } } } : {}),
      },
      responses: {
        200: { description: "OK", content: doc.binary ? { [doc.binary]: { schema: z.string().describe(doc.answers) } } : doc.streams ? { ...json, "text/event-stream": { schema: z.string() } } : json },
        ...(doc.auth === "key" ? { 401: { description: "No key, or a revoked or unknown one", content: { "application/json": { schema: errorSchema } } } } : {}),
        ...(doc.body || doc.form ? { 400: { description: "The body is not valid (the message names the field)", content: { "application/json": { schema: errorSchema } } } } : {}),
        ...(doc.auth === "key" ? { 402: { description: "Service Provider mode: the balance cannot cover the call (top_up_url)", content: { "application/json": { schema: errorSchema } } }, 429: { description: "A rate limit or a monthly budget" } } : {}),
      },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "AIGNE Hub gateway", version: "1", description: "OpenAI-, Anthropic- and AIGNE-Hub-compatible APIs over every configured provider. Errors come in each protocol's own shape." },
  });
  return cached;
}
