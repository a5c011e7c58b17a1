import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /v1/embeddings – embeddings for one or more inputs (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.embeddings);
export const GET = methodNotAllowed;
