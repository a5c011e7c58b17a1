import type { ChatExchange, ChatProtocol } from "../chat-protocol";
import { chatRequestFromAigne } from "./request";
import { AigneStreamEncoder, aigneHubError, credits, toAigneOutput, type AigneOutputOptions } from "./response";
import { aigneChatRequestSchema, type AigneChatRequest } from "./schema";

const outputOptions = ({ request, ctx }: ChatExchange<AigneChatRequest>): AigneOutputOptions => ({
  model: request.model,
  json: request.response_format?.type === "json_schema",
  credits: () => credits(ctx).aigneHubCredits,
});

// POST /api/v2/chat: the AIGNE Hub protocol's chat (the AIGNE framework's @aigne/aigne-hub client)
export const aigneHub: ChatProtocol<AigneChatRequest> = {
  endpoint: "aigne-hub",
  body: aigneChatRequestSchema,
  errorFormat: aigneHubError,
  toChatRequest: chatRequestFromAigne,
  answer: (completion, exchange) => toAigneOutput(completion, outputOptions(exchange)),
  encoder: (exchange) => new AigneStreamEncoder(outputOptions(exchange)),
};
