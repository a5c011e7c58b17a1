import type { ChatMessage, ChatRequest } from "./schema";

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

/** The output cap a request carries (the smaller, when a client set both fields). */
export function maxOutputTokens(request: ChatRequest): number | undefined {
  const caps = [request.max_completion_tokens, request.max_tokens].filter((cap): cap is number => typeof cap === "number");
  return caps.length ? Math.min(...caps) : undefined;
}

/**
 * The request with `cap` as its only output limit. The gateway sets it to the output it held, so every
 * adapter sends exactly that as its provider's cap (max_completion_tokens, max_tokens, maxTokens,
 * maxOutputTokens, num_predict), thinking included.
 */
export function withOutputCap(request: ChatRequest, cap: number): ChatRequest {
  const { max_tokens: _asked, ...rest } = request;
  return { ...rest, max_completion_tokens: cap };
}

/** Used by adapters called with no cap at all (the gateway always sets one). */
export const FALLBACK_OUTPUT_CAP = 4096;

/** Anthropic's smallest thinking budget (budget_tokens ≥ 1024, and below max_tokens). */
export const MIN_THINKING_BUDGET = 1024;

/**
 * A thinking budget that fits inside an output cap with room left for the answer (the cap is never
 * raised to make room for thinking: it is what the call was held for), or null when the cap is too
 * small to think within Anthropic's minimum.
 */
export function budgetWithin(budget: number, cap: number): number | null {
  if (cap <= MIN_THINKING_BUDGET) return null;
  return Math.max(MIN_THINKING_BUDGET, Math.min(budget, cap - MIN_THINKING_BUDGET));
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
