import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /v1/messages – Anthropic Messages API, streamed or not (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.messages);
export const GET = methodNotAllowed;
