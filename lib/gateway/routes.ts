import { metricsExposition } from "../metrics";
import { healthz, readyz } from "../health";
import { anthropicError } from "./protocols/anthropic/response";
import { aigneHubError } from "./protocols/aigne-hub/response";
import { aigneHubChat, aigneHubImage } from "./aigne-hub";
import { chatCompletions } from "./chat";
import { createEmbeddings } from "./embeddings";
import { methodNotAllowed, unknownUrl } from "./errors";
import { generateImages } from "./images";
import { anthropicMessages, countMessageTokens } from "./messages";
import { listModels, retrieveModel } from "./models";
import type { Reply } from "./reply";
import { createResponse } from "./responses";
import { gatewayCall } from "./with-api-key";
import { type InboundRequest } from "../http/inbound";
import { aigneChatRequestSchema, aigneImageRequestSchema } from "../schemas/aigne-hub";
import { countTokensRequestSchema, messagesRequestSchema } from "../schemas/anthropic";
import { chatRequestSchema, embeddingsRequestSchema, imagesRequestSchema } from "../canonical/schema";
import { responsesRequestSchema } from "../schemas/responses";

// Every API the gateway serves, defined once. The hub's HTTP server answers them straight from Node
// (node-front.ts) without loading Next at all; Next serves the same definitions as route handlers
// (app/v1/…, app/api/v2/…, the probes), which is what `next dev` uses.

export type Serve = (request: InboundRequest) => Promise<Reply | Response> | Response;

export const gatewayCalls = {
  // POST /v1/chat/completions – chat completion, streamed or not
  chatCompletions: gatewayCall({ endpoint: "chat", body: chatRequestSchema }, (ctx, body) => chatCompletions(ctx, body)),
  // POST /v1/embeddings – embeddings for one or more inputs
  embeddings: gatewayCall({ endpoint: "embeddings", body: embeddingsRequestSchema }, (ctx, body) => createEmbeddings(ctx, body)),
  // POST /v1/images/generations – images from a prompt
  images: gatewayCall({ endpoint: "images", body: imagesRequestSchema }, (ctx, body) => generateImages(ctx, body)),
  // POST /v1/messages – Anthropic Messages API (key as x-api-key or Bearer), streamed or not
  messages: gatewayCall({ endpoint: "messages", body: messagesRequestSchema, errorFormat: anthropicError }, (ctx, body) => anthropicMessages(ctx, body)),
  // POST /v1/messages/count_tokens – Anthropic's token counting
  countTokens: gatewayCall({ endpoint: "messages", body: countTokensRequestSchema, errorFormat: anthropicError }, (ctx, body) => countMessageTokens(ctx, body)),
  // POST /v1/responses – OpenAI Responses API (stateless), streamed or not
  responses: gatewayCall({ endpoint: "responses", body: responsesRequestSchema }, (ctx, body) => createResponse(ctx, body)),
  // GET /v1/models – the models this key may use
  models: gatewayCall({ endpoint: "models" }, (ctx) => listModels(ctx.principal)),
  // GET /v1/models/{model} – one model (names may contain "/")
  model: gatewayCall({ endpoint: "models" }, (ctx, _body, request) =>
    retrieveModel(ctx.principal, decodeURIComponent(new URL(request.url).pathname.slice("/v1/models/".length))),
  ),
  // POST /api/v2/chat – the AIGNE Hub protocol's chat (the AIGNE framework's @aigne/aigne-hub client)
  aigneChat: gatewayCall({ endpoint: "aigne-hub", body: aigneChatRequestSchema, errorFormat: aigneHubError }, (ctx, body) => aigneHubChat(ctx, body)),
  // POST /api/v2/embeddings – the AIGNE Hub protocol's embeddings: OpenAI's request and answer
  aigneEmbeddings: gatewayCall({ endpoint: "embeddings", body: embeddingsRequestSchema, errorFormat: aigneHubError }, (ctx, body) => createEmbeddings(ctx, body)),
  // POST /api/v2/image – the AIGNE Hub protocol's image generation (AIGNEHubImageModel)
  aigneImage: gatewayCall({ endpoint: "images", body: aigneImageRequestSchema, errorFormat: aigneHubError }, (ctx, body) => aigneHubImage(ctx, body)),
};

const routes: Record<string, Record<string, Serve>> = {
  "/v1/chat/completions": { POST: gatewayCalls.chatCompletions },
  "/v1/embeddings": { POST: gatewayCalls.embeddings },
  "/v1/images/generations": { POST: gatewayCalls.images },
  "/v1/messages": { POST: gatewayCalls.messages },
  "/v1/messages/count_tokens": { POST: gatewayCalls.countTokens },
  "/v1/responses": { POST: gatewayCalls.responses },
  "/v1/models": { GET: gatewayCalls.models },
  "/api/v2/chat": { POST: gatewayCalls.aigneChat },
  "/api/v2/embeddings": { POST: gatewayCalls.aigneEmbeddings },
  "/api/v2/image": { POST: gatewayCalls.aigneImage },
  "/healthz": { GET: healthz },
  "/readyz": { GET: readyz },
  "/metrics": { GET: metricsExposition },
};

const modelRoute: Record<string, Serve> = { GET: gatewayCalls.model };

/** What serves a request to this path; null when it is not the gateway's (Next's pages and APIs). */
export function gatewayRoute(method: string, path: string): Serve | null {
  const route = routes[path] ?? (path.startsWith("/v1/models/") ? modelRoute : undefined);
  if (route) return route[method] ?? (method === "HEAD" ? route.GET : undefined) ?? methodNotAllowed;
  return path === "/v1" || path.startsWith("/v1/") ? unknownUrl : null;
}
