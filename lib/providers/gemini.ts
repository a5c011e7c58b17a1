import { FinishReason as GeminiFinish, FunctionCallingConfigMode } from "@google/genai";
import type { Content, GenerateContentConfig, GenerateContentResponse, Part, Tool } from "@google/genai";
import { countTextTokens } from "../canonical/token-count";
import type { ChatMessage, ChatRequest } from "../canonical/schema";
import { ChunkWriter, completion, embeddingsResponse, toolCallId, usage, type AssistantTurn, type FinishReason, type ToolCall } from "../canonical/completion";
import { alternating } from "./shared/client-cache";
import { clientFor, fail, GEMINI_BASE_URL, requestOptions, run } from "./gemini-client";
import { geminiSpeech, geminiTranscribe } from "./gemini-audio";
import { geminiVideo } from "./gemini-video";
import { requestImages, type RequestImages } from "./shared/images";
import { maxOutputTokens, partsOf, responseSchema, splitSystem, stopSequences, textOf, thinkingBudget, toolChoice, toolNames } from "../canonical/request";
import { parseArguments } from "./shared/tool-arguments";
import type { CallOptions, ProviderAdapter } from "./types";
import type { CanonicalUsage, ChatCompletionChunk } from "../canonical/completion";
import { midStream } from "./upstream-error";

// Google Gemini (Generative Language API) through @google/genai: messages become contents/parts with
// a systemInstruction, tools become function declarations, and answers, streamed `alt=sse` chunks
// and usageMetadata come back canonical.

// Gemini 3 requires the thought signature of a function call to come back with it in the next turn.
// The hub is stateless, so the signature travels inside the tool call id (base64url, id-safe).
const SIGNATURE_MARK = "__ts__";
const idWithSignature = (id: string, signature: string | undefined) =>
  signature ? `${id}${SIGNATURE_MARK}${Buffer.from(signature, "base64").toString("base64url")}` : id;
const FOREIGN_CALL_SIGNATURE = "skip_thought_signature_validator";
function splitToolCallId(id: string): { id: string; signature?: string } {
  const at = id.indexOf(SIGNATURE_MARK);
  if (at < 0) return { id };
  return { id: id.slice(0, at), signature: Buffer.from(id.slice(at + SIGNATURE_MARK.length), "base64url").toString("base64") };
}

// ---------------------------------------------------------------------------------------------
// request

async function userParts(content: ChatMessage["content"], images: RequestImages): Promise<Part[]> {
  const parts: Part[] = [];
  for (const part of partsOf(content)) {
    if (part.type === "text") parts.push({ text: part.text });
    else {
      const image = await images.inline(part.url);
      parts.push({ inlineData: { mimeType: image.mediaType, data: image.base64 } });
    }
  }
  return parts;
}

function toolResponse(content: ChatMessage["content"]): Record<string, unknown> {
  const text = textOf(content);
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { result: value };
  } catch {
    return { result: text };
  }
}

function modelParts(message: Extract<ChatMessage, { role: "assistant" }>): Part[] {
  const parts: Part[] = [];
  const text = textOf(message.content ?? null);
  if (text) parts.push({ text });
  for (const call of message.tool_calls ?? []) {
    const { id, signature } = splitToolCallId(call.id);
    // calls Gemini did not produce (another provider's, a hand-built history) carry Google's documented bypass value
    parts.push({ functionCall: { id, name: call.function.name, args: parseArguments(call.function.arguments, `tool call ${call.id}`) }, thoughtSignature: signature ?? FOREIGN_CALL_SIGNATURE });
  }
  return parts;
}

async function toContents(conversation: ChatMessage[], images: RequestImages): Promise<Content[]> {
  const names = toolNames(conversation);
  const turns: Array<{ role: "user" | "model"; items: Part[] }> = [];
  for (const message of conversation) {
    if (message.role === "assistant") turns.push({ role: "model", items: modelParts(message) });
    else if (message.role === "tool") {
      const { id } = splitToolCallId(message.tool_call_id);
      turns.push({ role: "user", items: [{ functionResponse: { id, name: names.get(message.tool_call_id) ?? "tool", response: toolResponse(message.content) } }] });
    } else turns.push({ role: "user", items: await userParts(message.content, images) });
  }
  return alternating(turns).map(({ role, items }) => ({ role, parts: items }));
}

/** Gemini's smallest thinking budget on models that cannot turn thinking off (2.5 Pro). */
const MIN_GEMINI_THINKING = 128;

