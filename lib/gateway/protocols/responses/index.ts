import { openAIError } from "../openai/response";
import type { ChatProtocol } from "../chat-protocol";
import { chatRequestFromResponses } from "./request";
import { ResponsesStreamEncoder, toResponse } from "./response";
import { responsesRequestSchema, type ResponsesRequest } from "./schema";

// POST /v1/responses: OpenAI's Responses API, stateless (nothing is stored; previous_response_id is
// refused), routed like any chat call to any provider and metered the same way.
export const responses: ChatProtocol<ResponsesRequest> = {
  endpoint: "responses",
  body: responsesRequestSchema,
  errorFormat: openAIError,
  toChatRequest: chatRequestFromResponses,
  answer: (completion, { body }) => toResponse(completion, body),
  encoder: ({ body }) => new ResponsesStreamEncoder(body),
};
