import type { ChatRequest } from "../schemas/openai";

// When an upstream gives no usage (the client went away before its final usage chunk), the hub
// counts tokens itself with the o200k tokenizer. The tokenizer's tables are large, so they load on
// first use only.

type CountTokens = (text: string) => number;
let counter: Promise<CountTokens> | undefined;

function countTokens(): Promise<CountTokens> {
  counter ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => (text: string) => m.countTokens(text));
  return counter;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: { type?: string; text?: string }) => (part.type === "text" ? (part.text ?? "") : "")).join("\n");
}

const imageParts = (content: unknown) => (Array.isArray(content) ? content.filter((p: { type?: string }) => p.type === "image_url").length : 0);

// per-message framing tokens in chat formats (role markers and separators)
const MESSAGE_OVERHEAD = 4;
// an image costs up to ~1,600 prompt tokens at the usual providers (a 1568 px side on Anthropic, high detail on OpenAI)
const IMAGE_TOKENS = 1600;

export async function estimatePromptTokens(request: ChatRequest): Promise<number> {
  const count = await countTokens();
  let total = 3;
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD + count(contentText(message.content)) + IMAGE_TOKENS * imageParts(message.content);
    if (message.role === "assistant" && message.tool_calls) {
      for (const call of message.tool_calls) total += count(call.function.name) + count(call.function.arguments);
    }
  }
  if (request.tools) total += count(JSON.stringify(request.tools));
  return total;
}

export async function estimateTextTokens(text: string): Promise<number> {
  return text ? (await countTokens())(text) : 0;
}
