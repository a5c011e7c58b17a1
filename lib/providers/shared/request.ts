import type { ChatMessage, ChatRequest } from "../../schemas/openai";
import { UpstreamError } from "../upstream-error";

// Reading the canonical (OpenAI-shaped) request the way every non-OpenAI adapter needs it.

export type Part = { type: "text"; text: string } | { type: "image"; url: string };

/** A message's content as text and image parts (other part types are not forwarded). */
export function partsOf(content: ChatMessage["content"]): Part[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  const parts: Part[] = [];
  for (const part of content) {
    if (part.type === "text" && typeof part.text === "string") parts.push({ type: "text", text: part.text });
    else if (part.type === "image_url" && part.image_url && typeof part.image_url === "object") parts.push({ type: "image", url: String((part.image_url as { url: string }).url) });
  }
  return parts;
}

export function textOf(content: ChatMessage["content"]): string {
  return partsOf(content)
    .flatMap((p) => (p.type === "text" ? [p.text] : []))
    .join("\n");
}

/** System and developer messages, which most providers take apart from the conversation. */
export function splitSystem(messages: ChatMessage[]): { system: string[]; conversation: ChatMessage[] } {
  const system: string[] = [];
  const conversation: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role === "system" || message.role === "developer") system.push(textOf(message.content));
    else conversation.push(message);
  }
  return { system: system.filter(Boolean), conversation };
}

/** tool_call_id → function name, for providers whose tool results are keyed by name (Gemini, Ollama). */
export function toolNames(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return names;
}

/** Tool-call arguments as an object; providers other than OpenAI want objects, not JSON text. */
export function parseArguments(json: string, where: string): Record<string, unknown> {
  if (!json.trim()) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UpstreamError({ kind: "http", status: 400, type: "invalid_request_error", code: "invalid_tool_arguments", message: `${where}: tool call arguments must be a JSON object` });
}

export function maxOutputTokens(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

export function stopSequences(request: ChatRequest): string[] | undefined {
  if (request.stop === null || request.stop === undefined) return undefined;
  return typeof request.stop === "string" ? [request.stop] : request.stop;
}

export type ToolChoice = { mode: "auto" | "none" | "required" } | { mode: "tool"; name: string };

export function toolChoice(request: ChatRequest): ToolChoice {
  const choice = request.tool_choice;
  if (!choice) return { mode: "auto" };
  if (typeof choice === "string") return { mode: choice };
  return { mode: "tool", name: choice.function.name };
}

/** The JSON schema a response must follow, or "json" for free-form JSON, or null for text. */
export function responseSchema(request: ChatRequest): { schema: Record<string, unknown>; name: string } | "json" | null {
  const format = request.response_format;
  if (!format || format.type === "text") return null;
  if (format.type === "json_object") return "json";
  return { schema: (format.json_schema.schema as Record<string, unknown> | undefined) ?? { type: "object" }, name: format.json_schema.name };
}

// OpenAI's reasoning efforts and the thinking-token budgets they stand for, in both directions
const BUDGETS = { low: 1024, medium: 4096, high: 16_384, xhigh: 32_768 } as const;
type BudgetedEffort = keyof typeof BUDGETS;

/** reasoning_effort as a thinking-token budget, for providers that take budgets. */
export function thinkingBudget(request: ChatRequest): number | null {
  const effort = request.reasoning_effort === "minimal" ? "low" : request.reasoning_effort;
  return effort && effort in BUDGETS ? BUDGETS[effort as BudgetedEffort] : null;
}

/** A thinking-token budget (from clients that speak in budgets) as the effort whose budget covers it. */
export function effortForBudget(budget: number): BudgetedEffort {
  return (Object.keys(BUDGETS) as BudgetedEffort[]).find((effort) => budget <= BUDGETS[effort]) ?? "xhigh";
}
