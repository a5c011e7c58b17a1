import { methodNotAllowed } from "@/lib/gateway/errors";
import { gatewayCalls } from "@/lib/gateway/routes";
import { webRoute } from "@/lib/gateway/with-api-key";

export const dynamic = "force-dynamic";

// POST /api/v2/embeddings – the AIGNE Hub protocol's embeddings (lib/gateway/routes.ts)
export const POST = webRoute(gatewayCalls.aigneEmbeddings);
export const GET = methodNotAllowed;
