import { chatRequestSchema } from "../schemas/openai";
import { chatCompletions } from "./chat";
import { gatewayCall } from "./with-api-key";

// The calls that carry nearly all of a gateway's traffic. Next serves them as route handlers (app/v1/…)
// and the hub's HTTP server serves the same definitions straight from Node (node-front.ts), without
// Next's routing and web Request/Response objects, once the process has booted.

// POST /v1/chat/completions – chat completion, streamed or not
export const chatCompletionsCall = gatewayCall({ endpoint: "chat", body: chatRequestSchema }, (ctx, body) => chatCompletions(ctx, body));

export const hotRoutes: Record<string, typeof chatCompletionsCall> = {
  "POST /v1/chat/completions": chatCompletionsCall,
};
