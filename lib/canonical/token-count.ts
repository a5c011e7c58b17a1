import type { ChatRequest } from "./schema";

// Two ways to count. Admission (the hold and the token rate limit, before the upstream call) takes a
// rough estimate that needs no tables: it runs on every call, and the call's real usage corrects it
// when it settles. When an upstream gives no usage (the client went away before its final usage
// chunk) and for Anthropic's count_tokens, the hub counts with the o200k tokenizer, whose tables
// (~60 MB resident) load on first use only.

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

/**
 * Files (PDFs) sent inline, as one token per base64 character: their compressed text can run a token
 * per byte, and providers bill every page as an image besides. Files by id are refused at the gateway.
 */
const fileTokens = (content: unknown) =>
  Array.isArray(content)
    ? content.reduce((sum: number, p: { type?: string; file?: { file_data?: unknown } }) => sum + (p.type === "file" && typeof p.file?.file_data === "string" ? p.file.file_data.length : 0), 0)
    : 0;

// per-message framing tokens in chat formats (role markers and separators)
const MESSAGE_OVERHEAD = 4;
// an image costs up to ~1,600 prompt tokens at the usual providers (a 1568 px side on Anthropic, high detail on OpenAI)
const IMAGE_TOKENS = 1600;

function promptTokens(request: ChatRequest, count: CountTokens): number {
  let total = 3;
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD + count(contentText(message.content)) + IMAGE_TOKENS * imageParts(message.content) + fileTokens(message.content);
    if (message.role === "assistant" && message.tool_calls) {
      for (const call of message.tool_calls) total += count(call.function.name) + count(call.function.arguments);
    }
  }
  if (request.tools) total += count(JSON.stringify(request.tools));
  return total;
}

/**
 * Tokens a text may take, without a tokenizer: one per 3 ASCII letters or digits (English words run
 * ~5 with their space, but identifiers and numbers split), four per 5 other printable ASCII
 * characters (punctuation, which code and JSON are full of, seldom merges), one per other character
 * (CJK runs ~1), one per tab, line break or control character and one per 4 spaces after a space (a
 * space before a word merges with it; mixed whitespace can take a token a character, so a prompt of
 * it is not free). Fitted to lean high against o200k — 1.0–2.0× on prose, code, JSON and CJK
 * (test/unit/token-count.test.ts) — so holds do too.
 */
export function roughTextTokens(text: string): number {
  let alphanumeric = 0;
  let punctuation = 0;
  let other = 0;
  let repeatedSpaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) alphanumeric++;
    else if (c === 32) repeatedSpaces += i > 0 && text.charCodeAt(i - 1) === 32 ? 1 : 0;
    else if (c > 32 && c < 127) punctuation++;
    else other++;
  }
  return Math.ceil(alphanumeric / 3) + Math.ceil((punctuation * 4) / 5) + Math.ceil(repeatedSpaces / 4) + other;
}

/** The prompt's tokens for admission (see above). */
export const roughPromptTokens = (request: ChatRequest): number => promptTokens(request, roughTextTokens);

/** The prompt's tokens by the o200k tokenizer. */
export async function countPromptTokens(request: ChatRequest): Promise<number> {
  return promptTokens(request, await countTokens());
}

export async function countTextTokens(text: string): Promise<number> {
  return text ? (await countTokens())(text) : 0;
}
