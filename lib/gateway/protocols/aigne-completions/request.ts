import type { ChatMessage, ChatRequest } from "../../../canonical/schema";
import type { CompletionsMessage, CompletionsRequest } from "./schema";

// An AIGNE Hub completions request as the canonical (OpenAI chat) request: a prompt → one user
// message; toolCalls → tool_calls, toolCallId → tool_call_id, imageUrl parts → image_url parts,
// responseFormat.jsonSchema → response_format.json_schema, camelCase parameters → OpenAI's.

const named = (name: string | null | undefined) => (name ? { name } : {});

function messageOf(message: CompletionsMessage): ChatMessage {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content ?? "", ...named(message.name) };
    case "user": {
      const { content } = message;
      if (!Array.isArray(content) || content.length === 0) return { role: "user", content: typeof content === "string" ? content : "", ...named(message.name) };
      const parts = content.map((part) => (part.type === "text" ? { type: "text" as const, text: part.text } : { type: "image_url" as const, image_url: { url: part.imageUrl.url } }));
      return { role: "user", content: parts, ...named(message.name) };
    }
    case "assistant": {
      const toolCalls = (message.toolCalls ?? []).map((call) => ({ id: call.id, type: "function" as const, function: { name: call.function.name, arguments: call.function.arguments } }));
      return { role: "assistant", content: message.content || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}), ...named(message.name) };
    }
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

function responseFormat(format: CompletionsRequest["responseFormat"]): ChatRequest["response_format"] {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const { name, description, schema, strict } = format.jsonSchema;
  return { type: "json_schema", json_schema: { name, schema, ...(description ? { description } : {}), ...(typeof strict === "boolean" ? { strict } : {}) } };
}

export function chatRequestFromCompletions(body: CompletionsRequest): ChatRequest {
  const format = responseFormat(body.responseFormat);
  return {
    model: body.model,
    messages: body.prompt !== undefined ? [{ role: "user", content: body.prompt }] : (body.messages ?? []).map(messageOf),
    ...(body.stream ? { stream: true } : {}),
    ...(body.tools?.length ? { tools: body.tools } : {}),
    ...(body.toolChoice ? { tool_choice: body.toolChoice } : {}),
    ...(format ? { response_format: format } : {}),
    // without it the model's default output is held and sent as the cap (gateway/chat.ts)
    ...(body.maxTokens ? { max_tokens: body.maxTokens } : {}),
    ...(typeof body.temperature === "number" ? { temperature: body.temperature } : {}),
    ...(typeof body.topP === "number" ? { top_p: body.topP } : {}),
    ...(typeof body.presencePenalty === "number" ? { presence_penalty: body.presencePenalty } : {}),
    ...(typeof body.frequencyPenalty === "number" ? { frequency_penalty: body.frequencyPenalty } : {}),
  };
}
