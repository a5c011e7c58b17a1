import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /api/v2/image – the AIGNE Hub protocol's image generation (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.aigneImage);
export const GET = methodNotAllowed;
