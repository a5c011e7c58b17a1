import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /api/v2/chat – the AIGNE Hub protocol's chat (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.aigneChat);
export const GET = methodNotAllowed;
