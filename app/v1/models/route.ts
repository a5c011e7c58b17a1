import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /v1/models – the models this key may use (lib/gateway/routes.ts)
export const GET = webRoute(gatewayCalls.models);
