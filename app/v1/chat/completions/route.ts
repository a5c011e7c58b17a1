import { chatCompletions } from "@/lib/gateway/chat";
import { methodNotAllowed } from "@/lib/gateway/errors";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { chatRequestSchema } from "@/lib/schemas/openai";

export const dynamic = "force-dynamic";

// POST /v1/chat/completions – chat completion, streamed or not
export const POST = withApiKey({ endpoint: "chat", body: chatRequestSchema }, (ctx, body) => chatCompletions(ctx, body));
export const GET = methodNotAllowed;
