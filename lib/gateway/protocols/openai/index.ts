import { chatRequestSchema, type ChatRequest } from "../../../canonical/schema";
import type { ChatProtocol } from "../chat-protocol";
import { openAIAnswer, openAIEncoder, openAIError } from "./response";

// POST /v1/chat/completions: the request is already canonical.
export const openai: ChatProtocol<ChatRequest> = {
  endpoint: "chat",
  body: chatRequestSchema,
  errorFormat: openAIError,
  toChatRequest: (body) => body,
  answer: (completion, { request }) => openAIAnswer(completion, request.model),
  encoder: ({ request }) => openAIEncoder(request.model, request.stream_options?.include_usage === true),
};