export function toConfig(request: ChatRequest, options: CallOptions): GenerateContentConfig {
  const { system } = splitSystem(request.messages);
  const format = responseSchema(request);
  // maxOutputTokens is the output the call was held for, per candidate; Gemini counts thoughts inside
  // it, so a thinking budget is kept to half of it at most, leaving room for the answer
  const cap = maxOutputTokens(request);
  const effort = thinkingBudget(request);
  const budget = effort && cap ? Math.min(effort, Math.max(MIN_GEMINI_THINKING, Math.floor(cap / 2))) : effort;
  const config: GenerateContentConfig = {
    ...requestOptions(options),
    ...(system.length ? { systemInstruction: { parts: [{ text: system.join("\n\n") }] } } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { topP: request.top_p } : {}),
    ...(cap ? { maxOutputTokens: cap } : {}),
    ...(stopSequences(request) ? { stopSequences: stopSequences(request) } : {}),
    ...(request.n && request.n > 1 ? { candidateCount: request.n } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
    ...(request.presence_penalty != null ? { presencePenalty: request.presence_penalty } : {}),
    ...(request.frequency_penalty != null ? { frequencyPenalty: request.frequency_penalty } : {}),
    ...(format ? { responseMimeType: "application/json", ...(format !== "json" ? { responseJsonSchema: format.schema } : {}) } : {}),
  };
  if (request.reasoning_effort === "none") config.thinkingConfig = { thinkingBudget: 0 };
  else if (budget) config.thinkingConfig = { thinkingBudget: budget, includeThoughts: true };
  if (request.tools?.length) {
    const tools: Tool[] = [
      { functionDeclarations: request.tools.map((t) => ({ name: t.function.name, description: t.function.description, parametersJsonSchema: t.function.parameters ?? { type: "object", properties: {} } })) },
    ];
    const choice = toolChoice(request);
    const mode = { auto: FunctionCallingConfigMode.AUTO, none: FunctionCallingConfigMode.NONE, required: FunctionCallingConfigMode.ANY, tool: FunctionCallingConfigMode.ANY }[choice.mode];
    config.tools = tools;
    config.toolConfig = { functionCallingConfig: { mode, ...(choice.mode === "tool" ? { allowedFunctionNames: [choice.name] } : {}) } };
  }
  return config;
}

// ---------------------------------------------------------------------------------------------
// response

const FINISH: Partial<Record<GeminiFinish, FinishReason>> = {
  [GeminiFinish.STOP]: "stop",
  [GeminiFinish.MAX_TOKENS]: "length",
  [GeminiFinish.SAFETY]: "content_filter",
  [GeminiFinish.RECITATION]: "content_filter",
  [GeminiFinish.BLOCKLIST]: "content_filter",
  [GeminiFinish.PROHIBITED_CONTENT]: "content_filter",
  [GeminiFinish.SPII]: "content_filter",
  [GeminiFinish.IMAGE_SAFETY]: "content_filter",
};

const finishOf = (reason: GeminiFinish | undefined, calledTools: boolean): FinishReason => (calledTools ? "tool_calls" : (FINISH[reason ?? GeminiFinish.STOP] ?? "stop"));

function canonicalUsage(meta: GenerateContentResponse["usageMetadata"]): CanonicalUsage {
  const thoughts = meta?.thoughtsTokenCount ?? 0;
  return usage({
    // Gemini's promptTokenCount already includes cached tokens, like OpenAI's prompt_tokens
    input: (meta?.promptTokenCount ?? 0) + (meta?.toolUsePromptTokenCount ?? 0),
    output: (meta?.candidatesTokenCount ?? 0) + thoughts,
    cacheRead: meta?.cachedContentTokenCount ?? 0,
    reasoning: thoughts,
  });
}

function toolCallOf(part: Part): ToolCall | null {
  if (!part.functionCall) return null;
  return { id: idWithSignature(part.functionCall.id || toolCallId(), part.thoughtSignature), name: part.functionCall.name ?? "", arguments: JSON.stringify(part.functionCall.args ?? {}) };
}

export function fromGeminiResponse(response: GenerateContentResponse, model: string) {
  const choices = (response.candidates ?? []).map((candidate) => {
    const turn: AssistantTurn = { text: "", reasoning: "", toolCalls: [] };
    for (const part of candidate.content?.parts ?? []) {
      const call = toolCallOf(part);
      if (call) turn.toolCalls.push(call);
      else if (part.text && part.thought) turn.reasoning += part.text;
      else if (part.text) turn.text += part.text;
    }
    return { turn, finishReason: finishOf(candidate.finishReason, turn.toolCalls.length > 0) };
  });
  if (choices.length === 0) choices.push({ turn: { text: "", reasoning: "", toolCalls: [] }, finishReason: "content_filter" });
  return completion({ id: response.responseId, model, choices, usage: canonicalUsage(response.usageMetadata) });
}

async function* fromGeminiStream(stream: AsyncIterable<GenerateContentResponse>, model: string, signal: AbortSignal): AsyncIterable<ChatCompletionChunk> {
  const writer = new ChunkWriter(model);
  let meta: GenerateContentResponse["usageMetadata"];
  let toolCalls = 0;
  yield writer.role();
  try {
    for await (const chunk of stream) {
      if (chunk.usageMetadata) meta = chunk.usageMetadata;
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        const call = toolCallOf(part);
        // Gemini sends function calls whole: one chunk carries name and all arguments
        if (call) yield writer.toolCallStart(toolCalls++, call.id, call.name, call.arguments);
        else if (part.text && part.thought) yield writer.reasoning(part.text);
        else if (part.text) yield writer.text(part.text);
      }
      if (candidate?.finishReason) yield writer.finish(finishOf(candidate.finishReason, toolCalls > 0));
    }
  } catch (error) {
    throw midStream(fail(error, signal));
  }
  yield writer.usage(canonicalUsage(meta));
}

