import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// GET /v1/models/{model} – one model (names may contain "/") (lib/gateway/routes.ts)
export const GET = webRoute(gatewayCalls.model);
