import { methodNotAllowed } from "@/lib/gateway/errors";
import { createResponse } from "@/lib/gateway/responses";
import { withApiKey } from "@/lib/gateway/with-api-key";
import { responsesRequestSchema } from "@/lib/schemas/responses";

export const dynamic = "force-dynamic";

// POST /v1/responses – OpenAI Responses API (stateless), streamed or not
export const POST = withApiKey({ endpoint: "responses", body: responsesRequestSchema }, (ctx, body) => createResponse(ctx, body));
export const GET = methodNotAllowed;
