import type { InboundRequest } from "../../../http/inbound";
import { aigneHubError } from "../aigne-hub/response";
import type { ChatProtocol } from "../chat-protocol";
import { chatRequestFromCompletions } from "./request";
import { CompletionsStreamEncoder, toCompletionsAnswer } from "./response";
import { completionsRequestSchema, type CompletionsRequest } from "./schema";

// Streamed answers are always Server-Sent Events. The original streamed them when the client sent
// `Accept: text/event-stream` (its ai-kit client always does, with or without `stream` in the body),
// and wrote the bare text instead when the body said `stream: true` without that header; here
// either one asks for the events, and the bare-text form is not served.
const acceptsEvents = (request: InboundRequest) => (request.headers.get("accept") ?? "").toLowerCase().includes("text/event-stream");

// POST /api/v2/completions and /api/v2/chat/completions: the original AIGNE Hub's older chat protocol
// (ai-kit's chatCompletionsV2), recorded like /api/v2/chat as an "aigne-hub" call
export const aigneCompletions: ChatProtocol<CompletionsRequest> = {
  endpoint: "aigne-hub",
  body: completionsRequestSchema,
  errorFormat: aigneHubError,
  toChatRequest: chatRequestFromCompletions,
  streamsFor: acceptsEvents,
  answer: (completion) => toCompletionsAnswer(completion),
  encoder: () => new CompletionsStreamEncoder(),
};
