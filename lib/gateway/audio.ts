import { transcriptionFieldsSchema, type AudioTask, type SpeechRequest, type TranscriptionRequest, type TranscriptionResult } from "../canonical/audio";
import { roughTextTokens } from "../canonical/token-count";
import { NO_USAGE } from "../canonical/usage";
import type { InboundRequest } from "../http/inbound";
import { Reply } from "../http/reply";
import { UpstreamError, upstreamTimeout } from "../providers/upstream-error";
import { audioDurationMs, longestAudioMs, readAudioForm } from "./audio-upload";
import type { CallContext } from "./context";
import { fromZodError, invalidRequest, unsupported } from "./errors";
import { failureOf, withFailover } from "./failover";
import { admit, heldOutputTokens } from "./policy";
import { refuseUnpricedSpeech } from "./price-levers";
import { planRoute } from "./route";
import { callOptions, costHeaders } from "./upstream-call";
import { clientClosed } from "./relay/disconnect";

// Speech to text and text to speech. What a call is held for comes from its input before it goes
// upstream: the upload's length (read from its headers, or bounded by its size) for a transcription,
// the text's length for speech. What it is charged is what the upstream reports when it reports it
// (seconds or tokens), else what the hub measured.

/** Token-priced transcription (gpt-4o-transcribe): audio tokens per second of input, generously. */
const AUDIO_TOKENS_PER_SECOND = 20;
/** …and what is held for them: Gemini counts 32 a second of audio input. */
const AUDIO_TOKENS_PER_SECOND_HELD = 32;
/** …and transcript tokens per second of speech, held (fast speech is ~4). */
const TRANSCRIPT_TOKENS_PER_SECOND = 8;
/** Speech without a reported usage: characters a second of speech says, to estimate its length. */
const CHARACTERS_PER_SECOND = 15;
/**
 * Token-priced speech: audio tokens per character of text, held (Gemini's 25 tokens a second at
 * 12–15 characters a second is about 2, slower speech more) and charged when the answer reports none.
 */
const SPEECH_TOKENS_PER_CHARACTER_HELD = 3;
const SPEECH_TOKENS_PER_CHARACTER = 1.5;

const perSecond = (ms: number, rate: number) => Math.ceil((ms / 1000) * rate);

function fieldsOf(task: AudioTask, raw: Record<string, string | string[]>) {
  const { timestamp_granularities, ...rest } = raw;
  const known = new Set(Object.keys(transcriptionFieldsSchema.shape));
  if (task === "translation") (["language", "timestamp_granularities"] as const).forEach((k) => known.delete(k));
  const unknown = Object.keys(raw).find((key) => !known.has(key));
  if (unknown) throw invalidRequest(`Unrecognized request argument supplied: ${unknown}`, "unknown_parameter", unknown);
  const parsed = transcriptionFieldsSchema.safeParse({ ...rest, ...(timestamp_granularities === undefined ? {} : { timestamp_granularities: [timestamp_granularities].flat() }) });
  if (!parsed.success) throw fromZodError(parsed.error);
  const { stream: _stream, ...fields } = parsed.data;
  return fields;
}

/** What the upstream says it used; null when its answer carries no usage (text, srt and vtt). */
function reportedUsage(ctx: CallContext, result: TranscriptionResult): boolean {
  if (typeof result === "string") return false;
  const usage = result.usage;
  if (usage?.type === "duration") ctx.call.units.audioMs = Math.round(usage.seconds * 1000);
  else if (usage?.type === "tokens") ctx.call.usage = { ...NO_USAGE, promptTokens: usage.input_tokens, completionTokens: usage.output_tokens };
  else if (typeof result.duration === "number") ctx.call.units.audioMs = Math.round(result.duration * 1000);
  else return false;
  return true;
}