// ---------------------------------------------------------------------------------------------

const ASPECT_RATIOS: Record<string, string> = { "1024x1024": "1:1", "1792x1024": "16:9", "1024x1792": "9:16", "1536x1024": "3:2", "1024x1536": "2:3" };

/** The inline images of an image-model answer (Gemini image models answer generateContent with image parts). */
function imagesOf(response: GenerateContentResponse): string[] {
  return (response.candidates ?? []).flatMap((c) => c.content?.parts ?? []).flatMap((p) => (p.inlineData?.data && p.inlineData.mimeType?.startsWith("image/") ? [p.inlineData.data] : []));
}

export const geminiAdapter: ProviderAdapter = {
  defaultBaseUrl: GEMINI_BASE_URL,
  credential: "api_key",

  async chat(request, target, options: CallOptions) {
    const contents = await toContents(splitSystem(request.messages).conversation, requestImages(request.messages, options.signal));
    const response = await run(options.signal, () =>
      clientFor(target).models.generateContent({ model: target.upstreamModel, contents, config: toConfig(request, options) }),
    );
    return fromGeminiResponse(response, request.model);
  },

  async streamChat(request, target, options) {
    const contents = await toContents(splitSystem(request.messages).conversation, requestImages(request.messages, options.signal));
    const stream = await run(options.signal, () =>
      clientFor(target).models.generateContentStream({ model: target.upstreamModel, contents, config: toConfig(request, options) }),
    );
    return fromGeminiStream(stream, request.model, options.signal);
  },

  async embeddings(request, target, options) {
    const inputs = typeof request.input === "string" ? [request.input] : (request.input as unknown[]).map((i) => (typeof i === "string" ? i : JSON.stringify(i)));
    const response = await run(options.signal, () =>
      clientFor(target).models.embedContent({
        model: target.upstreamModel,
        contents: inputs,
        config: { ...requestOptions(options), ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}) },
      }),
    );
    // the Gemini API reports no token counts for embeddings: count them
    const tokens = (await Promise.all(inputs.map(countTextTokens))).reduce((a, b) => a + b, 0);
    return embeddingsResponse((response.embeddings ?? []).map((e) => e.values ?? []), request.model, tokens, request.encoding_format);
  },

  // Gemini image models (gemini-*-image) through generateContent; the SDK offers Imagen's :predict
  // only on Vertex AI, not on the Gemini API
  async generateImages(request, target, options) {
    const config: GenerateContentConfig = {
      ...requestOptions(options),
      responseModalities: ["IMAGE"],
      ...(request.size && ASPECT_RATIOS[request.size] ? { imageConfig: { aspectRatio: ASPECT_RATIOS[request.size] } } : {}),
    };
    const responses = await run(options.signal, () =>
      Promise.all(Array.from({ length: request.n ?? 1 }, () => clientFor(target).models.generateContent({ model: target.upstreamModel, contents: request.prompt, config }))),
    );
    const usageOf = responses.map((r) => canonicalUsage(r.usageMetadata));
    return {
      created: Math.floor(Date.now() / 1000),
      data: responses.flatMap(imagesOf).map((b64_json) => ({ b64_json })),
      usage: {
        input_tokens: usageOf.reduce((n, u) => n + u.prompt_tokens, 0),
        output_tokens: usageOf.reduce((n, u) => n + u.completion_tokens, 0),
        total_tokens: usageOf.reduce((n, u) => n + u.total_tokens, 0),
        input_tokens_details: { text_tokens: usageOf.reduce((n, u) => n + u.prompt_tokens, 0), image_tokens: 0 },
      },
    };
  },

  // speech to text and text to speech are generateContent calls too (gemini-audio.ts)
  transcribe: geminiTranscribe,
  speech: geminiSpeech,

  video: geminiVideo,

  async testConnection(target, options) {
    await run(options.signal, () => clientFor(target).models.list({ config: { pageSize: 1, ...requestOptions(options) } }));
  },
};
