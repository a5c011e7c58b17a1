import type { ChatMessage, ChatRequest } from "../../../canonical/schema";
import type { ResponsesContent, ResponsesRequest } from "./schema";
import { invalidRequest } from "../../errors";

// A Responses API request as the canonical (chat) request: instructions → a system message, message
// items → messages, function_call items → the assistant's tool_calls, function_call_output items →
// tool messages, text.format → response_format, reasoning.effort → reasoning_effort.

type Part = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

function partsOf(content: string | ResponsesContent[], where: string): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.flatMap((part, i): Part[] => {
    switch (part.type) {
      case "input_text":
      case "output_text":
        return [{ type: "text", text: part.text }];
      case "refusal":
        return [{ type: "text", text: part.refusal }];
      case "input_image":
        if (!part.image_url) throw invalidRequest(`${where}[${i}]: images must be given as image_url (a URL or a data: URL); uploaded files are not stored by the hub.`, "unsupported_content", `${where}[${i}]`);
        return [{ type: "image_url", image_url: { url: part.image_url } }];
      default:
        throw invalidRequest(`${where}[${i}]: ${part.type} content is not supported by the hub.`, "unsupported_content", `${where}[${i}]`);
    }
  });
}

const textOf = (parts: Part[]) => parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");

function messagesOf(input: ResponsesRequest["input"]): ChatMessage[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  const messages: ChatMessage[] = [];
  input.forEach((item, i) => {
    const where = `input[${i}]`;
    if ("role" in item && (item.type === undefined || item.type === "message")) {
      const parts = partsOf(item.content as string | ResponsesContent[], `${where}.content`);
      if (item.role === "assistant") messages.push({ role: "assistant", content: textOf(parts) || null });
      else if (item.role === "user") messages.push({ role: "user", content: parts.length === 1 && parts[0]!.type === "text" ? parts[0]!.text : parts });
      else messages.push({ role: item.role as "system" | "developer", content: textOf(parts) });
      return;
    }
    switch (item.type) {
      case "function_call": {
        const call = item as { call_id: string; name: string; arguments: string };
        const toolCall = { id: call.call_id, type: "function" as const, function: { name: call.name, arguments: call.arguments } };
        // calls made in one turn are one assistant message, with the turn's text if it had any
        const last = messages.at(-1);
        if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), toolCall];
        else messages.push({ role: "assistant", content: null, tool_calls: [toolCall] });
        return;
      }
      case "function_call_output": {
        const output = item as { call_id: string; output: string | ResponsesContent[] };
        messages.push({ role: "tool", tool_call_id: output.call_id, content: typeof output.output === "string" ? output.output : textOf(partsOf(output.output, `${where}.output`)) });
        return;
      }
      case "reasoning":
        // an earlier turn's reasoning: not something other providers can take back
        return;
      default:
        throw invalidRequest(`${where}: input items of type '${item.type}' are not supported by the hub (it keeps no state: send messages, function calls and their outputs).`, "unsupported_input", where);
    }
  });
  return messages;
}

function tools(body: ResponsesRequest): Pick<ChatRequest, "tools" | "tool_choice" | "parallel_tool_calls"> {
  const declared = (body.tools ?? []).map((tool, i) => {
    if (tool.type !== "function" || !tool.name) {
      throw invalidRequest(`tools[${i}]: the '${tool.type}' tool is not available through the hub; declare function tools.`, "unsupported_tool", `tools[${i}]`);
    }
    return {
      type: "function" as const,
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters ?? { type: "object", properties: {} }, ...(tool.strict ? { strict: true } : {}) },
    };
  });
  const choice = body.tool_choice;
  let tool_choice: ChatRequest["tool_choice"];
  if (typeof choice === "string") tool_choice = choice;
  else if (choice?.type === "function" && choice.name) tool_choice = { type: "function", function: { name: choice.name } };
  else if (choice) throw invalidRequest(`tool_choice: '${choice.type}' is not supported by the hub.`, "unsupported_tool", "tool_choice");
  return {
    ...(declared.length ? { tools: declared } : {}),
    ...(tool_choice ? { tool_choice } : {}),
    ...(body.parallel_tool_calls === false ? { parallel_tool_calls: false } : {}),
  };
}

function responseFormat(body: ResponsesRequest): ChatRequest["response_format"] {
  const format = body.text?.format;
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const { name, schema, description, strict } = format as { name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };
  return { type: "json_schema", json_schema: { name, schema, ...(description ? { description } : {}), ...(strict !== undefined ? { strict } : {}) } };
}

export function chatRequestFromResponses(body: ResponsesRequest): ChatRequest {
  if (body.previous_response_id) {
    throw invalidRequest("previous_response_id is not supported: the hub stores no responses (store: false); send the whole conversation in input.", "unsupported_parameter", "previous_response_id");
  }
  const format = responseFormat(body);
  const user = body.user ?? body.safety_identifier;
  return {
    model: body.model,
    messages: [...(body.instructions ? [{ role: "system" as const, content: body.instructions }] : []), ...messagesOf(body.input)],
    ...(body.max_output_tokens ? { max_tokens: body.max_output_tokens } : {}),
    ...(body.temperature !== undefined && body.temperature !== null ? { temperature: body.temperature } : {}),
    ...(body.top_p !== undefined && body.top_p !== null ? { top_p: body.top_p } : {}),
    ...(body.stream ? { stream: true } : {}),
    ...(body.reasoning?.effort ? { reasoning_effort: body.reasoning.effort } : {}),
    ...(format ? { response_format: format } : {}),
    ...(user ? { user } : {}),
    ...(body.prompt_cache_key ? { prompt_cache_key: body.prompt_cache_key } : {}),
    ...tools(body),
  };
}