/** POST /v1/audio/transcriptions and /v1/audio/translations */
export async function transcribe(ctx: CallContext, request: InboundRequest, task: AudioTask): Promise<Reply> {
  const form = await readAudioForm(request);
  const fields = fieldsOf(task, form.fields);
  ctx.call.requestedModel = fields.model;
  const plan = await planRoute(ctx, fields.model, "transcription");
  const measuredMs = await audioDurationMs(form.file);
  // upstreams bill whole seconds, rounded up
  const heldMs = Math.ceil((measuredMs ?? longestAudioMs(form.file.bytes.byteLength)) / 1000) * 1000;
  const promptTokens = perSecond(heldMs, AUDIO_TOKENS_PER_SECOND_HELD) + roughTextTokens(fields.prompt ?? "");
  const outputTokens = heldOutputTokens(perSecond(heldMs, TRANSCRIPT_TOKENS_PER_SECOND) + 64, plan.model);
  await admit(ctx, plan, { promptTokens, outputTokens, audioMs: heldMs });
  const canonical: TranscriptionRequest = { ...fields, task, file: form.file };
  const { value: result } = await withFailover(ctx, plan, (target) => {
    if (!target.adapter.transcribe) throw unsupported(target.upstream.provider.name, task === "translation" ? "audio translation" : "audio transcription");
    return target.adapter.transcribe(canonical, target.upstream, callOptions(ctx, target));
  });
  ctx.call.units.audioMs = measuredMs ?? 0;
  if (!reportedUsage(ctx, result)) {
    const text = typeof result === "string" ? result : result.text;
    ctx.call.units.audioMs = measuredMs ?? Math.min(heldMs, Math.ceil((text.length / CHARACTERS_PER_SECOND) * 1000));
    ctx.call.usage = { ...NO_USAGE, promptTokens: perSecond(ctx.call.units.audioMs, AUDIO_TOKENS_PER_SECOND), completionTokens: roughTextTokens(text) };
    ctx.call.usageSource = "estimated";
  }
  const headers = await costHeaders(ctx);
  if (typeof result !== "string" && fields.response_format !== "text") return Reply.json(result, headers);
  const text = typeof result === "string" ? result : result.text;
  const type = fields.response_format === "vtt" ? "text/vtt" : fields.response_format === "srt" ? "application/x-subrip" : "text/plain";
  return Reply.text(text, { ...headers, "content-type": `${type}; charset=utf-8` });
}

/** POST /v1/audio/speech: the audio streams back as the upstream produces it. */
export async function speech(ctx: CallContext, request: SpeechRequest): Promise<Reply> {
  ctx.call.requestedModel = request.model;
  refuseUnpricedSpeech(request);
  const plan = await planRoute(ctx, request.model, "speech");
  const characters = [...request.input].length;
  const textTokens = roughTextTokens(request.input) + roughTextTokens(request.instructions ?? "");
  await admit(ctx, plan, { promptTokens: textTokens, outputTokens: heldOutputTokens(characters * SPEECH_TOKENS_PER_CHARACTER_HELD, plan.model), characters });
  const { value: audio, target } = await withFailover(ctx, plan, (target) => {
    if (!target.adapter.speech) throw unsupported(target.upstream.provider.name, "speech");
    return target.adapter.speech(request, target.upstream, callOptions(ctx, target));
  });
  // the upstream bills the text whether or not the client stays for all of the audio; a token-priced
  // model that reports no usage (an OpenAI audio body) has its audio tokens estimated from the text
  ctx.call.units.characters = characters;
  const tokenPriced = !plan.price?.characterNanoUsdPer1M;
  if (tokenPriced && audio.usage) ctx.call.usage = { ...NO_USAGE, ...audio.usage };
  else if (tokenPriced) {
    ctx.call.usage = { ...NO_USAGE, promptTokens: textTokens, completionTokens: Math.ceil(characters * SPEECH_TOKENS_PER_CHARACTER) };
    ctx.call.usageSource = "estimated";
  }
  ctx.call.stream = true;
  ctx.call.relaying = true;
  const headers = await costHeaders(ctx);
  const reader = audio.body.getReader();
  // an upstream that stops sending mid-audio is given up on after the route's timeout, like a stalled chat stream
  const read = () => {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctx.abort.abort();
        reject(upstreamTimeout());
      }, target.timeoutMs);
    });
    return Promise.race([reader.read(), stalled]).finally(() => clearTimeout(timer));
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await read();
        if (done) {
          controller.close();
          ctx.call.finish(200);
          return;
        }
        ctx.call.markFirstByte();
        controller.enqueue(value);
      } catch (error) {
        // the status line is gone: the client sees a truncated body, the record says why
        const failure = failureOf(target, error instanceof UpstreamError ? error : new UpstreamError({ kind: "connection", message: "the upstream audio stream failed" }));
        controller.error(failure);
        ctx.call.finish(failure.status, failure.forRecord());
      }
    },
    async cancel() {
      ctx.abort.abort();
      await reader.cancel().catch(() => undefined);
      ctx.call.finish(499, clientClosed().forRecord());
    },
  });
  return Reply.stream(body, { ...headers, "content-type": audio.contentType, "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
}
