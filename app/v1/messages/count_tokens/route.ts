import { methodNotAllowed } from "@/lib/gateway/errors";
import { countMessageTokens } from "@/lib/gateway/messages";
import { anthropicError } from "@/lib/gateway/protocols/anthropic/response";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { countTokensRequestSchema } from "@/lib/schemas/anthropic";

export const dynamic = "force-dynamic";

// POST /v1/messages/count_tokens – Anthropic's token counting
export const POST = withApiKey({ endpoint: "messages", body: countTokensRequestSchema, errorFormat: anthropicError }, (_ctx, body) => countMessageTokens(body));
export const GET = methodNotAllowed;
