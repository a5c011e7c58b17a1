import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /v1/messages/count_tokens – Anthropic's token counting (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.countTokens);
export const GET = methodNotAllowed;
