import { methodNotAllowed } from "@/lib/gateway/errors";
import { anthropicMessages } from "@/lib/gateway/messages";
import { anthropicError } from "@/lib/gateway/protocols/anthropic/response";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { messagesRequestSchema } from "@/lib/schemas/anthropic";

export const dynamic = "force-dynamic";

// POST /v1/messages – Anthropic Messages API (key as x-api-key or Bearer), streamed or not
export const POST = withApiKey({ endpoint: "messages", body: messagesRequestSchema, errorFormat: anthropicError }, (ctx, body) => anthropicMessages(ctx, body));
export const GET = methodNotAllowed;
