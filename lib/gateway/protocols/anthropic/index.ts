import type { ChatProtocol } from "../chat-protocol";
import { anthropicCachedPrefix, toChatRequest } from "./request";
import { AnthropicStreamEncoder, anthropicError, toAnthropicMessage } from "./response";
import { messagesRequestSchema, type MessagesRequest } from "./schema";

// POST /v1/messages: Anthropic's Messages API (key as x-api-key or Bearer), routed like any chat
// call to any provider and metered the same way; answers (and streams) in Anthropic's shapes.
export const anthropic: ChatProtocol<MessagesRequest> = {
  endpoint: "messages",
  body: messagesRequestSchema,
  errorFormat: anthropicError,
  toChatRequest,
  cachedPrefix: anthropicCachedPrefix,
  answer: (completion, { body }) => toAnthropicMessage(completion, body.model),
  encoder: ({ body, ctx }) => new AnthropicStreamEncoder(body.model, ctx.call.promptEstimate ?? 0),
};
