import type { ChatMessage, ChatRequest } from "../../../canonical/schema";
import type { AigneChatRequest, AigneContent } from "./schema";
import { dataUrl } from "../../../canonical/data-url";
import { effortForBudget } from "../../../canonical/request";
import { invalidRequest } from "../../errors";

// An AIGNE Hub v2 chat request (the AIGNE framework's ChatModelInput) as the canonical request:
// role "agent" → assistant, toolCalls (arguments as objects) → tool_calls (arguments as JSON text),
// url/file contents → image_url parts, camelCase model options → OpenAI's parameters.

type Part = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

function partsOf(content: string | AigneContent[] | null | undefined, where: string): Part[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return content.flatMap((part, i): Part[] => {
    switch (part.type) {
      case "text":
        // the framework's own thinking notes are not sent back to a model
        return part.isThinking ? [] : [{ type: "text", text: part.text }];
      case "url":
        return [{ type: "image_url", image_url: { url: part.url } }];
      case "file":
        return [{ type: "image_url", image_url: { url: dataUrl(part.mimeType ?? "application/octet-stream", part.data) } }];
      default:
        throw invalidRequest(`${where}[${i}]: local files cannot be read by the hub; send them as file (base64) or url contents.`, "unsupported_content", `${where}[${i}]`);
    }
  });
}

const textOf = (parts: Part[]) => parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
const json = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? {}));

function messageOf(message: AigneChatRequest["input"]["messages"][number], i: number): ChatMessage {
  const parts = partsOf(message.content, `input.messages[${i}].content`);
  switch (message.role) {
    case "system":
      return { role: "system", content: textOf(parts) };
    case "agent": {
      const toolCalls = (message.toolCalls ?? []).map((call) => ({ id: call.id, type: "function" as const, function: { name: call.function.name, arguments: json(call.function.arguments) } }));
      return { role: "assistant", content: textOf(parts) || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) };
    }
    case "tool":
      if (!message.toolCallId) throw invalidRequest(`input.messages[${i}]: a tool message needs its toolCallId`, "invalid_body", `input.messages[${i}].toolCallId`);
      return { role: "tool", tool_call_id: message.toolCallId, content: textOf(parts) };
    default:
      return { role: "user", content: parts.length === 1 && parts[0]!.type === "text" ? parts[0]!.text : parts.length ? parts : "" };
  }
}

export function chatRequestFromAigne(body: AigneChatRequest): ChatRequest {
  const { input } = body;
  const options = input.modelOptions;
  const choice = input.toolChoice;
  const format = input.responseFormat;
  const effort = options.reasoningEffort;
  return {
    model: options.model,
    messages: input.messages.map(messageOf),
    ...(body.options?.streaming ? { stream: true } : {}),
    ...(input.tools?.length ? { tools: input.tools } : {}),
    // "router": the model must pick exactly one tool
    ...(choice ? { tool_choice: choice === "router" ? "required" : choice } : {}),
    ...(choice === "router" || options.parallelToolCalls === false ? { parallel_tool_calls: false } : {}),
    ...(format?.type === "json_schema" ? { response_format: { type: "json_schema", json_schema: (format as { jsonSchema: { name: string; schema: Record<string, unknown> } }).jsonSchema } } : {}),
    // without it the model's default output is held and sent as the cap (gateway/chat.ts)
    ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
    ...(typeof options.temperature === "number" ? { temperature: options.temperature } : {}),
    ...(typeof options.topP === "number" ? { top_p: options.topP } : {}),
    ...(typeof options.frequencyPenalty === "number" ? { frequency_penalty: options.frequencyPenalty } : {}),
    ...(typeof options.presencePenalty === "number" ? { presence_penalty: options.presencePenalty } : {}),
    ...(typeof effort === "string" ? { reasoning_effort: effort } : typeof effort === "number" ? { reasoning_effort: effortForBudget(effort) } : {}),
  };
}
