import type { ChatMessage, ChatRequest } from "../../../canonical/schema";
import type { AnthropicContentBlock, CountTokensRequest, MessagesRequest } from "./schema";
import { dataUrl } from "../../../canonical/data-url";
import { effortForBudget } from "../../../canonical/request";
import { invalidRequest } from "../../errors";
import { cachedPrefix } from "../../affinity";

// An Anthropic Messages request as the canonical (OpenAI chat) request the pipeline routes to any
// provider: system → a system message; tool_use blocks → assistant tool_calls; tool_result blocks →
// tool messages; images → image_url parts; thinking budgets → reasoning_effort.

type Block = AnthropicContentBlock;
type UserPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

const blocksOf = (content: string | Block[]): Block[] => (typeof content === "string" ? (content ? [{ type: "text", text: content }] : []) : content);

function imageUrl(block: Extract<Block, { type: "image" }>): string {
  const source = block.source;
  return source.type === "base64" ? dataUrl(source.media_type, source.data) : source.url;
}

function userTurn(blocks: Block[], where: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const parts: UserPart[] = [];
  blocks.forEach((block, i) => {
    switch (block.type) {
      case "tool_result": {
        // tool results answer the previous assistant turn's tool calls, so they come first
        const content = blocksOf(block.content ?? "");
        const text = content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
        messages.push({ role: "tool", tool_call_id: block.tool_use_id, content: block.is_error ? `Error: ${text}` : text });
        // images a tool returned (a screenshot) follow as the user's
        for (const b of content) if (b.type === "image") parts.push({ type: "image_url", image_url: { url: imageUrl(b) } });
        break;
      }
      case "text":
        parts.push({ type: "text", text: block.text });
        break;
      case "image":
        parts.push({ type: "image_url", image_url: { url: imageUrl(block) } });
        break;
      case "document":
        throw invalidRequest(`${where}.content[${i}]: document blocks are not supported by the hub; send the text or images instead.`, "unsupported_content", `${where}.content[${i}]`);
      default:
        // thinking blocks belong to assistant turns; anything else carries nothing to forward
        break;
    }
  });
  if (parts.length) messages.push({ role: "user", content: parts.length === 1 && parts[0]!.type === "text" ? parts[0]!.text : parts });
  return messages;
}

function assistantTurn(blocks: Block[]): ChatMessage {
  const text = blocks.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  const toolCalls = blocks.flatMap((b) =>
    b.type === "tool_use" ? [{ id: b.id, type: "function" as const, function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }] : [],
  );
  // thinking blocks stay behind: other providers cannot take them, and Anthropic answers a tool turn
  // that lacks its signed thinking without thinking (see providers/anthropic.ts)
  return { role: "assistant", content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) };
}

function tools(body: CountTokensRequest): Pick<ChatRequest, "tools" | "tool_choice" | "parallel_tool_calls"> {
  if (!body.tools?.length) return {};
  const declared = body.tools.map((tool, i) => {
    if (tool.type && tool.type !== "custom") {
      throw invalidRequest(`tools[${i}]: Anthropic's server tool '${tool.type}' is not available through the hub; declare client tools with an input_schema.`, "unsupported_tool", `tools[${i}]`);
    }
    return {
      type: "function" as const,
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.input_schema ?? { type: "object", properties: {} } },
    };
  });
  const choice = body.tool_choice;
  const tool_choice: ChatRequest["tool_choice"] =
    !choice || choice.type === "auto" ? "auto" : choice.type === "any" ? "required" : choice.type === "none" ? "none" : { type: "function", function: { name: choice.name } };
  const serial = choice && "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use === true;
  return { tools: declared, tool_choice, ...(serial ? { parallel_tool_calls: false } : {}) };
}

export function toChatRequest(body: MessagesRequest | CountTokensRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  const system = typeof body.system === "string" ? body.system : body.system?.map((b) => b.text).join("\n\n");
  if (system) messages.push({ role: "system", content: system });
  body.messages.forEach((message, i) => {
    const blocks = blocksOf(message.content);
    if (message.role === "assistant") messages.push(assistantTurn(blocks));
    else messages.push(...userTurn(blocks, `messages[${i}]`));
  });
  const full = body as Partial<MessagesRequest>;
  const thinking = body.thinking;
  return {
    model: body.model,
    messages,
    ...(full.max_tokens ? { max_tokens: full.max_tokens } : {}),
    ...(full.stop_sequences?.length ? { stop: full.stop_sequences } : {}),
    ...(full.temperature !== undefined ? { temperature: full.temperature } : {}),
    ...(full.top_p !== undefined ? { top_p: full.top_p } : {}),
    ...(full.stream ? { stream: true } : {}),
    ...(thinking?.type === "enabled" ? { reasoning_effort: effortForBudget(thinking.budget_tokens) } : thinking?.type === "adaptive" ? { reasoning_effort: "medium" as const } : {}),
    ...(body.metadata?.user_id ? { user: body.metadata.user_id } : {}),
    ...tools(body),
  };
}

/** The prompt as Anthropic caches it (tools, then system, then messages) up to its last cache_control mark, hashed. */
export function anthropicCachedPrefix(body: MessagesRequest): string | null {
  const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : (body.system ?? []);
  const messages = body.messages.flatMap((m) => blocksOf(m.content).map((block) => ({ role: m.role, ...block })));
  return cachedPrefix([...(body.tools ?? []), ...system, ...messages]);
}
